import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MinutesContent, RichNode } from '../../shared/src/api/minutes.ts';
import { richPlainText } from '../../shared/src/minutes/rich-text.ts';
import { login, seedAccounts, type Signed } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { seedEndedMeeting } from '../helpers/ended-meeting.ts';
import { signIn } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

/**
 * Two secretaries of the host unit co-edit one minutes in two Chromium contexts, against the real
 * server (socket.io provider, store-before-ack, SQLite): both type into the same paragraph of an
 * agenda item and into different form fields at the same time; afterwards both pages show both
 * edits, the stored content holds them, and a reload brings them back.
 */
describe('co-editing the minutes in two browsers', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	const contexts: BrowserContext[] = [];
	let lan: Page;
	let admin: Page;
	let thuky: Signed;
	let minutesId: string;
	/** Uncaught errors in either page (React, TipTap, the provider): none is expected. */
	const pageErrors: string[] = [];
	let itemId: string;

	beforeAll(async () => {
		running = await startApp();
		const accounts = await seedAccounts(running.app);
		const { meetingId } = await seedEndedMeeting(running.app);
		thuky = await login(running.app, accounts, 'thuky');
		// The minutes workflow drafts them from the meeting (the first update + the 'generated' version).
		const created = await running.app.inject({ method: 'POST', url: `/api/meetings/${meetingId}/minutes`, headers: thuky.headers });
		expect(created.statusCode, created.body).toBe(201);
		minutesId = created.json<{ id: string }>().id;
		const content = await storedContent();
		// The item whose first paragraph the draft generator made ("… trình bày …", machine: true).
		const item = content.agenda.find((entry) => entry.content.content?.[0]?.attrs?.['machine'] === true);
		expect(item, 'a machine-made first paragraph in some agenda item').toBeDefined();
		itemId = item!.id;

		chromium = await launchBrowser();
		for (let i = 0; i < 2; i += 1) {
			contexts.push(await chromium.browser.createBrowserContext());
		}
		const pages = await Promise.all(contexts.map((c) => c.newPage()));
		[lan, admin] = [pages[0]!, pages[1]!];
		for (const page of [lan, admin]) {
			page.on('pageerror', (error) => pageErrors.push(String(error)));
		}
		// Both windows count as focused, as two people's screens do (else a background page gets no focus events).
		for (const page of [lan, admin]) {
			const session = await page.createCDPSession();
			await session.send('Emulation.setFocusEmulationEnabled', { enabled: true });
		}
		await signIn(lan, running.url, 'thuky', accounts.get('thuky')!.password);
		await signIn(admin, running.url, 'admin', accounts.get('admin')!.password);
	}, 90000);

	afterEach(() => {
		expect(pageErrors).toEqual([]);
	});

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	async function storedContent(): Promise<MinutesContent> {
		const response = await running.app.inject({ url: `/api/minutes/${minutesId}/content`, headers: thuky.headers });
		expect(response.statusCode, response.body).toBe(200);
		return response.json<MinutesContent>();
	}

	const editorSelector = () => `[data-testid="rich-item:${itemId}"] .ProseMirror`;

	async function openEditor(page: Page, waitFor = `${editorSelector()}[contenteditable=true]`): Promise<void> {
		await page.goto(`${running.url}/minutes/${minutesId}`, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=minutes-editor][data-editable=true]', { timeout: 20000 });
		await page.waitForSelector(waitFor);
		await page.waitForSelector('[data-testid=save-state][data-state=saved]');
	}

	/** Puts the caret at the start or the end of the item's first paragraph (TipTap keeps its editor on the DOM node). */
	async function caretInFirstParagraph(page: Page, where: 'start' | 'end'): Promise<void> {
		await page.$eval(
			editorSelector(),
			(element, at) => {
				type Editor = { state: { doc: { firstChild: { content: { size: number } } | null } }; commands: { focus: (position: number) => boolean } };
				const editor = (element as unknown as { editor: Editor }).editor;
				const first = editor.state.doc.firstChild;
				editor.commands.focus(at === 'start' ? 1 : 1 + (first?.content.size ?? 0));
			},
			where
		);
	}

	/** Replaces a form field's text by typing, as a person does. */
	async function typeInto(page: Page, testId: string, text: string): Promise<void> {
		const selector = `[data-testid="${testId}"]`;
		await page.click(selector, { clickCount: 3 });
		await page.keyboard.down('Control');
		await page.keyboard.press('KeyA');
		await page.keyboard.up('Control');
		await page.keyboard.type(text, { delay: 15 });
		// Leaving the field stores it at once (typing stores it after a short pause too).
		await page.keyboard.press('Tab');
	}

	/** The paragraph's text as the editor holds it (the page also shows labels and others' carets in it). */
	const firstParagraphText = (page: Page) =>
		page.$eval(editorSelector(), (el) => (el as unknown as { editor: { state: { doc: { firstChild: { textContent: string } | null } } } }).editor.state.doc.firstChild?.textContent ?? '');

	const fieldValue = (page: Page, testId: string) => page.$eval(`[data-testid="${testId}"]`, (el) => (el as HTMLInputElement | HTMLTextAreaElement).value);

	const firstParagraphOf = (content: MinutesContent): RichNode => content.agenda.find((entry) => entry.id === itemId)!.content.content![0]!;

	it('merges two people typing in one paragraph and in different fields at once, stores both, and keeps them after a reload', async () => {
		await Promise.all([openEditor(lan), openEditor(admin)]);
		const before = firstParagraphOf(await storedContent());
		const original = richPlainText({ type: 'doc', content: [before] });
		expect(await lan.$$eval(`[data-testid="rich-item:${itemId}"] [data-testid=machine-badge]`, (els) => els.length)).toBeGreaterThan(0);

		const lanWords = 'Đồng chí Lan bổ sung: ';
		const adminWords = ' Ý kiến thêm của Quản trị huyện về số liệu.';
		const summary = 'Họp giao ban công tác tháng 11 năm 2026 (đã rà soát)';
		const location = 'Hội trường tầng 2, UBND huyện Sông Lô';

		await caretInFirstParagraph(lan, 'start');
		await caretInFirstParagraph(admin, 'end');
		// Presence: each page sees the other in the agenda item.
		for (const [page, name] of [
			[admin, 'Thư ký Văn phòng'],
			[lan, 'Quản trị huyện'],
		] as const) {
			await page.waitForFunction(
				(who) => [...document.querySelectorAll('[data-testid=presence-peer]')].some((el) => (el.textContent ?? '').includes(who) && (el.textContent ?? '').includes('đang sửa: Mục')),
				{ timeout: 10000 },
				name
			);
		}
		await Promise.all([
			(async () => {
				await lan.keyboard.type(lanWords, { delay: 20 });
				await typeInto(lan, 'field-header.summary', summary);
			})(),
			(async () => {
				await admin.keyboard.type(adminWords, { delay: 20 });
				await typeInto(admin, 'field-session.location', location);
			})(),
		]);

		const expected = `${lanWords}${original}${adminWords}`;
		for (const page of [lan, admin]) {
			await page.waitForFunction(
				(selector, text) => (document.querySelector(selector) as unknown as { editor?: { state: { doc: { firstChild: { textContent: string } | null } } } } | null)?.editor?.state.doc.firstChild?.textContent === text,
				{ timeout: 15000 },
				editorSelector(),
				expected
			);
			await page.waitForFunction(
				(a, b) =>
					(document.querySelector<HTMLTextAreaElement>('[data-testid="field-header.summary"]')?.value ?? '') === a &&
					(document.querySelector<HTMLInputElement>('[data-testid="field-session.location"]')?.value ?? '') === b,
				{ timeout: 15000 },
				summary,
				location
			);
			await page.waitForSelector('[data-testid=save-state][data-state=saved]', { timeout: 15000 });
		}

		// "Đã lưu" means stored: the content the server reads now holds both people's edits.
		const after = await storedContent();
		const paragraph = firstParagraphOf(after);
		expect(richPlainText({ type: 'doc', content: [paragraph] })).toBe(expected);
		// A person edited the machine's paragraph: its mark is gone (the transcript link stays).
		expect(paragraph.attrs?.['machine']).toBeUndefined();
		expect(before.attrs?.['machine']).toBe(true);
		expect(after.header.summary).toBe(summary);
		expect(after.session.location).toBe(location);
		// Nothing else was touched by opening and typing: the other items are as drafted.
		const drafted = await running.app.minutesCollab.getVersion(minutesId, (await running.app.minutesCollab.listVersions(minutesId)).find((v) => v.kind === 'generated')!.id);
		for (const entry of after.agenda.filter((a) => a.id !== itemId)) {
			expect(entry.content).toEqual(drafted!.content.agenda.find((a) => a.id === entry.id)!.content);
		}
		expect(after.conclusions).toEqual(drafted!.content.conclusions);

		// A reload loads the stored state again: both edits are there, on both pages.
		await Promise.all([openEditor(lan), openEditor(admin)]);
		for (const page of [lan, admin]) {
			expect(await firstParagraphText(page)).toBe(expected);
			expect(await fieldValue(page, 'field-header.summary')).toBe(summary);
			expect(await fieldValue(page, 'field-session.location')).toBe(location);
			expect(await page.$eval('[data-testid=save-state]', (el) => el.getAttribute('data-state'))).toBe('saved');
		}
		expect(await storedContent()).toEqual(after);
	});

	it('keeps an edit made while the connection is down and stores it after reconnecting', async () => {
		await openEditor(lan);
		const location = 'Phòng họp trực tuyến, UBND huyện Sông Lô';
		// The page's own socket (use-socket exposes it for diagnostics) goes down, as on a network cut.
		await lan.evaluate(() => (window as unknown as { __giaobanSocket: { disconnect: () => void } }).__giaobanSocket.disconnect());
		await lan.waitForSelector('[data-testid=save-state][data-state=offline]');
		await typeInto(lan, 'field-session.location', location);
		await lan.waitForFunction(() => (document.querySelector('[data-testid=save-state]')?.textContent ?? '').includes('Chưa lưu'));
		// Nothing reached the server meanwhile.
		expect((await storedContent()).session.location).not.toBe(location);
		await lan.evaluate(() => (window as unknown as { __giaobanSocket: { connect: () => void } }).__giaobanSocket.connect());
		await lan.waitForSelector('[data-testid=save-state][data-state=saved]', { timeout: 15000 });
		expect((await storedContent()).session.location).toBe(location);
	});

	it('shows content the editor cannot hold read-only and never deletes it', async () => {
		const content = await storedContent();
		const unknown: MinutesContent = {
			...content,
			conclusions: {
				type: 'doc',
				content: [
					{ type: 'paragraph', content: [{ type: 'text', text: 'Kết luận đã thống nhất.' }] },
					{ type: 'table', content: [{ type: 'tableRow', content: [{ type: 'tableCell', content: [{ type: 'paragraph', content: [{ type: 'text', text: 'Ô bảng do công cụ khác tạo' }] }] }] }] },
				],
			},
			agenda: content.agenda.map((entry, index) =>
				index === 0
					? {
							...entry,
							content: {
								type: 'doc',
								content: [
									{ type: 'paragraph', attrs: { textAlign: 'center' }, content: [{ type: 'text', text: 'Đoạn căn giữa' }] },
									{ type: 'paragraph', content: [{ type: 'text', text: 'Chữ gạch ngang', marks: [{ type: 'strike' }] }] },
								],
							},
						}
					: entry
			),
		};
		await Promise.all([openEditor(lan), openEditor(admin)]);
		const firstItem = `[data-testid="rich-item:${content.agenda[0]!.id}"]`;
		// A restore brings content made elsewhere (an older or newer editor) while both have the
		// minutes open: it arrives as a remote change into live editors.
		await running.app.minutesCollab.replaceContent(minutesId, unknown, null, 'restored');
		const stored = await storedContent();
		for (const page of [lan, admin]) {
			await page.waitForSelector('[data-testid="rich-conclusions"][data-unsupported=true]', { timeout: 10000 });
			await page.waitForSelector(`${firstItem}[data-unsupported=true]`, { timeout: 10000 });
		}
		// Typing where the editor was cannot reach the shared document (the section has no editor now).
		await lan.click(`${firstItem} .rich-readonly`);
		await lan.keyboard.type('gõ thử');
		await lan.keyboard.press('Backspace');
		expect(await storedContent()).toEqual(stored);

		await Promise.all([openEditor(lan, '[data-testid="rich-conclusions"]'), openEditor(admin, '[data-testid="rich-conclusions"]')]);
		for (const page of [lan, admin]) {
			const conclusions = await page.$eval('[data-testid="rich-conclusions"]', (el) => ({ unsupported: el.getAttribute('data-unsupported'), text: el.textContent ?? '', editor: el.querySelector('.ProseMirror') !== null }));
			expect(conclusions).toMatchObject({ unsupported: 'true', editor: false });
			expect(conclusions.text).toContain('Ô bảng do công cụ khác tạo');
			expect(conclusions.text).toContain('Kết luận đã thống nhất.');
			expect(await page.$eval(firstItem, (el) => [el.getAttribute('data-unsupported'), el.textContent ?? ''] as const)).toEqual(['true', expect.stringContaining('Đoạn căn giữa')]);
		}
		// The rest of the minutes stays editable, and editing it leaves the read-only parts alone.
		await typeInto(lan, 'field-header.place', 'Sông Lô');
		await typeInto(admin, 'field-archive', 'VT, Hồ sơ họp');
		await lan.waitForSelector('[data-testid=save-state][data-state=saved]');
		await admin.waitForSelector('[data-testid=save-state][data-state=saved]');
		const after = await storedContent();
		expect(after.conclusions).toEqual(stored.conclusions);
		expect(after.agenda[0]!.content).toEqual(stored.agenda[0]!.content);
		expect(after.archive).toBe('VT, Hồ sơ họp');
	});
});
