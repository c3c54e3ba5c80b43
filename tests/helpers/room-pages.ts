import type { Page, SerializedAXNode } from 'puppeteer-core';
import type { RoomSnapshot } from '../../shared/src/protocol/index.ts';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login } from './accounts.ts';
import type { RunningApp } from './start-app.ts';

/** Helpers for browser tests that drive the web client's meeting room through `window.__giaobanRoom`. */

export type Stats = Record<string, { audioBytes: number; videoBytes: number; cameraWidth: number }>;
export type Snapshot = RoomSnapshot;
/** What a page's room client says about itself. */
export type OwnState = { state: string; participantId: string | null; meetingId: string | null; micMuted: boolean; audioOnly: boolean; sharingScreen: boolean };
type RoomWindow = {
	__giaobanRoom: {
		receiveStats: () => Promise<Stats>;
		receiveDetails: () => Promise<Record<string, unknown>[]>;
		cameraLayers: () => Promise<{ rid: string; width: number; bytesSent: number }[]>;
		snapshot: Snapshot;
		recovery: { iceRestarts: number; rejoins: number };
		mediaPaths: () => Promise<{ send: string | null; recv: string | null }>;
		state: string;
		participantId: string | null;
		micMuted: boolean;
		audioOnly: boolean;
		sharingScreen: boolean;
	};
};

/** The width of the camera's top simulcast layer (client/src/media/camera.ts captures 1280×720). */
export const CAMERA_TOP_WIDTH = 1280;

/** Lets `ms` pass: only to observe what happens over a window (growth), never to wait for something to happen. */
const observe = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls `condition` every `interval` ms until it holds; fails with `what` after `timeout` ms. For
 * conditions read from outside the page (several pages, the server), or that compare one reading
 * with the previous one.
 */
export async function until(condition: () => boolean | Promise<boolean>, timeout: number, what: string, interval = 100): Promise<void> {
	const deadline = Date.now() + timeout;
	for (;;) {
		if (await condition()) {
			return;
		}
		if (Date.now() > deadline) {
			throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
		}
		await new Promise((resolve) => setTimeout(resolve, interval));
	}
}

export async function stats(page: Page): Promise<Stats> {
	return page.evaluate(() => (window as unknown as RoomWindow).__giaobanRoom.receiveStats());
}

export async function snapshot(page: Page): Promise<Snapshot> {
	return page.evaluate(() => (window as unknown as RoomWindow).__giaobanRoom.snapshot);
}

export async function recovery(page: Page): Promise<{ iceRestarts: number; rejoins: number }> {
	return page.evaluate(() => (window as unknown as RoomWindow).__giaobanRoom.recovery);
}

/** Waits until the camera frames `page` receives from `from` have a width that satisfies `accept`. */
export async function waitForCameraWidth(page: Page, from: string, accept: 'top' | 'below-top', timeout: number): Promise<number> {
	const handle = await page.waitForFunction(
		async (id, want, top) => {
			const width = (await (window as unknown as RoomWindow).__giaobanRoom.receiveStats())[id]?.cameraWidth ?? 0;
			return (want === 'top' ? width >= top : width > 0 && width < top) ? width : false;
		},
		{ timeout, polling: 500 },
		from,
		accept,
		CAMERA_TOP_WIDTH
	);
	return (await handle.jsonValue()) as number;
}

/** Waits until the page's room counts more recoveries of `kind` than `above`. */
export async function waitForRecovery(page: Page, kind: 'iceRestarts' | 'rejoins', above: number, timeout: number): Promise<void> {
	await page.waitForFunction((k, n) => (window as unknown as RoomWindow).__giaobanRoom.recovery[k] > n, { timeout, polling: 200 }, kind, above);
}

export async function mediaPaths(page: Page): Promise<{ send: string | null; recv: string | null }> {
	return page.evaluate(() => (window as unknown as RoomWindow).__giaobanRoom.mediaPaths());
}

/** The page's room client as it sees itself; null while there is none (sign-in, pre-join screen, a page that is loading). */
export async function ownState(page: Page): Promise<OwnState | null> {
	return page
		.evaluate(() => {
			const room = (window as unknown as Partial<RoomWindow>).__giaobanRoom;
			return room
				? { state: room.state, participantId: room.participantId, meetingId: room.snapshot?.meetingId ?? null, micMuted: room.micMuted, audioOnly: room.audioOnly, sharingScreen: room.sharingScreen }
				: null;
		})
		.catch(() => null);
}

/** Waits until the room as `page` sees it holds exactly the participants `ids`. */
export async function waitForParticipants(page: Page, ids: string[], timeout = 30000): Promise<void> {
	await page.waitForFunction(
		(want: string[]) => {
			const have = (window as unknown as Partial<RoomWindow>).__giaobanRoom?.snapshot?.participants.map((p) => p.id) ?? [];
			// One [data-participant] row per site: the participants list of a commune, the roll call of the chair.
			return have.length === want.length && want.every((id) => have.includes(id)) && document.querySelectorAll('[data-participant]').length === want.length;
		},
		{ timeout, polling: 200 },
		ids
	);
}

export async function participantId(page: Page, unitName: string): Promise<string> {
	return (await snapshot(page)).participants.find((p) => p.unitName === unitName)!.id;
}

/** Bytes received by `page` from `from` over a window of `ms`: audio and video (an observation, not a wait). */
export async function growth(page: Page, from: string, ms = 2500): Promise<{ audio: number; video: number }> {
	const before = (await stats(page))[from] ?? { audioBytes: 0, videoBytes: 0 };
	await observe(ms);
	const after = (await stats(page))[from] ?? { audioBytes: 0, videoBytes: 0 };
	return { audio: after.audioBytes - before.audioBytes, video: after.videoBytes - before.videoBytes };
}

export type MediaKind = 'audio' | 'video';

async function bytesFrom(page: Page, from: string, kind: MediaKind): Promise<number> {
	const s = (await stats(page))[from];
	return (kind === 'audio' ? s?.audioBytes : s?.videoBytes) ?? 0;
}

/** Waits until `page` has received both audio and video bytes from participant `from`. */
export async function waitForMedia(page: Page, from: string, timeout = 30000): Promise<void> {
	await page.waitForFunction(
		(id) =>
			(window as unknown as RoomWindow).__giaobanRoom.receiveStats().then((s) => (s[id]?.audioBytes ?? 0) > 0 && (s[id]?.videoBytes ?? 0) > 0),
		{ timeout, polling: 500 },
		from
	);
}

/**
 * Waits until the bytes of `kind` that `page` receives from `from` grow from one reading to the
 * next (media flows now, not only earlier). A reading below the previous one (the page's
 * consumers were replaced: a rejoin, a new camera producer) starts over from there.
 */
export async function waitForFlowing(page: Page, from: string, timeout = 30000, kind: MediaKind = 'audio', sender?: Page): Promise<void> {
	let previous: number | null = null;
	try {
		await until(
			async () => {
				const now = await bytesFrom(page, from, kind);
				const grew = previous !== null && now > previous;
				previous = now;
				return grew;
			},
			timeout,
			`${kind} from ${from} to flow`,
			250
		);
	} catch (error) {
		// Why it did not flow: the receiving consumers as the browser has them, and what the sender sends.
		const receiving = await page
			.evaluate((id) => (window as unknown as RoomWindow).__giaobanRoom.receiveDetails().then((all) => all.filter((d) => d['participantId'] === id)), from)
			.catch((e: unknown) => String(e));
		const sending = sender ? await sender.evaluate(() => (window as unknown as RoomWindow).__giaobanRoom.cameraLayers()).catch((e: unknown) => String(e)) : 'not given';
		throw new Error(`${(error as Error).message}; receiving: ${JSON.stringify(receiving)}; sender's camera layers: ${JSON.stringify(sending)}`);
	}
}

/**
 * Waits until the bytes of `kind` that `page` receives from `from` have not changed for `quietMs`
 * (what was in flight before a mute or pause has arrived), for a measurement of silence to follow.
 * Opus DTX sends a packet at least every 400 ms while the microphone is live, so 1 s without a byte
 * means no stream.
 */
export async function waitForQuiet(page: Page, from: string, kind: MediaKind, quietMs = 1000, timeout = 15000): Promise<void> {
	let last: number | null = null;
	let since = Date.now();
	await until(
		async () => {
			const now = await bytesFrom(page, from, kind);
			if (now !== last) {
				last = now;
				since = Date.now();
				return false;
			}
			return Date.now() - since >= quietMs;
		},
		timeout,
		`${kind} from ${from} to stop arriving`
	);
}

export async function signIn(page: Page, url: string, username: string, password: string): Promise<void> {
	await page.goto(url, { waitUntil: 'networkidle0' });
	await page.type('input[name=username]', username);
	await page.type('input[name=password]', password);
	await page.click('form button[type=submit]');
	await page.waitForSelector('[data-testid=signed-in]');
}

export async function enterRoom(page: Page): Promise<void> {
	await page.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
	await page.click('[data-testid=enter-room]');
	await page.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 30000 });
}

/** Schedules a meeting starting now through the API, as the district admin; returns its id and join links. */
/** Not recorded unless `recording` is set (a recorder per site is an ffmpeg process the other tests do not need). */
export async function scheduleMeeting(
	running: RunningApp,
	accounts: Map<string, SeededAccount>,
	title: string,
	invitedUnitIds: string[],
	options: { recording?: boolean } = {}
): Promise<{ meetingId: string; joinLinks: Map<string, string> }> {
	const admin = await login(running.app, accounts, 'admin');
	const chairs = await running.app.inject({ url: '/api/accounts/chairs', headers: admin.headers });
	const created = await running.app.inject({
		method: 'POST',
		url: '/api/meetings',
		headers: { ...admin.headers, host: new URL(running.url).host },
		payload: {
			title,
			description: '',
			location: 'Hội trường UBND huyện',
			startsAt: new Date().toISOString(),
			endsAt: new Date(Date.now() + 7200_000).toISOString(),
			chairId: chairs.json<{ id: string }[]>()[0]!.id,
			agenda: [{ title: 'Báo cáo tình hình', presenter: 'Văn phòng', durationMinutes: 10 }],
			invitedUnitIds,
			recordingEnabled: options.recording ?? false,
		},
	});
	const body = created.json<{ meeting: { id: string }; joinLinks: { unitId: string; url: string }[] }>();
	return { meetingId: body.meeting.id, joinLinks: new Map(body.joinLinks.map((l) => [l.unitId, l.url])) };
}

const CONTROL_ROLES = new Set(['button', 'textbox', 'combobox', 'checkbox', 'radio', 'link', 'slider', 'spinbutton', 'searchbox', 'switch', 'menuitem']);

/** Controls the accessibility tree exposes without a name (a screen reader would say only "button"). */
export async function unnamedControls(page: Page): Promise<string[]> {
	const found: string[] = [];
	const walk = (node: SerializedAXNode): void => {
		if (CONTROL_ROLES.has(node.role) && !node.name?.trim()) {
			found.push(`${node.role} ${node.description ?? ''}`.trim());
		}
		node.children?.forEach(walk);
	};
	const root = await page.accessibility.snapshot({ interestingOnly: true });
	if (root) {
		walk(root);
	}
	return found;
}

/** Presses Tab from the top of the page until `selector` has the focus; false if it never does. */
export async function tabReaches(page: Page, selector: string, maxTabs = 80): Promise<boolean> {
	await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
	for (let i = 0; i < maxTabs; i += 1) {
		await page.keyboard.press('Tab');
		if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
			return true;
		}
	}
	return false;
}

/** Answers the page's open confirmation (client/src/ui/confirm-dialog.tsx) with the choice `testId`, or cancels it. */
export async function answerConfirm(page: Page, testId: string): Promise<void> {
	await page.waitForSelector(`dialog[data-testid=confirm-dialog][open] [data-testid=${testId}]`, { visible: true, timeout: 10000 });
	await page.click(`dialog[data-testid=confirm-dialog][open] [data-testid=${testId}]`);
	await page.waitForSelector('dialog[data-testid=confirm-dialog][open]', { hidden: true, timeout: 10000 });
}

/** The chair opens the menu of the site of `unitName` in its list and picks `action` (grant, mute, ask-unmute, remove). */
export async function siteAction(chair: Page, unitName: string, action: 'grant' | 'mute' | 'ask-unmute' | 'remove'): Promise<void> {
	const row = `[data-participant="${unitName}"]`;
	if (!(await chair.$(`${row} [role=menu]`))) {
		await chair.click(`${row} [data-testid=site-menu]`);
	}
	await chair.waitForSelector(`${row} [role=menu] [data-testid=${action}]`, { visible: true, timeout: 5000 });
	await chair.click(`${row} [role=menu] [data-testid=${action}]`);
}

/** The chair ends the meeting for everyone from its panel, confirming. */
export async function endMeetingForAll(chair: Page): Promise<void> {
	await chair.click('[data-testid=end-meeting]');
	await answerConfirm(chair, 'confirm-end');
}

/** Whether the element `selector` lies wholly inside the page's viewport (and is not hidden). */
export async function inViewport(page: Page, selector: string): Promise<boolean> {
	return page.$eval(selector, (el) => {
		const box = el.getBoundingClientRect();
		return box.width > 0 && box.height > 0 && box.top >= 0 && box.left >= 0 && box.bottom <= window.innerHeight && box.right <= window.innerWidth;
	});
}
