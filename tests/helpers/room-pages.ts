import type { Page, SerializedAXNode } from 'puppeteer-core';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login } from './accounts.ts';
import type { RunningApp } from './start-app.ts';

/** Helpers for browser tests that drive the web client's meeting room through `window.__giaobanRoom`. */

export type Stats = Record<string, { audioBytes: number; videoBytes: number; cameraWidth: number }>;
export type Snapshot = { participants: { id: string; unitName: string; micMuted: boolean }[] };
type RoomWindow = {
	__giaobanRoom: {
		receiveStats: () => Promise<Stats>;
		snapshot: Snapshot;
		recovery: { iceRestarts: number; rejoins: number };
		mediaPaths: () => Promise<{ send: string | null; recv: string | null }>;
	};
};

/** The width of the camera's top simulcast layer (client/src/media/camera.ts captures 1280×720). */
export const CAMERA_TOP_WIDTH = 1280;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

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

export async function participantId(page: Page, unitName: string): Promise<string> {
	return (await snapshot(page)).participants.find((p) => p.unitName === unitName)!.id;
}

/** Bytes received by `page` from `from` over a window: audio and video. */
export async function growth(page: Page, from: string, ms = 2500): Promise<{ audio: number; video: number }> {
	const before = (await stats(page))[from] ?? { audioBytes: 0, videoBytes: 0 };
	await sleep(ms);
	const after = (await stats(page))[from] ?? { audioBytes: 0, videoBytes: 0 };
	return { audio: after.audioBytes - before.audioBytes, video: after.videoBytes - before.videoBytes };
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

/** Waits until the audio bytes `page` receives from `from` grow again (media flows now, not only earlier). */
export async function waitForFlowing(page: Page, from: string, timeout = 30000): Promise<void> {
	await page.waitForFunction(
		async (id) => {
			const room = (window as unknown as RoomWindow).__giaobanRoom;
			const before = (await room.receiveStats())[id]?.audioBytes ?? 0;
			await new Promise((r) => setTimeout(r, 500));
			return ((await room.receiveStats())[id]?.audioBytes ?? 0) > before;
		},
		{ timeout, polling: 250 },
		from
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
export async function scheduleMeeting(running: RunningApp, accounts: Map<string, SeededAccount>, title: string, invitedUnitIds: string[]): Promise<{ meetingId: string; joinLinks: Map<string, string> }> {
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
