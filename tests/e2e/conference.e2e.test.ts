import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import {
	answerConfirm,
	endMeetingForAll,
	enterRoom,
	growth,
	ownState,
	participantId,
	recovery,
	scheduleMeeting,
	signIn,
	siteAction,
	snapshot,
	tabReaches,
	unnamedControls,
	type Snapshot,
	waitForFlowing,
	waitForMedia,
	waitForParticipants,
	waitForQuiet,
} from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

/** The meeting the room tests share, scheduled through the API (the form has a test of its own). */
const TITLE = 'Giao ban trực tuyến các xã';
const UNITS = { chair: 'Huyện Sông Lô', dongThinh: 'Xã Đồng Thịnh', haiLuu: 'Xã Hải Lựu' } as const;
type Ids = { chair: string; dongThinh: string; haiLuu: string };

/**
 * Every test establishes the state it needs: ensureRoom() (re)joins whichever site is not in the
 * shared meeting's room (scheduling a new meeting once one has ended), unlocks it and turns audio
 * only and screen sharing off; a test that needs a microphone on or off sets it. So each test
 * passes alone (`-t`) and whatever the earlier tests left behind.
 */
describe('a district meeting with two communes in Chromium', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	let adminHeaders: Record<string, string>;
	const contexts: BrowserContext[] = [];
	let meeting: { id: string; haiLuuLink: string } | null = null;
	let chair: Page;
	let dongThinh: Page;
	let haiLuu: Page;
	let admin: Page;

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		adminHeaders = (await login(running.app, accounts, 'admin')).headers;
		chromium = await launchBrowser();
		for (let i = 0; i < 4; i += 1) {
			contexts.push(await chromium.browser.createBrowserContext());
		}
		const pages = await Promise.all(contexts.map((c) => c.newPage()));
		[chair, dongThinh, haiLuu, admin] = [pages[0]!, pages[1]!, pages[2]!, pages[3]!];
		// The chair and Đồng Thịnh come with their accounts (the session stays in their context); Hải Lựu with its join link.
		await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
		await signIn(dongThinh, running.url, 'dongthinh', accounts.get('dongthinh')!.password);
	}, 90000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	/** The shared meeting, scheduled now for both communes; a new one when the last one has ended. */
	async function currentMeeting(): Promise<{ id: string; haiLuuLink: string }> {
		if (meeting) {
			const status = (await running.app.inject({ url: `/api/meetings/${meeting.id}`, headers: adminHeaders })).json<{ status: string }>().status;
			if (status !== 'ended' && status !== 'cancelled') {
				return meeting;
			}
		}
		const { meetingId, joinLinks } = await scheduleMeeting(running, accounts, TITLE, ['dong-thinh', 'hai-luu']);
		meeting = { id: meetingId, haiLuuLink: joinLinks.get('hai-luu')! };
		return meeting;
	}

	const roomUrl = (page: Page, m: { id: string; haiLuuLink: string }) => (page === haiLuu ? m.haiLuuLink : `${running.url}/meetings/${m.id}/room`);

	/** Leaves `page` in the current meeting's room: as it is when it is there (or rejoining by itself), else loads the room and enters. */
	async function ensureInRoom(page: Page): Promise<void> {
		const m = await currentMeeting();
		const own = await ownState(page);
		if (own?.meetingId === m.id && (own.state === 'joined' || own.state === 'reconnecting' || own.state === 'joining')) {
			const joined = await page.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 30000 }).then(
				() => true,
				() => false
			);
			if (joined) {
				return;
			}
		}
		await page.goto(roomUrl(page, m), { waitUntil: 'networkidle0' });
		await enterRoom(page);
	}

	async function ownId(page: Page): Promise<string> {
		return (await ownState(page))!.participantId!;
	}

	/** Waits until the chair's room shows participant `id` with `flag` set to `value`. */
	async function chairSees(id: string, flag: 'micMuted' | 'audioOnly' | 'screenSharing', value: boolean, timeout = 15000): Promise<void> {
		await chair.waitForFunction(
			(pid, f, v) => (window as unknown as { __giaobanRoom: { snapshot: Snapshot } }).__giaobanRoom.snapshot.participants.find((p) => p.id === pid)?.[f] === v,
			{ timeout, polling: 200 },
			id,
			flag,
			value
		);
	}

	/**
	 * All three sites in the current meeting's room, each seeing the other two with their current
	 * ids; the meeting unlocked; nobody audio-only or sharing a screen. Returns the sites' ids.
	 */
	async function ensureRoom(): Promise<Ids> {
		await ensureInRoom(chair);
		if ((await snapshot(chair)).locked) {
			await chair.click('[data-testid=toggle-lock]');
			await chair.waitForFunction(() => !(window as unknown as { __giaobanRoom: { snapshot: Snapshot } }).__giaobanRoom.snapshot.locked, { timeout: 10000 });
		}
		await ensureInRoom(dongThinh);
		await ensureInRoom(haiLuu);
		const ids: Ids = { chair: await ownId(chair), dongThinh: await ownId(dongThinh), haiLuu: await ownId(haiLuu) };
		for (const page of [chair, dongThinh, haiLuu]) {
			await waitForParticipants(page, Object.values(ids));
		}
		for (const page of [chair, dongThinh, haiLuu]) {
			const id = await ownId(page);
			if ((await ownState(page))!.audioOnly) {
				await page.click('[data-testid=toggle-audio-only]');
				await chairSees(id, 'audioOnly', false);
			}
			if ((await ownState(page))!.sharingScreen) {
				await page.click('[data-testid=toggle-screen]');
				await chairSees(id, 'screenSharing', false);
			}
		}
		return ids;
	}

	/** Turns the site's own microphone on or off from its screen, unless it is already, and waits until the room knows. */
	async function setMic(page: Page, muted: boolean): Promise<void> {
		const id = await ownId(page);
		const seen = (await snapshot(chair)).participants.find((p) => p.id === id);
		if (!muted && seen?.mutedByChair) {
			// A chair's mute (from an earlier test) holds until the chair asks: ask, and accept.
			await dismissNotice(page);
			await siteAction(chair, seen.unitName, 'ask-unmute');
			await page.waitForSelector('[data-testid=room-notice][data-notice=unmute-requested]', { timeout: 10000 });
			await page.click('[data-testid=notice-unmute]');
		} else if ((await ownState(page))!.micMuted !== muted) {
			await page.click('[data-testid=toggle-mic]');
		}
		await chairSees(id, 'micMuted', muted);
	}

	/** Dismisses the page's notice, if one shows, so that waiting for the next notice waits for a new one. */
	async function dismissNotice(page: Page): Promise<void> {
		if (await page.$('[data-testid=room-notice]')) {
			await page.click('[data-testid=room-notice] [data-testid=notice-close]');
			await page.waitForSelector('[data-testid=room-notice]', { hidden: true, timeout: 5000 });
		}
	}

	it('the district admin schedules a meeting for two communes from the form and gets their join links', async () => {
		await signIn(admin, running.url, 'admin', accounts.get('admin')!.password);
		await admin.click('a[href="/meetings/new"]');
		await admin.waitForSelector('form input[name=title]');
		await admin.waitForSelector('input[name=invited][value=hai-luu]');
		expect(await unnamedControls(admin)).toEqual([]);
		await admin.type('input[name=title]', 'Hội nghị giao ban trực tuyến');
		await admin.type('input[name=location]', 'Hội trường UBND huyện');
		await admin.type('.agenda-row input', 'Báo cáo tình hình kinh tế - xã hội');
		await admin.type('.agenda-row input:nth-child(2)', 'Văn phòng HĐND và UBND');
		await admin.click('input[name=invited][value=dong-thinh]');
		await admin.click('input[name=invited][value=hai-luu]');
		await admin.click('form button[type=submit]');
		await admin.waitForSelector('[data-testid=join-links] li[data-unit=hai-luu] input');
		expect(new URL(admin.url()).pathname).toMatch(/^\/meetings\/[0-9a-f-]{36}$/);
		const haiLuuLink = await admin.$eval('[data-testid=join-links] li[data-unit=hai-luu] input', (el) => el.value);
		expect(haiLuuLink.startsWith(`${running.url}/join/`)).toBe(true);
		expect(await admin.$$eval('[data-testid=join-links] li', (items) => items.map((li) => li.getAttribute('data-unit')).sort())).toEqual(['dong-thinh', 'hai-luu']);
	});

	it('chair and two communes join and receive each other’s audio and video', async () => {
		const m = await currentMeeting();
		await chair.goto(running.url, { waitUntil: 'networkidle0' });
		await chair.waitForSelector('[data-testid=meeting-list] li');
		expect(await chair.$eval('[data-testid=meeting-list]', (el) => el.textContent)).toContain(TITLE);
		await chair.click('[data-testid=view-toggle]');
		expect(await chair.$eval('[data-testid=calendar]', (el) => el.textContent)).toContain(TITLE);
		// Every site joins afresh, whatever earlier tests left: the chair first, then the communes.
		await chair.goto(roomUrl(chair, m), { waitUntil: 'networkidle0' });
		await enterRoom(chair);
		await dongThinh.goto(roomUrl(dongThinh, m), { waitUntil: 'networkidle0' });
		await enterRoom(dongThinh);
		await haiLuu.goto(roomUrl(haiLuu, m), { waitUntil: 'networkidle0' });
		await haiLuu.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
		expect(await unnamedControls(haiLuu), 'pre-join screen').toEqual([]);
		await enterRoom(haiLuu);

		const ids = await ensureRoom();
		expect(await participantId(chair, UNITS.dongThinh)).toBe(ids.dongThinh);
		expect(await participantId(chair, UNITS.haiLuu)).toBe(ids.haiLuu);
		await setMic(dongThinh, false);
		await setMic(haiLuu, false);
		const pairs: [Page, string][] = [
			[chair, ids.dongThinh],
			[chair, ids.haiLuu],
			[dongThinh, ids.chair],
			[dongThinh, ids.haiLuu],
			[haiLuu, ids.chair],
			[haiLuu, ids.dongThinh],
		];
		// Media needs a moment after joining: wait until every pair has received both kinds.
		for (const [page, from] of pairs) {
			await waitForMedia(page, from);
		}
		// Flowing now, each kind: a fixed window could fall in the pause of a simulcast layer switch
		// (the large tile follows the speaker; the new layer waits for a keyframe), so each waits a while.
		const pageOf = new Map([
			[ids.chair, chair],
			[ids.dongThinh, dongThinh],
			[ids.haiLuu, haiLuu],
		]);
		for (const [page, from] of pairs) {
			await waitForFlowing(page, from, 15000, 'audio');
			await waitForFlowing(page, from, 30000, 'video', pageOf.get(from));
		}
		// Each site sees how its connection is doing (loopback: clean).
		await chair.waitForSelector('[data-testid=connection-quality][data-level=good]', { timeout: 10000 });
		expect(await chair.$eval('[data-testid=connection-quality]', (el) => el.textContent)).toBe('Kết nối tốt');
		// Every control has a name for screen readers, and the keyboard reaches the controls.
		expect(await unnamedControls(chair), 'chair’s conference screen').toEqual([]);
		expect(await unnamedControls(dongThinh), 'commune’s conference screen').toEqual([]);
		expect(await tabReaches(chair, '[data-testid=mute-all]')).toBe(true);
		expect(await tabReaches(dongThinh, '[data-testid=floor-request]')).toBe(true);
	});

	it('the chair mutes a commune and its audio stops reaching the others', async () => {
		const ids = await ensureRoom();
		await setMic(dongThinh, false);
		await waitForFlowing(haiLuu, ids.dongThinh);
		await dismissNotice(dongThinh);
		await siteAction(chair, UNITS.dongThinh, 'mute');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=muted]', { timeout: 10000 });
		await chair.waitForSelector(`[data-participant="${UNITS.dongThinh}"][data-mic-muted=true]`);
		// What was on its way has arrived; from now on nothing may.
		await waitForQuiet(haiLuu, ids.dongThinh, 'audio');
		const muted = await growth(haiLuu, ids.dongThinh, 2500);
		expect(muted.audio).toBe(0);
		expect(muted.video).toBeGreaterThan(0);

		// The commune's own button cannot undo the chair's mute: the server refuses, the page says why.
		await dismissNotice(dongThinh);
		await dongThinh.click('[data-testid=toggle-mic]');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=muted-by-chair]', { timeout: 10000 });
		// The button says the state in words: still off.
		expect(await dongThinh.$eval('[data-testid=toggle-mic]', (el) => [el.getAttribute('data-state'), el.textContent])).toEqual(['off', 'Micro đang tắt. Bấm để bật']);
		const stillMuted = await growth(haiLuu, ids.dongThinh, 2500);
		expect(stillMuted.audio).toBe(0);
	});

	it('a floor request is granted and the commune’s microphone is unmuted', async () => {
		const ids = await ensureRoom();
		await setMic(dongThinh, true);
		await waitForQuiet(haiLuu, ids.dongThinh, 'audio');
		await dismissNotice(dongThinh);
		if (!(await snapshot(chair)).floorQueue.some((f) => f.participantId === ids.dongThinh)) {
			await dongThinh.click('[data-testid=floor-request]');
		}
		await chair.waitForSelector('[data-queued="Điểm cầu Xã Đồng Thịnh"]', { timeout: 10000 });
		await chair.click('[data-queued="Điểm cầu Xã Đồng Thịnh"] [data-testid=grant]');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=floor-granted]', { timeout: 10000 });
		await chair.waitForSelector(`[data-participant="${UNITS.dongThinh}"][data-mic-muted=false]`);
		await waitForFlowing(haiLuu, ids.dongThinh, 10000);
		const unmuted = await growth(haiLuu, ids.dongThinh, 2500);
		expect(unmuted.audio).toBeGreaterThan(0);
		expect(await dongThinh.$eval('[data-testid=toggle-mic]', (el) => [el.getAttribute('data-state'), el.textContent])).toEqual(['on', 'Micro đang bật. Bấm để tắt']);
	});

	it('a commune reloads its page and is back in the meeting', async () => {
		const ids = await ensureRoom();
		const m = await currentMeeting();
		const haiLuuEvents = async () =>
			(await running.app.inject({ url: `/api/meetings/${m.id}/attendance`, headers: adminHeaders }))
				.json<{ unitId: string; kind: string }[]>()
				.filter((a) => a.unitId === 'hai-luu')
				.map((a) => a.kind);
		const before = await haiLuuEvents();
		expect(before.at(-1), 'Hải Lựu is present before the reload').toBe('join');

		await haiLuu.reload({ waitUntil: 'networkidle0' });
		await enterRoom(haiLuu);
		const back = await ownId(haiLuu);
		expect(back).not.toBe(ids.haiLuu);
		await waitForParticipants(chair, [ids.chair, ids.dongThinh, back]);
		await waitForMedia(chair, back);
		await expect.poll(async () => (await haiLuuEvents()).slice(before.length), { timeout: 5000 }).toEqual(['leave', 'join']);
	});

	it('a commune whose signalling connection drops rejoins by itself and its media flows again', async () => {
		const ids = await ensureRoom();
		const { rejoins } = await recovery(dongThinh);
		await dongThinh.evaluate(() => (window as unknown as { __giaobanSocket: { io: { engine: { close: () => void } } } }).__giaobanSocket.io.engine.close());
		await dongThinh.waitForFunction(
			(n) => {
				const room = (window as unknown as { __giaobanRoom: { recovery: { rejoins: number }; state: string } }).__giaobanRoom;
				return room.recovery.rejoins > n && room.state === 'joined';
			},
			{ timeout: 30000, polling: 200 },
			rejoins
		);
		await dongThinh.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 30000 });
		const after = await ownId(dongThinh);
		expect(after).not.toBe(ids.dongThinh);
		await waitForParticipants(chair, [ids.chair, after, ids.haiLuu]);
		await waitForMedia(chair, after);
	});

	it('a commune switches to audio only and back: its video stops and resumes, its audio keeps flowing', async () => {
		const ids = await ensureRoom();
		const site = ids.haiLuu;
		await setMic(haiLuu, false);
		await waitForFlowing(chair, site, 20000, 'video');
		await haiLuu.click('[data-testid=toggle-audio-only]');
		await chairSees(site, 'audioOnly', true, 10000);
		await waitForQuiet(chair, site, 'video');
		const audioOnly = await growth(chair, site, 2000);
		expect(audioOnly.video).toBe(0);
		expect(audioOnly.audio).toBeGreaterThan(0);

		await haiLuu.click('[data-testid=toggle-audio-only]');
		await chairSees(site, 'audioOnly', false, 10000);
		await waitForFlowing(chair, site, 20000, 'video');
	});

	it('a commune shares its screen: the chair sees it large, and it disappears when sharing stops', async () => {
		const ids = await ensureRoom();
		await dongThinh.click('[data-testid=toggle-screen]');
		await chairSees(ids.dongThinh, 'screenSharing', true);
		await chair.waitForFunction(
			(unit) => {
				const video = document.querySelector<HTMLVideoElement>(`.tile.large[data-tile="${unit}"] video`);
				return video !== null && video.videoWidth > 0;
			},
			{ timeout: 20000 },
			UNITS.dongThinh
		);
		await dongThinh.click('[data-testid=toggle-screen]');
		await chairSees(ids.dongThinh, 'screenSharing', false);
	});

	it('a mediasoup worker dies: only its sites rejoin by themselves (into the same room), the others keep going, and media flows again', async () => {
		const before = await ensureRoom();
		const roomId = (await snapshot(chair)).roomId;
		// The sites are spread over both workers (least-loaded placement): one of them dies.
		const workers = running.app.workerPool.status().workers;
		expect(workers.filter((w) => w.peers > 0).length).toBe(2);
		const victim = workers.find((w) => w.peers > 0 && w.alive)!;
		process.kill(victim.pid!, 'SIGKILL');
		// The sites it carried are told (media:closed) and rejoin with new ids; the others keep theirs.
		await chair.waitForFunction(
			(old: string[], count: number) => {
				const now = (window as unknown as { __giaobanRoom: { snapshot: Snapshot } }).__giaobanRoom.snapshot.participants;
				return now.length === 3 && now.filter((p) => !old.includes(p.id)).length === count;
			},
			{ timeout: 30000 },
			Object.values(before),
			victim.peers
		);
		expect((await snapshot(chair)).roomId).toBe(roomId);
		const ids = {
			chair: await participantId(dongThinh, UNITS.chair),
			dongThinh: await participantId(chair, UNITS.dongThinh),
			haiLuu: await participantId(chair, UNITS.haiLuu),
		};
		await waitForFlowing(chair, ids.dongThinh);
		await waitForFlowing(chair, ids.haiLuu);
		await waitForFlowing(dongThinh, ids.chair);
		await waitForFlowing(haiLuu, ids.chair);
		expect(running.app.workerPool.status().workers.find((w) => w.index === victim.index)?.deaths).toBe(victim.deaths + 1);
	});

	it('the chair’s other controls work from the screen, and the meeting page shows attendance and actions afterwards', async () => {
		await ensureRoom();
		const m = await currentMeeting();
		const micMuted = (unit: string, value: boolean) => chair.waitForSelector(`[data-participant="${unit}"][data-mic-muted=${String(value)}]`, { timeout: 10000 });
		const closed = (page: Page, reason: string) => page.waitForSelector(`[data-testid=room-state][data-state=closed][data-reason=${reason}]`, { timeout: 15000 });
		const knock = async () => {
			await haiLuu.reload({ waitUntil: 'networkidle0' });
			await haiLuu.waitForSelector('[data-testid=enter-room]:not([disabled])', { timeout: 20000 });
			await haiLuu.click('[data-testid=enter-room]');
			await haiLuu.waitForSelector('[data-testid=room-state][data-state=waiting]', { timeout: 20000 });
			await chair.waitForSelector(`[data-waiting="${UNITS.haiLuu}"]`, { timeout: 10000 });
		};

		// Both communes speak, so that muting all changes something.
		await setMic(dongThinh, false);
		await setMic(haiLuu, false);
		await chair.click('[data-testid=mute-all]');
		await micMuted(UNITS.dongThinh, true);
		await micMuted(UNITS.haiLuu, true);

		await dismissNotice(dongThinh);
		await siteAction(chair, UNITS.dongThinh, 'ask-unmute');
		await dongThinh.waitForSelector('[data-testid=room-notice][data-notice=unmute-requested]', { timeout: 10000 });
		await dongThinh.click('[data-testid=notice-unmute]');
		await micMuted(UNITS.dongThinh, false);

		await chair.click('[data-testid=toggle-lock]');
		await chair.waitForFunction(() => (window as unknown as { __giaobanRoom: { snapshot: { locked: boolean } } }).__giaobanRoom.snapshot.locked, { timeout: 10000 });

		await siteAction(chair, UNITS.haiLuu, 'remove');
		await answerConfirm(chair, 'confirm-remove');
		await closed(haiLuu, 'removed');
		await knock();
		await chair.click(`[data-waiting="${UNITS.haiLuu}"] [data-testid=deny]`);
		await closed(haiLuu, 'denied');
		await knock();
		await chair.click(`[data-waiting="${UNITS.haiLuu}"] [data-testid=admit]`);
		await haiLuu.waitForSelector('[data-testid=room-state][data-state=joined]', { timeout: 30000 });
		await waitForParticipants(chair, [await ownId(chair), await ownId(dongThinh), await ownId(haiLuu)]);

		await endMeetingForAll(chair);
		await Promise.all([closed(chair, 'ended'), closed(dongThinh, 'ended'), closed(haiLuu, 'ended')]);

		await chair.goto(`${running.url}/meetings/${m.id}`, { waitUntil: 'networkidle0' });
		await chair.waitForSelector('[data-testid=attendance] tr');
		const attendance = await chair.$eval('[data-testid=attendance]', (el) => el.textContent ?? '');
		expect(attendance).toContain(UNITS.haiLuu);
		expect(attendance).toContain('(chủ trì mời ra)');
		expect(attendance).toContain('(cuộc họp kết thúc)');
		const actions = await chair.$eval('[data-testid=actions]', (el) => el.textContent ?? '');
		for (const words of ['Tắt micro tất cả', 'Mời bật micro', 'Khóa phòng họp', 'Mời điểm cầu ra', 'Từ chối vào phòng họp', 'Cho vào phòng họp', 'Kết thúc cuộc họp']) {
			expect(actions).toContain(words);
		}
	});
});
