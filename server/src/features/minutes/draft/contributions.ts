import type { RichNode } from '#shared/api/minutes.ts';
import { paragraph } from '#shared/minutes/rich-text.ts';
import type { TranscriptLine } from './transcript-proposals.ts';
import { vietnamClock } from '#shared/time/vietnam-time.ts';
import { squash } from './vietnamese-text.ts';

export type SpokenLine = TranscriptLine & { unitName: string };

/**
 * Which agenda item a moment of the meeting belongs to: the items follow each other from the
 * start with their planned durations, and the last one takes whatever time is left (meetings
 * overrun; nothing said may fall outside the agenda). Returns the item's index.
 */
export function agendaIndexAt(durationsMinutes: readonly number[], atMs: number): number {
	let end = 0;
	for (const [index, minutes] of durationsMinutes.entries()) {
		end += Math.max(0, minutes) * 60_000;
		if (atMs < end) {
			return index;
		}
	}
	return Math.max(0, durationsMinutes.length - 1);
}

/**
 * Lines of each agenda item, in time order. Empty lines (a region without words, a correction that
 * deleted the text) are left out.
 */
export function linesPerItem(durationsMinutes: readonly number[], lines: readonly SpokenLine[]): SpokenLine[][] {
	const items: SpokenLine[][] = durationsMinutes.map(() => []);
	if (items.length === 0) {
		return items;
	}
	const ordered = lines.filter((line) => squash(line.text) !== '').sort((a, b) => a.startMs - b.startMs);
	for (const line of ordered) {
		items[agendaIndexAt(durationsMinutes, line.startMs)]?.push(line);
	}
	return items;
}

/**
 * What the sites said on an item, as minutes record it: one paragraph per turn (consecutive lines
 * of one site), headed by the site and the time it began in Vietnam, "Xã Đồng Thịnh (08:12): …".
 * Each paragraph is marked as the machine's and keeps the turn's first transcript line, so the
 * editor can link to the recording and drop the mark once a person edits it.
 */
export function contributionParagraphs(lines: readonly SpokenLine[], meetingStartedAt: string): RichNode[] {
	const start = new Date(meetingStartedAt).getTime();
	const turns: { first: SpokenLine; lines: SpokenLine[] }[] = [];
	for (const line of lines) {
		const current = turns.at(-1);
		if (current?.first.unitId === line.unitId) {
			current.lines.push(line);
		} else {
			turns.push({ first: line, lines: [line] });
		}
	}
	return turns.map(({ first, lines: turn }) => {
		const said = turn.map((line) => squash(line.text)).join(' ');
		return paragraph(`${first.unitName} (${vietnamClock(start + first.startMs)}): ${said}`, { machine: true, segmentId: first.id });
	});
}
