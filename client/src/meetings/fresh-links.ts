import type { JoinLink } from '#shared/api/meetings.ts';

/**
 * Join links as they were just created or renewed. The server keeps only hashes of the tokens, so
 * these are the only copies: kept in the tab's sessionStorage (not in memory) so that a reload of
 * the meeting page, or going to the list and back, still shows them; not in localStorage, so that
 * they do not outlive the tab on a shared office computer.
 */
const KEY = 'giaoban.fresh-links';

type Stored = Record<string, JoinLink[]>;

function read(): Stored {
	try {
		const parsed: unknown = JSON.parse(sessionStorage.getItem(KEY) ?? '{}');
		return parsed && typeof parsed === 'object' ? (parsed as Stored) : {};
	} catch {
		return {};
	}
}

function write(stored: Stored): void {
	try {
		sessionStorage.setItem(KEY, JSON.stringify(stored));
	} catch {
		// Storage full or refused (private mode): the links stay on screen until the page is left.
	}
}

/** Map-like: get and set per meeting. */
export const freshLinks = {
	get(meetingId: string): JoinLink[] | undefined {
		return read()[meetingId];
	},
	/** Replaces the links of the units in `links`, keeping the other units' ones. */
	set(meetingId: string, links: JoinLink[]): void {
		const stored = read();
		const kept = (stored[meetingId] ?? []).filter((old) => !links.some((l) => l.unitId === old.unitId));
		stored[meetingId] = [...kept, ...links];
		write(stored);
	},
};
