import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { BrowserContext, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManagedUnit } from '../../shared/src/api/units.ts';
import { buildApp } from '../../server/src/app.ts';
import type { SeededAccount } from '../../server/src/features/demo-data/seed-demo-data.ts';
import { login, seedAccounts } from '../helpers/accounts.ts';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { answerConfirm, enterRoom, scheduleMeeting, signIn, until } from '../helpers/room-pages.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';
import { migratedDataDir, testConfig, type TestDataDir } from '../helpers/test-env.ts';

const VIEWPORT = { width: 1280, height: 800 };
const NEW_COMMUNE = 'Xã Thử Nghiệm';

const text = (page: Page, selector: string) => page.$eval(selector, (el) => (el.textContent ?? '').replace(/\s+/g, ' ').trim());
const value = (page: Page, selector: string) => page.$eval(selector, (el) => (el as HTMLInputElement).value);

/** Replaces what a controlled input holds by typing, as a person would (React sees every key). */
async function fill(page: Page, selector: string, text: string): Promise<void> {
	await page.focus(selector);
	await page.keyboard.down('Control');
	await page.keyboard.press('KeyA');
	await page.keyboard.up('Control');
	await page.keyboard.press('Backspace');
	if (text !== '') {
		await page.type(selector, text);
	}
}

/** The value of the <option> of `select` whose text is `label`. */
async function optionValue(page: Page, select: string, label: string): Promise<string> {
	const found = await page.$$eval(`${select} option`, (options, want) => options.find((o) => o.textContent === want)?.getAttribute('value') ?? null, label);
	if (found === null) {
		throw new Error(`no option ${label} in ${select}`);
	}
	return found;
}

/** Unit names in the order the units table lists them. */
const unitRows = (page: Page) => page.$$eval('[data-testid=units-table] tbody tr[data-unit]', (rows) => rows.map((r) => r.getAttribute('data-unit')));

describe('administration in Chromium: a new commune and its operator, from the admin screens into a meeting', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	let accounts: Map<string, SeededAccount>;
	let adminContext: BrowserContext;
	let operatorContext: BrowserContext;
	let admin: Page;
	let operator: Page;
	let temporaryPassword = '';

	beforeAll(async () => {
		running = await startApp();
		accounts = await seedAccounts(running.app);
		chromium = await launchBrowser();
		adminContext = await chromium.browser.createBrowserContext();
		operatorContext = await chromium.browser.createBrowserContext();
		admin = await adminContext.newPage();
		operator = await operatorContext.newPage();
		await admin.setViewport(VIEWPORT);
		await operator.setViewport(VIEWPORT);
	}, 60000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	async function managedUnits(): Promise<ManagedUnit[]> {
		const signed = await login(running.app, accounts, 'admin');
		const response = await running.app.inject({ url: '/api/units', headers: signed.headers });
		expect(response.statusCode, response.body).toBe(200);
		return response.json<ManagedUnit[]>();
	}

	it('the host unit card on the sign-in page names the host without assuming a district', async () => {
		await admin.goto(running.url, { waitUntil: 'networkidle0' });
		await admin.waitForSelector('[data-testid=district-authority]');
		expect(await text(admin, '[data-testid=district-authority]')).toBe('UBND HUYỆN SÔNG LÔ');
		expect(await text(admin, '[data-testid=host-unit-name]')).toBe('Huyện Sông Lô');
		expect(await admin.$$eval('[data-testid=host-unit-members] li', (items) => items.length)).toBe(17);
	});

	it('adds the commune "Xã Thử Nghiệm" from Quản trị → Đơn vị, with the issuing body suggested and errors beside the fields', async () => {
		await signIn(admin, running.url, 'admin', accounts.get('admin')!.password);
		expect(await text(admin, '[data-testid=nav-admin]')).toBe('Quản trị');
		await admin.click('[data-testid=nav-admin]');
		await admin.waitForSelector('[data-testid=units-table]');
		expect(new URL(admin.url()).pathname).toBe('/admin/units');
		expect(await text(admin, '[data-testid=tab-units]')).toBe('Đơn vị');
		expect(await text(admin, '[data-testid=tab-accounts]')).toBe('Tài khoản');
		// The own unit first, then its communes and town in dictionary order.
		const before = await unitRows(admin);
		expect(before[0]).toBe('Huyện Sông Lô');
		expect(before).toHaveLength(18);
		expect(await text(admin, 'tr[data-unit="Huyện Sông Lô"]')).toContain('đơn vị của bạn');
		expect(await text(admin, 'tr[data-unit="Xã Đồng Thịnh"] td:nth-of-type(1)')).toBe('Xã');
		expect(await text(admin, 'tr[data-unit="Thị trấn Tam Sơn"] td:nth-of-type(1)')).toBe('Thị trấn');

		await admin.click('[data-testid=units-add]');
		await admin.waitForSelector('[data-testid=unit-add-form]');
		await admin.type('[data-testid=unit-add-form] input[name=name]', NEW_COMMUNE);
		expect(await value(admin, '[data-testid=unit-add-form] input[name=authority]')).toBe('UBND XÃ THỬ NGHIỆM');
		await admin.type('[data-testid=unit-add-form] input[name=code]', '99999');
		await admin.click('[data-testid=unit-add-submit]');
		await admin.waitForSelector(`tr[data-unit="${NEW_COMMUNE}"]`);
		const row = await admin.$$eval(`tr[data-unit="${NEW_COMMUNE}"] td`, (cells) => cells.map((c) => (c.textContent ?? '').trim()));
		expect(row.slice(0, 4)).toEqual(['Xã', '99999', 'Đang hoạt động', '0']);
		expect(await text(admin, '[data-testid=units-notice]')).toBe(`Đã thêm ${NEW_COMMUNE}.`);

		// The same name again: the server's refusal stands beside the name, in Vietnamese.
		await admin.type('[data-testid=unit-add-form] input[name=name]', NEW_COMMUNE);
		await admin.click('[data-testid=unit-add-submit]');
		await admin.waitForSelector('[data-testid=field-error-name]');
		expect(await text(admin, '[data-testid=field-error-name]')).toBe('Đã có đơn vị cùng cấp mang tên này.');
		expect(await admin.$eval('[data-testid=unit-add-form] input[name=name]', (el) => el.getAttribute('aria-invalid'))).toBe('true');
		expect(await admin.evaluate(() => document.activeElement?.getAttribute('name'))).toBe('name');
		await admin.click('[data-testid=units-add]');

		// The search ignores diacritics and keeps the path from the own unit.
		await admin.type('[data-testid=unit-search]', 'thu nghiem');
		await until(async () => (await unitRows(admin)).length === 2, 5000, 'the search to narrow the list');
		expect(await unitRows(admin)).toEqual(['Huyện Sông Lô', NEW_COMMUNE]);
		await fill(admin, '[data-testid=unit-search]', '');
		await until(async () => (await unitRows(admin)).length === 19, 5000, 'the whole list again');
	});

	it('previews a CSV import with its bad rows marked, imports nothing until they are fixed, then imports', async () => {
		await admin.click('[data-testid=units-import]');
		await admin.waitForSelector('[data-testid=unit-import]');
		expect(await text(admin, '[data-testid=import-example]')).toContain('tên,cấp,cơ quan ban hành,mã');
		const bad = ['tên,cấp,cơ quan ban hành,mã', 'Phường Mới Một,Phường,,99001', 'Xã Lỗi Mã,Xã,,99999', 'Xã Lỗi Cấp,Huyện,,99003'].join('\n');
		await admin.type('[data-testid=import-text]', bad);
		await admin.click('[data-testid=import-preview]');
		await admin.waitForSelector('[data-testid=import-table]');
		expect(await text(admin, '[data-testid=import-count]')).toBe('3 dòng, 2 dòng lỗi.');
		expect(await admin.$eval('[data-testid=import-confirm]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
		expect(await admin.$$eval('[data-testid=import-table] tr[data-bad=true]', (rows) => rows.map((r) => r.getAttribute('data-line')))).toEqual(['3', '4']);
		expect(await text(admin, 'tr[data-line="3"]')).toContain('Mã: Mã đơn vị này đã được dùng cho một đơn vị khác.');
		expect(await text(admin, 'tr[data-line="4"]')).toContain('Cấp:');
		expect(await unitRows(admin)).not.toContain('Phường Mới Một');

		await fill(admin, '[data-testid=import-text]', ['tên,cấp,cơ quan ban hành,mã', 'Phường Mới Một,Phường,,99001', 'Đặc khu Mới Hai,Đặc khu,,99002'].join('\n'));
		// The old preview no longer stands for the text: importing waits for a new one.
		expect(await admin.$eval('[data-testid=import-confirm]', (b) => (b as HTMLButtonElement).disabled)).toBe(true);
		await admin.click('[data-testid=import-preview]');
		await admin.waitForFunction(() => document.querySelector('[data-testid=import-count]')?.textContent === '2 dòng, không có lỗi.', { timeout: 10000 });
		await admin.click('[data-testid=import-confirm]');
		await admin.waitForSelector('tr[data-unit="Phường Mới Một"]');
		expect(await text(admin, '[data-testid=units-notice]')).toBe('Đã nhập 2 đơn vị.');
		expect(await text(admin, 'tr[data-unit="Đặc khu Mới Hai"] td:nth-of-type(1)')).toBe('Đặc khu');
		const imported = (await managedUnits()).find((u) => u.name === 'Phường Mới Một');
		expect(imported).toMatchObject({ kind: 'ward', code: '99001', authority: 'UBND PHƯỜNG MỚI MỘT', active: true });
	});

	it('creates an operator account for the new commune and shows its temporary password once', async () => {
		await admin.click('[data-testid=tab-accounts]');
		await admin.waitForSelector('[data-testid=accounts-table]');
		expect(new URL(admin.url()).pathname).toBe('/admin/accounts');
		expect(await text(admin, 'tr[data-account=dongthinh] td:nth-of-type(3)')).toBe('Cán bộ điểm cầu');
		expect(await text(admin, 'tr[data-account=dongthinh] td:nth-of-type(4)')).toBe('Hoạt động');

		await admin.click('[data-testid=accounts-add]');
		await admin.waitForSelector('[data-testid=account-add-form]');
		await admin.select('[data-testid=account-unit]', await optionValue(admin, '[data-testid=account-unit]', NEW_COMMUNE));
		// A commune's account is its conference-point operator; the host's roles are not offered.
		expect(await admin.$$eval('[data-testid=account-role] option', (o) => o.map((x) => x.getAttribute('value')))).toEqual(['commune_operator', 'viewer']);
		await admin.type('[data-testid=account-add-form] input[name=displayName]', `Điểm cầu ${NEW_COMMUNE}`);
		// Capitals are lowered as typed: usernames are lower case.
		await admin.type('[data-testid=account-add-form] input[name=username]', 'ThuNghiem');
		expect(await value(admin, '[data-testid=account-add-form] input[name=username]')).toBe('thunghiem');
		await admin.click('[data-testid=account-add-submit]');
		await admin.waitForSelector('[data-testid=secret-box]');
		temporaryPassword = await value(admin, '[data-testid=secret-value]');
		expect(temporaryPassword.length).toBeGreaterThanOrEqual(10);
		expect(await text(admin, '[data-testid=secret-box]')).toContain('Chỉ hiện một lần');
		expect(await text(admin, 'tr[data-account=thunghiem] td:nth-of-type(2)')).toBe(NEW_COMMUNE);
		expect(await text(admin, 'tr[data-account=thunghiem] td:nth-of-type(4)')).toBe('Phải đổi mật khẩu');

		// Taken usernames are refused beside the field.
		await admin.type('[data-testid=account-add-form] input[name=displayName]', 'Người thứ hai');
		await admin.type('[data-testid=account-add-form] input[name=username]', 'thunghiem');
		await admin.click('[data-testid=account-add-submit]');
		await admin.waitForSelector('[data-testid=field-error-username]');
		expect(await text(admin, '[data-testid=field-error-username]')).toBe('Tên đăng nhập này đã có người dùng. Hãy chọn tên khác.');

		// Once dismissed the password is gone from the page: nothing shows it again.
		await admin.click('[data-testid=secret-close]');
		await admin.reload({ waitUntil: 'networkidle0' });
		await admin.waitForSelector('tr[data-account=thunghiem]');
		expect(await admin.$('[data-testid=secret-box]')).toBeNull();
		expect(await admin.content()).not.toContain(temporaryPassword);
	});

	it('the new operator must change the temporary password first, then joins the meeting the commune is invited to', async () => {
		const unit = (await managedUnits()).find((u) => u.name === NEW_COMMUNE)!;
		const title = 'Giao ban thử nghiệm đơn vị mới';
		const { meetingId } = await scheduleMeeting(running, accounts, title, [unit.id]);

		await signIn(operator, running.url, 'thunghiem', temporaryPassword);
		await operator.waitForSelector('[data-testid=change-password]');
		expect(await text(operator, '#password-title')).toBe('Đổi mật khẩu trước khi tiếp tục');
		// Nothing else is reachable meanwhile: no menu, and a meeting's address shows the same form.
		expect(await operator.$('[data-testid=nav-password]')).toBeNull();
		await operator.goto(`${running.url}/meetings/${meetingId}`, { waitUntil: 'networkidle0' });
		await operator.waitForSelector('[data-testid=change-password]');

		await operator.type('input[name=currentPassword]', temporaryPassword);
		await operator.type('input[name=newPassword]', 'thunghiem-2026');
		await operator.type('input[name=repeatPassword]', 'thunghiem-2026');
		await operator.click('[data-testid=change-password-submit]');
		await operator.waitForSelector('[data-testid=field-error-newPassword]');
		expect(await text(operator, '[data-testid=field-error-newPassword]')).toBe('Mật khẩu không được chứa tên đăng nhập.');

		// A password every guessing list starts with: refused by the server, shown beside the field.
		await fill(operator, 'input[name=newPassword]', 'Password1234!');
		await fill(operator, 'input[name=repeatPassword]', 'Password1234!');
		await operator.click('[data-testid=change-password-submit]');
		await operator.waitForSelector('[data-testid=field-error-newPassword]');
		expect(await text(operator, '[data-testid=field-error-newPassword]')).toBe('Mật khẩu này quá phổ biến, dễ bị đoán. Hãy chọn mật khẩu khác, ví dụ một câu ngắn dễ nhớ.');

		const chosen = 'Lúa chín vàng đồng quê 2026';
		await fill(operator, 'input[name=newPassword]', chosen);
		await fill(operator, 'input[name=repeatPassword]', chosen);
		await operator.click('[data-testid=change-password-submit]');
		// The forced change keeps the address: the meeting page asked for is what shows now.
		await operator.waitForSelector('[data-testid=change-password]', { hidden: true, timeout: 10000 });
		await operator.goto(running.url, { waitUntil: 'networkidle0' });
		const join = `li[data-meeting="${meetingId}"] [data-testid=join-now]`;
		await operator.waitForSelector(join, { timeout: 10000 });
		expect(await text(operator, join)).toBe('Vào họp ngay');
		await operator.click(join);
		await until(() => new URL(operator.url()).pathname === `/meetings/${meetingId}/room`, 10000, 'the room page');
		await enterRoom(operator);
		expect(await text(operator, '[data-testid=signed-in]')).toBe(`Điểm cầu ${NEW_COMMUNE} · ${NEW_COMMUNE}`);

		// The new password is the one that signs in now.
		const signedIn = await running.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'thunghiem', password: chosen }, remoteAddress: '10.0.0.13' });
		expect(signedIn.statusCode, signedIn.body).toBe(200);
		expect(signedIn.json<{ mustChangePassword: boolean }>().mustChangePassword).toBe(false);

		// The administrator's list, reloaded, says the account is in use.
		await admin.reload({ waitUntil: 'networkidle0' });
		await admin.waitForSelector('tr[data-account=thunghiem]');
		expect(await text(admin, 'tr[data-account=thunghiem] td:nth-of-type(4)')).toBe('Hoạt động');
	});

	it('resets a password with a one-time link that the user opens to set a new one', async () => {
		await admin.click('tr[data-account=dongthinh] [data-testid=account-reset]');
		await answerConfirm(admin, 'confirm-reset-link');
		await admin.waitForSelector('[data-testid=secret-box]');
		const link = await value(admin, '[data-testid=secret-value]');
		expect(link).toMatch(new RegExp(`^${running.url}/password-reset/[A-Za-z0-9_-]{16,}$`));

		const page = await operatorContext.newPage();
		await page.setViewport(VIEWPORT);
		await page.goto(link, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=reset-form]');
		expect(await text(page, '[data-testid=reset-for]')).toContain('dongthinh');
		await page.type('input[name=newPassword]', 'Sông Lô nước trong xanh');
		await page.type('input[name=repeatPassword]', 'Sông Lô nước trong xanh');
		await page.click('[data-testid=reset-form] button[type=submit]');
		await page.waitForSelector('[data-testid=reset-done]');
		expect(await text(page, '[data-testid=reset-done] [role=status]')).toBe('Đã đặt mật khẩu, hãy đăng nhập bằng mật khẩu mới.');
		// Used once: the same link now says so in Vietnamese.
		await page.reload({ waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=reset-invalid]');
		expect(await text(page, '[data-testid=reset-invalid] [role=alert]')).toContain('Đường dẫn đặt lại mật khẩu không còn hiệu lực');
		await page.close();
	});

	it('merges a unit into another after a confirmation naming the consequence, deactivates and activates one, disables an account', async () => {
		await admin.click('[data-testid=tab-units]');
		await admin.waitForSelector('[data-testid=units-table]');

		// A unit with an enabled account cannot be deactivated: the refusal says why, in Vietnamese.
		await admin.click('tr[data-unit="Xã Đồng Thịnh"] [data-testid=unit-toggle]');
		expect(await text(admin, '#confirm-message')).toContain('Xã Đồng Thịnh sẽ không còn là điểm cầu');
		await answerConfirm(admin, 'confirm-unit-toggle');
		await admin.waitForSelector('[data-testid=units-notice][role=alert]');
		expect(await text(admin, '[data-testid=units-notice]')).toContain('Đơn vị còn đang được dùng');

		await admin.click('tr[data-unit="Đặc khu Mới Hai"] [data-testid=unit-toggle]');
		await answerConfirm(admin, 'confirm-unit-toggle');
		await admin.waitForSelector('tr[data-unit="Đặc khu Mới Hai"][data-active=false]');
		expect(await text(admin, 'tr[data-unit="Đặc khu Mới Hai"] td:nth-of-type(3)')).toBe('Ngừng hoạt động');
		await admin.click('tr[data-unit="Đặc khu Mới Hai"] [data-testid=unit-toggle]');
		await answerConfirm(admin, 'confirm-unit-toggle');
		await admin.waitForSelector('tr[data-unit="Đặc khu Mới Hai"][data-active=true]');

		// Renamed in place; the issuing body is left as it was (only a new unit gets the suggestion).
		await admin.click('tr[data-unit="Đặc khu Mới Hai"] button[aria-label="Sửa Đặc khu Mới Hai"]');
		await admin.waitForSelector('[data-testid=unit-edit-form]');
		await fill(admin, '[data-testid=unit-edit-form] input[name=name]', 'Đặc khu Cô Tô');
		expect(await value(admin, '[data-testid=unit-edit-form] input[name=authority]')).toBe('UBND ĐẶC KHU MỚI HAI');
		await admin.click('[data-testid=unit-edit-form] button[type=submit]');
		await admin.waitForSelector('tr[data-unit="Đặc khu Cô Tô"]:not(.editing)');
		expect(await text(admin, '[data-testid=units-notice]')).toBe('Đã lưu Đặc khu Cô Tô.');
		expect((await managedUnits()).find((u) => u.name === 'Đặc khu Cô Tô')).toMatchObject({ code: '99002', authority: 'UBND ĐẶC KHU MỚI HAI' });

		await admin.click('[data-testid=units-merge]');
		await admin.waitForSelector('[data-testid=merge-panel]');
		await admin.select('[data-testid=merge-target]', await optionValue(admin, '[data-testid=merge-target]', NEW_COMMUNE));
		const sources = await admin.$$eval('[data-testid=merge-panel] input[type=checkbox]', (boxes) => boxes.map((b) => (b.parentElement?.textContent ?? '').trim()));
		expect(sources).not.toContain(NEW_COMMUNE);
		expect(sources).toContain('Phường Mới Một');
		const ward = (await managedUnits()).find((u) => u.name === 'Phường Mới Một')!;
		await admin.click(`[data-testid=merge-panel] input[type=checkbox][value="${ward.id}"]`);
		await admin.click('[data-testid=merge-submit]');
		await admin.waitForSelector('dialog[data-testid=confirm-dialog][open]');
		expect(await text(admin, '#confirm-message')).toBe(
			`Phường Mới Một sẽ sáp nhập vào ${NEW_COMMUNE}: tài khoản và lịch họp sắp tới chuyển sang ${NEW_COMMUNE}; lịch sử giữ nguyên. Tài khoản quản trị của các đơn vị này trở thành tài khoản chỉ xem (quản trị viên của ${NEW_COMMUNE} cấp lại quyền nếu cần), và mọi tài khoản chuyển sang phải đăng nhập lại. Các đơn vị sáp nhập sẽ ngừng hoạt động và không khôi phục lại được.`
		);
		await answerConfirm(admin, 'confirm-merge');
		await admin.waitForSelector('tr[data-unit="Phường Mới Một"][data-active=false]');
		expect(await text(admin, 'tr[data-unit="Phường Mới Một"] th')).toContain(`Đã sáp nhập vào ${NEW_COMMUNE}`);
		expect(await text(admin, `tr[data-unit="${NEW_COMMUNE}"] th`)).toContain('Gồm Phường Mới Một sáp nhập');
		// A merged unit is not offered to activate again.
		expect(await admin.$('tr[data-unit="Phường Mới Một"] [data-testid=unit-toggle]')).toBeNull();

		await admin.click('[data-testid=tab-accounts]');
		await admin.waitForSelector('tr[data-account=thunghiem]');
		await admin.click('tr[data-account=thunghiem] [data-testid=account-toggle]');
		expect(await text(admin, '#confirm-message')).toContain('sẽ không đăng nhập được nữa');
		await answerConfirm(admin, 'confirm-account-toggle');
		await admin.waitForSelector('tr[data-account=thunghiem][data-state=disabled]');
		expect(await text(admin, 'tr[data-account=thunghiem] td:nth-of-type(4)')).toBe('Đã khóa');
		// The operator's session ended with the account: the room gives way to the sign-in form.
		await operator.waitForSelector('[data-testid=signed-in]', { hidden: true, timeout: 15000 });
		await operator.waitForSelector('form input[name=username]');
		// An administrator cannot lock itself out: no such button on its own row.
		expect(await admin.$('tr[data-account=admin] [data-testid=account-toggle]')).toBeNull();
	});
});

/**
 * A server started on an empty database (DEMO_DATA off) prints /setup#<token>; this test reads the
 * printed line as the operator would, so it builds the app itself to catch what is printed.
 */
describe('first-run setup in Chromium on an empty database', () => {
	let app: FastifyInstance;
	let data: TestDataDir;
	let url = '';
	let printed = '';
	let chromium: TestBrowser;
	let page: Page;

	beforeAll(async () => {
		data = migratedDataDir();
		app = await buildApp(testConfig(data.dir), { logger: { level: 'silent' }, print: (line) => (printed += line) });
		await app.listen({ host: '127.0.0.1', port: 0 });
		url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
		chromium = await launchBrowser();
		page = await (await chromium.browser.createBrowserContext()).newPage();
		await page.setViewport(VIEWPORT);
	}, 60000);

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await app?.close();
			data?.remove();
		}
	});

	it('sets up a province and its administrator from the printed address, signed in at the end', async () => {
		const address = /(http:\/\/\S+\/setup#[A-Za-z0-9_-]{16,})/.exec(printed)?.[1];
		expect(address, printed).toBeDefined();
		const token = new URL(address!).hash.slice(1);

		await page.goto(url, { waitUntil: 'networkidle0' });
		expect(await page.$eval('main', (el) => el.textContent ?? '')).toContain('Máy chủ chưa được thiết lập.');

		// A wrong token first (an old address from a previous start): the form says so at the token.
		await page.goto(`${url}/setup#${'x'.repeat(43)}`, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=setup-form]');
		expect(await page.$('input[name=token]')).toBeNull();
		expect(await page.$$eval('select[name=kind] option', (o) => o.map((x) => x.textContent))).toEqual(['Tỉnh', 'Thành phố trực thuộc trung ương', 'Huyện (trước 7/2025)']);
		await page.type('input[name=unitName]', 'Tỉnh Phú Thọ');
		expect(await value(page, 'input[name=authority]')).toBe('UBND TỈNH PHÚ THỌ');
		await page.type('input[name=code]', '25');
		await page.type('input[name=username]', 'quantri');
		await page.type('input[name=displayName]', 'Quản trị tỉnh');
		await page.type('input[name=password]', 'ngắn');
		await page.type('input[name=repeatPassword]', 'khác');
		await page.click('[data-testid=setup-submit]');
		await page.waitForSelector('[data-testid=field-error-admin-password]');
		expect(await text(page, '[data-testid=field-error-admin-password]')).toBe('Mật khẩu mới phải có ít nhất 10 ký tự.');
		expect(await text(page, '[data-testid=field-error-repeat]')).toBe('Hai lần nhập mật khẩu mới không giống nhau.');
		expect(await text(page, '[data-testid=password-hint]')).toContain('Ít nhất 10 ký tự');

		const password = 'Đất Tổ Hùng Vương 2026';
		await fill(page, 'input[name=password]', password);
		await fill(page, 'input[name=repeatPassword]', password);
		await page.click('[data-testid=setup-submit]');
		await page.waitForSelector('[data-testid=field-error-token]');
		expect(await text(page, '[data-testid=field-error-token]')).toContain('Mã thiết lập không đúng');
		expect((await app.inject({ url: '/api/setup' })).json()).toEqual({ needed: true });

		await fill(page, 'input[name=token]', token);
		await page.click('[data-testid=setup-submit]');
		await page.waitForSelector('[data-testid=units-table]', { timeout: 15000 });
		expect(new URL(page.url()).pathname).toBe('/admin/units');
		expect(await text(page, '[data-testid=signed-in]')).toBe('Quản trị tỉnh · Tỉnh Phú Thọ');
		expect(await text(page, 'tr[data-unit="Tỉnh Phú Thọ"] td:nth-of-type(1)')).toBe('Tỉnh');
		expect(await text(page, 'tr[data-unit="Tỉnh Phú Thọ"] td:nth-of-type(2)')).toBe('25');
		expect((await app.inject({ url: '/api/setup' })).json()).toEqual({ needed: false });

		// Done for good: the page says so and points to the sign-in.
		await page.goto(`${url}/setup#${token}`, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=setup-done]');
		expect(await text(page, '[data-testid=setup-done] p')).toBe('Máy chủ đã được thiết lập. Hãy đăng nhập bằng tài khoản quản trị.');

		// Signed out, the start page names the province as the host.
		await page.click('[data-testid=logout]');
		await page.waitForSelector('[data-testid=signed-in]', { hidden: true });
		await page.goto(url, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=district-authority]');
		expect(await text(page, '[data-testid=district-authority]')).toBe('UBND TỈNH PHÚ THỌ');
		expect(await text(page, '[data-testid=host-unit-name]')).toBe('Tỉnh Phú Thọ');
	});
});
