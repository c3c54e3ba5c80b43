import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Frame, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { signPdf } from '../../server/src/features/signing/index.ts';
import { errorsVi } from '../../client/src/i18n/areas/errors.ts';
import { login, seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { seedEndedMeeting } from '../helpers/ended-meeting.ts';
import { signIn, until } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';
import { makeTestCertificate, type TestCertificate } from '../helpers/test-certificate.ts';

const HOST_UNIT = 'song-lo';
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/;

/**
 * The minutes of a meeting from draft to the document store, in Chromium against the real server:
 * the secretary drafts them from the meeting page and reads the print preview, submits; the chair
 * returns them with a comment, the secretary sees it and submits again; the chair approves and
 * signs with the unit's certificate; the office issues them; the document page shows the number,
 * the signatures checked valid and downloads the files; the search finds it without diacritics.
 */
describe('the minutes workflow in the browser', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let signingDir: string;
	let secretary: Page;
	let chair: Page;
	let meetingId: string;
	let minutesId: string;
	let documentId: string;
	let accounts: Map<string, SeededAccount>;
	const contexts: BrowserContext[] = [];
	const pageErrors: string[] = [];
	const RETURN_COMMENT = 'Bổ sung ý kiến của Thị trấn Tam Sơn về kinh phí camera.';

	beforeAll(async () => {
		// The operator's signing key for the host unit, where the server looks for it.
		signingDir = mkdtempSync(join(tmpdir(), 'giaoban-signing-'));
		const certificate = makeTestCertificate();
		writeFileSync(join(signingDir, `${HOST_UNIT}.p12`), certificate.p12, { mode: 0o600 });
		writeFileSync(join(signingDir, `${HOST_UNIT}.pass`), `${certificate.passphrase}\n`, { mode: 0o600 });
		running = await startApp({ SIGNING_DIR: signingDir });
		accounts = await seedAccounts(running.app);
		({ meetingId } = await seedEndedMeeting(running.app, { title: 'Họp giao ban công tác tháng 11' }));
		chromium = await launchBrowser();
		for (let i = 0; i < 2; i += 1) {
			contexts.push(await chromium.browser.createBrowserContext());
		}
		[secretary, chair] = await Promise.all(contexts.map((c) => c.newPage())) as [Page, Page];
		for (const page of [secretary, chair]) {
			page.on('pageerror', (error) => pageErrors.push(String(error)));
		}
		await signIn(secretary, running.url, 'thuky', accounts.get('thuky')!.password);
		await signIn(chair, running.url, 'chutri', accounts.get('chutri')!.password);
	}, 90000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
			if (signingDir) {
				rmSync(signingDir, { recursive: true, force: true });
			}
		}
	});

	const text = (page: Page | Frame, selector: string) => page.$eval(selector, (el) => (el as HTMLElement).innerText);

	async function openMinutes(page: Page, status: string, id = minutesId): Promise<void> {
		await page.bringToFront();
		await page.goto(`${running.url}/minutes/${id}`, { waitUntil: 'networkidle0' });
		await page.waitForSelector(`[data-testid=minutes-page][data-status=${status}]`);
	}

	/** Clicks `button`, answers the confirmation that opens with `choice`; returns the question's text. */
	async function confirmed(page: Page, button: string, choice: string): Promise<string> {
		await page.click(`[data-testid=${button}]`);
		await page.waitForSelector('[data-testid=confirm-dialog][open]');
		const message = await text(page, '#confirm-message');
		await page.click(`[data-testid=${choice}]`);
		await page.waitForSelector('[data-testid=confirm-dialog]:not([open])');
		return message;
	}

	async function waitStatus(page: Page, status: string): Promise<void> {
		await page.waitForSelector(`[data-testid=minutes-page][data-status=${status}]`, { timeout: 30000 });
	}

	/** The preview frame's text, once the print layout has loaded in it. */
	async function previewText(page: Page): Promise<string> {
		const frameElement = await page.waitForSelector('iframe[data-testid=minutes-preview]');
		expect(await frameElement!.evaluate((el) => el.getAttribute('sandbox'))).toBe('');
		const frame = await frameElement!.contentFrame();
		await frame.waitForFunction(() => document.body?.innerText.includes('BIÊN BẢN'), { timeout: 20000 });
		return frame.evaluate(() => document.body.innerText);
	}

	it('drafts the minutes from the meeting page and shows the print preview', async () => {
		await secretary.bringToFront();
		await secretary.goto(`${running.url}/meetings/${meetingId}`, { waitUntil: 'networkidle0' });
		await secretary.waitForSelector('[data-testid=meeting-minutes] [data-testid=create-minutes]');
		expect(await text(secretary, '[data-testid=create-minutes]')).toBe('Lập biên bản');
		await secretary.click('[data-testid=create-minutes]');
		await waitStatus(secretary, 'draft');
		minutesId = UUID.exec(secretary.url())![0];
		expect(secretary.url()).toBe(`${running.url}/minutes/${minutesId}`);
		expect(await text(secretary, '#minutes-title')).toContain('Họp giao ban công tác tháng 11');
		expect(await text(secretary, '[data-testid=minutes-steps] [aria-current=step]')).toContain('Dự thảo');

		await secretary.click('[data-testid=minutes-preview-toggle]');
		const preview = await previewText(secretary);
		expect(preview).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
		expect(preview).toContain('UBND HUYỆN SÔNG LÔ');
		for (const unit of ['Xã Đồng Thịnh', 'Thị trấn Tam Sơn', 'Xã Bạch Lưu', 'Xã Cao Phong', 'Xã Yên Thạch']) {
			expect(preview).toContain(unit);
		}

		// The meeting page now links to the minutes instead of offering to draft them again.
		await secretary.goto(`${running.url}/meetings/${meetingId}`, { waitUntil: 'networkidle0' });
		await secretary.waitForSelector('[data-testid=meeting-minutes][data-state=draft] [data-testid=open-minutes]');
		expect(await secretary.$('[data-testid=create-minutes]')).toBeNull();
		expect(await text(secretary, '[data-testid=meeting-minutes-status]')).toContain('Dự thảo');
	});

	it('submits, is returned with the chair’s comment, and submits again', async () => {
		await openMinutes(secretary, 'draft');
		await secretary.waitForSelector('[data-testid=minutes-problems]');
		const problems = Number(await secretary.$eval('[data-testid=minutes-problems]', (el) => el.getAttribute('data-count')));
		// The draft from this meeting has every required part: nothing blocks approval.
		expect(problems, await text(secretary, '[data-testid=minutes-problems]')).toBe(0);

		// A required part emptied in the editor shows in the list, as a link to its field.
		const symbol = '[data-testid=minutes-editor] input[data-field="header.symbol"]';
		await secretary.waitForSelector(`${symbol}:not([disabled])`);
		const original = await secretary.$eval(symbol, (input) => input.value);
		expect(original).toMatch(/^BB-/);
		await secretary.click(symbol, { count: 3 });
		await secretary.keyboard.press('Backspace');
		await secretary.keyboard.press('Tab');
		const listed = (path: string) => secretary.$(`[data-testid=minutes-problems] li[data-path="${path}"]`);
		await until(
			async () => {
				await secretary.click('[data-testid=minutes-problems-check]');
				return (await listed('header.symbol')) !== null;
			},
			15000,
			'the emptied symbol in the list of problems',
			500
		);
		expect(await text(secretary, '[data-testid=minutes-problems] li[data-path="header.symbol"]')).toBe('Ký hiệu: chưa điền');
		await secretary.click('[data-testid=minutes-problems] li[data-path="header.symbol"] a');
		expect(await secretary.evaluate(() => document.activeElement?.getAttribute('data-field'))).toBe('header.symbol');
		await secretary.keyboard.type(original);
		await secretary.keyboard.press('Tab');
		await until(
			async () => {
				await secretary.click('[data-testid=minutes-problems-check]');
				return (await listed('header.symbol')) === null;
			},
			15000,
			'the symbol filled in again',
			500
		);
		await secretary.waitForSelector('[data-testid=save-state][data-state=saved]');
		const question = await confirmed(secretary, 'minutes-submit', 'confirm-submit-minutes');
		expect(question).toContain('sau khi trình, biên bản không sửa được nữa');
		await waitStatus(secretary, 'submitted');
		expect(await secretary.$('[data-testid=minutes-submit]')).toBeNull();

		await openMinutes(chair, 'submitted');
		await chair.click('[data-testid=minutes-return]');
		await chair.waitForSelector('[data-testid=return-dialog][open]');
		// No comment, no return: the chair must say what to change.
		expect(await chair.$eval('[data-testid=return-dialog-confirm]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
		await chair.type('[data-testid=return-comment-input]', RETURN_COMMENT);
		await chair.click('[data-testid=return-dialog-confirm]');
		await waitStatus(chair, 'draft');

		await openMinutes(secretary, 'draft');
		expect(await text(secretary, '[data-testid=minutes-return-comment]')).toContain(RETURN_COMMENT);
		// The history tells the story: drafted, submitted, returned (newest first).
		await secretary.waitForSelector('[data-testid=minutes-versions] tr[data-kind=returned]');
		const kinds = await secretary.$$eval('[data-testid=minutes-versions] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-kind')));
		expect(kinds.filter((k) => k !== 'checkpoint')).toEqual(['returned', 'submitted', 'generated']);
		expect(await text(secretary, '[data-testid=minutes-versions] tr[data-kind=returned]')).toContain('Trả lại để sửa');
		expect(await text(secretary, '[data-testid=minutes-versions] tr[data-kind=returned]')).toContain('Chủ trì (Chủ tịch UBND huyện)');

		// Reading an old version shows its content read-only.
		await secretary.click('[data-testid=minutes-versions] tr[data-kind=generated] [data-testid=version-view]');
		await secretary.waitForSelector('[data-testid=version-open] [data-testid=minutes-content-view]');
		expect(await text(secretary, '[data-testid=version-open]')).toContain('Xã Đồng Thịnh');

		await confirmed(secretary, 'minutes-submit', 'confirm-submit-minutes');
		await waitStatus(secretary, 'submitted');
	});

	it('is approved and signed by the chair on the server', async () => {
		await openMinutes(chair, 'submitted');
		const approve = await confirmed(chair, 'minutes-approve', 'confirm-approve-minutes');
		expect(approve).toContain('không sửa được nữa');
		await waitStatus(chair, 'approved');
		expect(await text(chair, '[data-testid=minutes-steps] [aria-current=step]')).toContain('Đã duyệt');
		await chair.waitForSelector('[data-testid=minutes-files] li[data-kind=approved-pdf]');
		// The unit has its certificate on the server: no USB token detour.
		expect(await chair.$('[data-testid=minutes-token]')).toBeNull();
		const sign = await confirmed(chair, 'minutes-sign', 'confirm-sign-minutes');
		expect(sign).toContain('Chủ trì (Chủ tịch UBND huyện)');
		await waitStatus(chair, 'signed');
		await chair.waitForSelector('[data-testid=minutes-files] li[data-kind=signed-pdf]');
		expect(await text(chair, '[data-testid=minutes-waiting]')).toContain('Chờ văn thư cấp số và phát hành');
	});

	it('is issued by the office and shows in the document store with valid signatures', async () => {
		await openMinutes(secretary, 'signed');
		await secretary.click('[data-testid=minutes-issue]');
		await secretary.waitForSelector('[data-testid=issue-dialog][open]');
		expect(await secretary.$eval('[data-testid=issue-access-restricted]', (i) => (i as HTMLInputElement).checked)).toBe(true);
		expect(await text(secretary, '[data-testid=issue-dialog]')).toContain('Nội bộ: đơn vị ban hành và mọi đơn vị cấp dưới');
		await secretary.click('[data-testid=issue-dialog-confirm]');
		await waitStatus(secretary, 'issued');
		const issued = await text(secretary, '[data-testid=minutes-document]');
		expect(issued).toMatch(/Số 01\/BB-[A-ZĐ]+/);
		expect(await text(secretary, '[data-testid=minutes-steps] [aria-current=step]')).toContain('Đã phát hành');
		// Issued minutes show their print layout with the number.
		expect(await previewText(secretary)).toMatch(/Số: 01\/BB-/);

		await secretary.click('[data-testid=minutes-document-link]');
		await secretary.waitForSelector('[data-testid=document-page]');
		documentId = UUID.exec(secretary.url())![0];
		expect(await text(secretary, '[data-testid=document-reference]')).toMatch(/^Số: 01\/BB-[A-ZĐ]+$/);
		expect(await text(secretary, '[data-testid=document-page]')).toContain('Họp giao ban công tác tháng 11');

		// The signed PDF: every signature checked valid, the chair's among them by name.
		const signatures = await secretary.$$eval('[data-testid=document-signature]', (rows) =>
			rows.map((r) => ({ valid: r.getAttribute('data-valid'), signer: r.querySelector('[data-cell=signer]')?.textContent ?? '', state: r.querySelector('[data-cell=state]')?.textContent ?? '' }))
		);
		expect(signatures.length).toBeGreaterThanOrEqual(1);
		for (const signature of signatures) {
			expect(signature.valid).toBe('true');
			expect(signature.state).toContain('Hợp lệ');
			expect(signature.state).not.toContain('Không hợp lệ');
		}
		expect(signatures.map((s) => s.signer).join('\n')).toContain('Nguyễn Văn A');

		// Downloads: each file comes whole, as its SHA-256 on the page says.
		const files = await secretary.$$eval('[data-testid=document-files] > li', (items) =>
			items.map((li) => ({ kind: li.getAttribute('data-kind'), href: li.querySelector('a')!.getAttribute('href')!, sha: li.querySelector('.document-sha')!.textContent ?? '' }))
		);
		expect(files.map((f) => f.kind).sort()).toEqual(expect.arrayContaining(['docx', 'signed-pdf']));
		for (const file of files) {
			const body = await secretary.evaluate(async (href) => {
				const response = await fetch(href);
				const bytes = new Uint8Array(await response.arrayBuffer());
				let binary = '';
				bytes.forEach((b) => (binary += String.fromCharCode(b)));
				return { status: response.status, base64: btoa(binary) };
			}, file.href);
			expect(body.status).toBe(200);
			const data = Buffer.from(body.base64, 'base64');
			expect(data.subarray(0, 4).toString('latin1')).toBe(file.kind === 'docx' ? 'PK\u0003\u0004' : '%PDF');
			expect(file.sha).toContain(createHash('sha256').update(data).digest('hex'));
		}
		await secretary.waitForSelector('[data-testid=document-meeting-link]');
		expect(await secretary.$eval('[data-testid=document-meeting-link]', (a) => a.getAttribute('href'))).toBe(`/meetings/${meetingId}`);
	});

	it('finds the issued minutes by words typed without diacritics', async () => {
		await secretary.click('[data-testid=nav-documents]');
		await secretary.waitForSelector('[data-testid=documents-page]');
		await secretary.type('[data-testid=documents-query]', 'hop giao ban');
		await secretary.click('[data-testid=documents-search]');
		await secretary.waitForSelector(`[data-testid=documents-results] [data-document="${documentId}"]`);
		expect(new URL(secretary.url()).search).toBe('?q=hop+giao+ban');
		const row = await text(secretary, `[data-testid=documents-results] [data-document="${documentId}"]`);
		expect(row).toMatch(/01\/BB-/);
		expect(row).toContain('Huyện Sông Lô');

		// A word the document does not hold finds nothing, and the page says so.
		await secretary.click('[data-testid=documents-query]', { count: 3 });
		await secretary.type('[data-testid=documents-query]', 'qwxz');
		await secretary.click('[data-testid=documents-search]');
		await secretary.waitForSelector('[data-testid=documents-none]');
		expect(await secretary.$(`[data-document="${documentId}"]`)).toBeNull();

		// Back returns to the earlier search and its result.
		await secretary.goBack();
		await secretary.waitForSelector(`[data-testid=documents-results] [data-document="${documentId}"]`);
		expect(await secretary.$eval('[data-testid=documents-query]', (i) => (i as HTMLInputElement).value)).toBe('hop giao ban');
		expect(pageErrors).toEqual([]);
	});

	it('without a certificate on the server, is signed with a USB token: downloaded, signed elsewhere, uploaded', async () => {
		// The operator took the unit's key off the server: the chair signs with a token on the secretary's PC.
		rmSync(join(signingDir, `${HOST_UNIT}.p12`));
		rmSync(join(signingDir, `${HOST_UNIT}.pass`));
		const second = await seedEndedMeeting(running.app, { day: '2026-12-10', title: 'Họp giao ban công tác tháng 12' });
		const thuky = await login(running.app, accounts, 'thuky');
		const chutri = await login(running.app, accounts, 'chutri');
		const created = await running.app.inject({ method: 'POST', url: `/api/meetings/${second.meetingId}/minutes`, headers: thuky.headers });
		expect(created.statusCode, created.body).toBe(201);
		const id = created.json<{ id: string }>().id;
		for (const [step, who] of [['submit', thuky], ['approve', chutri]] as const) {
			const moved = await running.app.inject({ method: 'POST', url: `/api/minutes/${id}/${step}`, headers: who.headers });
			expect(moved.statusCode, moved.body).toBe(200);
		}

		await openMinutes(secretary, 'approved', id);
		await secretary.waitForSelector('[data-testid=minutes-token]');
		expect(await secretary.$('[data-testid=minutes-sign]')).toBeNull();
		const href = await secretary.$eval('[data-testid=minutes-token-download]', (a) => a.getAttribute('href')!);
		const downloaded = await secretary.evaluate(async (url) => {
			const response = await fetch(url);
			const bytes = new Uint8Array(await response.arrayBuffer());
			let binary = '';
			bytes.forEach((b) => (binary += String.fromCharCode(b)));
			return { status: response.status, type: response.headers.get('content-type'), base64: btoa(binary) };
		}, href);
		expect(downloaded.status).toBe(200);
		expect(downloaded.type).toBe('application/pdf');
		const approved = Buffer.from(downloaded.base64, 'base64');
		const token: TestCertificate = makeTestCertificate({ commonName: 'Trần Thị Bình' });
		const files = mkdtempSync(join(tmpdir(), 'giaoban-token-'));
		try {
			// A signed file of other minutes is refused, in Vietnamese, and the minutes stay approved.
			const other = await running.app.inject({ url: `/api/documents/${documentId}`, headers: thuky.headers });
			const otherPdf = other.json<{ files: { kind: string; url: string }[] }>().files.find((f) => f.kind === 'signed-pdf')!;
			const wrong = join(files, 'bien-ban-khac.pdf');
			writeFileSync(wrong, (await running.app.inject({ url: otherPdf.url, headers: thuky.headers })).rawPayload);
			const input = await secretary.$('[data-testid=minutes-token] input');
			await input!.uploadFile(wrong);
			await secretary.waitForSelector('[data-testid=confirm-dialog][open]');
			expect(await text(secretary, '#confirm-message')).toContain('bien-ban-khac.pdf');
			await secretary.click('[data-testid=confirm-upload-signed]');
			await secretary.waitForSelector('[data-testid=minutes-notice][role=alert]');
			expect(await text(secretary, '[data-testid=minutes-notice]')).toBe(errorsVi['errors.reason.signed_file_mismatch']);
			expect(await secretary.$eval('[data-testid=minutes-page]', (el) => el.getAttribute('data-status'))).toBe('approved');

			// The approved PDF signed with the token: accepted, the minutes are signed.
			const signedPath = join(files, 'bien-ban-da-ky.pdf');
			writeFileSync(signedPath, await signPdf(approved, { p12: token.p12, passphrase: token.passphrase }, { reason: 'Ký duyệt biên bản', name: 'Trần Thị Bình', location: 'Sông Lô' }));
			const again = await secretary.$('[data-testid=minutes-token] input');
			await again!.uploadFile(signedPath);
			await secretary.waitForSelector('[data-testid=confirm-dialog][open]');
			await secretary.click('[data-testid=confirm-upload-signed]');
			await waitStatus(secretary, 'signed');
			expect(await text(secretary, '[data-testid=minutes-notice]')).toBe('Đã nhận tệp đã ký; chữ ký hợp lệ.');
			await secretary.waitForSelector('[data-testid=minutes-files] li[data-kind=signed-pdf]');
		} finally {
			rmSync(files, { recursive: true, force: true });
		}
		expect(pageErrors).toEqual([]);
	});
});
