import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isIncrementalUpdateOf, signPdf, SigningKeyError, verifyPdfSignatures } from '../../../server/src/features/signing/index.ts';
import { launchBrowser } from '../../helpers/browser.ts';
import { makeTestCertificate, type TestCertificate } from '../../helpers/test-certificate.ts';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { byteRanges, opensslVerify, pdfsig, pdftotext, withFiles } from './pdf-tools.ts';

const run = promisify(execFile);

/** A PKCS#12 as an operator makes one with OpenSSL 3 (its defaults: AES-256-CBC, PBKDF2, SHA-256 MAC). */
async function opensslPkcs12(passphrase: string): Promise<Buffer> {
	return withFiles({}, async (dir) => {
		await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '30', '-utf8', '-subj', '/C=VN/O=UBND huyện Sông Lô/CN=Trần Thị Bích']);
		await run('openssl', ['pkcs12', '-export', '-inkey', join(dir, 'key.pem'), '-in', join(dir, 'cert.pem'), '-out', join(dir, 'out.p12'), '-passout', `pass:${passphrase}`]);
		return readFileSync(join(dir, 'out.p12'));
	});
}

const HTML = `<!doctype html><html lang="vi"><head><meta charset="utf-8"><style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm }
body { font-family: 'Liberation Serif', serif; font-size: 14pt }
.next { break-before: page }
</style></head><body>
<p>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</p><p>Độc lập - Tự do - Hạnh phúc</p>
<h1>BIÊN BẢN</h1><p>Họp giao ban UBND xã Sông Lô, đồng chí Đặng Thị Lan chủ trì.</p>
<p><a href="https://giaoban.example.vn/documents/1">Xem bản điện tử</a></p>
<p class="next">Trang hai: kết luận của chủ tọa.</p>
</body></html>`;

const SIGNING_TIME = new Date('2026-12-03T09:30:00.000Z');

describe('signPdf and verifyPdfSignatures on a PDF printed by Chromium', () => {
	let original: Buffer;
	let signer: TestCertificate;
	let office: TestCertificate;
	let signed: Buffer;

	beforeAll(async () => {
		const browser = await launchBrowser();
		try {
			const page = await browser.browser.newPage();
			await page.setJavaScriptEnabled(false);
			await page.setContent(HTML);
			original = Buffer.from(await page.pdf({ preferCSSPageSize: true, printBackground: true }));
		} finally {
			await browser.close();
		}
		signer = makeTestCertificate({ notBefore: new Date('2026-01-01T00:00:00Z') });
		office = makeTestCertificate({ commonName: 'UBND xã Sông Lô', organization: 'UBND huyện Sông Lô', passphrase: 'van-thu' });
		signed = await signPdf(original, signer, { reason: 'Ký duyệt biên bản', name: 'Nguyễn Văn A', location: 'Sông Lô, Phú Thọ' }, { signingTime: SIGNING_TIME });
	}, 120_000);

	afterAll(() => {
		// Nothing to close: every program ran to its end inside its test.
	});

	it('an unsigned PDF has no signatures', async () => {
		expect(verifyPdfSignatures(original)).toEqual([]);
		expect(await pdfsig(original)).toEqual([]);
	});

	it('signs: pdfsig and openssl accept the signature, ours reads it back with Vietnamese text intact', async () => {
		expect(isIncrementalUpdateOf(signed, original)).toBe(true);
		expect((await pdfsig(signed)).map((s) => [s.number, s.validation, s.totalDocument, s.commonName])).toEqual([[1, 'Signature is Valid.', true, 'Nguyễn Văn A']]);
		const [range] = byteRanges(signed);
		const openssl = await opensslVerify(signed, range!);
		expect(openssl.ok, openssl.output).toBe(true);

		expect(verifyPdfSignatures(signed)).toEqual([
			{
				index: 1,
				signerName: 'Nguyễn Văn A',
				issuer: 'CN=Nguyễn Văn A, O=UBND xã Sông Lô, C=VN',
				serialNumber: signer.serialNumber.toUpperCase(),
				signedAt: SIGNING_TIME.toISOString(),
				reason: 'Ký duyệt biên bản',
				location: 'Sông Lô, Phú Thọ',
				valid: true,
				coversWholeDocument: true,
				certificateValidAtSigning: true,
			},
		]);
		// The pages are untouched: the signature is an invisible field in an appended update.
		const text = await pdftotext(signed);
		expect(text).toContain('BIÊN BẢN');
		expect(text).toContain('Trang hai: kết luận của chủ tọa.');
	});

	it('a byte changed inside the signed range makes pdfsig and ours say invalid', async () => {
		const [[, length]] = byteRanges(signed) as [[number, number, number, number]];
		// A byte inside the first page's content stream, well inside the first signed range.
		const streamAt = signed.indexOf('stream\n', 0, 'latin1') + 'stream\n'.length + 20;
		expect(streamAt).toBeLessThan(length);
		const tampered = Buffer.from(signed);
		tampered[streamAt] = tampered[streamAt]! ^ 0x01;
		const [theirs] = await pdfsig(tampered);
		expect(theirs?.validation).not.toBe('Signature is Valid.');
		expect(theirs?.validation).toMatch(/Digest Mismatch|Invalid/);
		const [ours] = verifyPdfSignatures(tampered);
		expect(ours).toMatchObject({ index: 1, valid: false, signerName: 'Nguyễn Văn A', coversWholeDocument: true });
		expect(ours?.error).toContain('changed after signing');
		expect(isIncrementalUpdateOf(tampered, original)).toBe(false);

		// In the appended update too (the reason text): still signed bytes.
		const reasonAt = signed.lastIndexOf('/Reason', undefined, 'latin1') + 12;
		const inUpdate = Buffer.from(signed);
		inUpdate[reasonAt] = inUpdate[reasonAt]! ^ 0x01;
		expect(verifyPdfSignatures(inUpdate)[0]?.valid).toBe(false);
		expect((await pdfsig(inUpdate))[0]?.validation).not.toBe('Signature is Valid.');
	});

	it('a changed signature value (not in the signed range) fails the signature check itself', () => {
		const [range] = byteRanges(signed) as [[number, number, number, number]];
		// The RSA signature is the last thing in the CMS before the zero padding; a byte in its middle.
		const hex = signed.subarray(range[1] + 1, range[2] - 1).toString('latin1').replace(/(00)+$/, '');
		const at = range[1] + 1 + hex.length - 100;
		const tampered = Buffer.from(signed);
		tampered[at] = tampered[at] === 0x30 ? 0x31 : 0x30;
		const [ours] = verifyPdfSignatures(tampered);
		expect(ours?.valid).toBe(false);
		expect(ours?.error).toContain('does not verify');
	});

	it('a second signature keeps the first valid: pdfsig and ours agree, only the last covers the whole file', async () => {
		const twice = await signPdf(signed, office, { reason: 'Phát hành văn bản số 05/BB-UBND', name: 'UBND xã Sông Lô', location: 'Sông Lô' });
		expect(isIncrementalUpdateOf(twice, signed)).toBe(true);
		expect(isIncrementalUpdateOf(twice, original)).toBe(true);
		expect((await pdfsig(twice)).map((s) => [s.number, s.validation, s.totalDocument, s.commonName])).toEqual([
			[1, 'Signature is Valid.', false, 'Nguyễn Văn A'],
			[2, 'Signature is Valid.', true, 'UBND xã Sông Lô'],
		]);
		const ours = verifyPdfSignatures(twice);
		expect(ours.map((s) => [s.index, s.signerName, s.valid, s.coversWholeDocument, s.reason])).toEqual([
			[1, 'Nguyễn Văn A', true, false, 'Ký duyệt biên bản'],
			[2, 'UBND xã Sông Lô', true, true, 'Phát hành văn bản số 05/BB-UBND'],
		]);
		for (const range of byteRanges(twice)) {
			const openssl = await opensslVerify(twice, range);
			expect(openssl.ok, openssl.output).toBe(true);
		}
		// The first signature's bytes are the signed file's, untouched.
		expect(twice.subarray(0, signed.length).equals(signed)).toBe(true);
	});

	it('isIncrementalUpdateOf refuses anything but the original with an update appended', async () => {
		expect(isIncrementalUpdateOf(original, original)).toBe(false);
		expect(isIncrementalUpdateOf(signed.subarray(0, signed.length - 10), original)).toBe(false);
		expect(isIncrementalUpdateOf(Buffer.concat([original, Buffer.from('\njunk without an end')]), original)).toBe(false);
		const changedPrefix = Buffer.from(signed);
		changedPrefix[40] = changedPrefix[40]! ^ 0x01;
		expect(isIncrementalUpdateOf(changedPrefix, original)).toBe(false);
		// Signed from another PDF (the same page printed again is not the same bytes).
		const other = await signPdf(Buffer.concat([original.subarray(0, 20), Buffer.from(' '), original.subarray(21)]), signer, { reason: 'x', name: 'x', location: 'x' }).catch(() => null);
		if (other) {
			expect(isIncrementalUpdateOf(other, original)).toBe(false);
		}
		// The original's own line ending after %%EOF may be dropped by the signer, nothing more.
		const withEol = Buffer.concat([original.subarray(0, original.lastIndexOf('%%EOF') + 5), Buffer.from('\r\n')]);
		const appended = Buffer.concat([withEol.subarray(0, withEol.length - 2), Buffer.from('\n1 0 obj\n<<>>\nendobj\nstartxref\n0\n%%EOF\n')]);
		expect(isIncrementalUpdateOf(appended, withEol)).toBe(true);
	});

	it('a certificate expired at signing time: the signature is intact, the certificate is flagged', async () => {
		const expired = makeTestCertificate({ commonName: 'Lê Văn C', notBefore: new Date('2024-01-01T00:00:00Z'), notAfter: new Date('2025-01-01T00:00:00Z') });
		const late = await signPdf(original, expired, { reason: 'Ký', name: 'Lê Văn C', location: 'Sông Lô' });
		expect(verifyPdfSignatures(late)).toEqual([expect.objectContaining({ signerName: 'Lê Văn C', valid: true, certificateValidAtSigning: false })]);
	});

	it('a PKCS#12 exported by OpenSSL 3 signs too; a non-ASCII passphrase, which forge cannot use, gets a hint', async () => {
		const p12 = await opensslPkcs12('Mat-khau-2026');
		const byOpenssl = await signPdf(original, { p12, passphrase: 'Mat-khau-2026' }, { reason: 'Ký thay', name: 'Trần Thị Bích', location: 'Sông Lô' });
		expect((await pdfsig(byOpenssl)).map((s) => [s.validation, s.commonName])).toEqual([['Signature is Valid.', 'Trần Thị Bích']]);
		expect(verifyPdfSignatures(byOpenssl)).toEqual([expect.objectContaining({ signerName: 'Trần Thị Bích', issuer: 'CN=Trần Thị Bích, O=UBND huyện Sông Lô, C=VN', valid: true })]);

		const vietnamese = await opensslPkcs12('bí mật');
		await expect(signPdf(original, { p12: vietnamese, passphrase: 'bí mật' }, { reason: 'x', name: 'x', location: 'x' })).rejects.toThrow(/non-ASCII characters/);
	});

	it('a wrong passphrase is refused in plain words, before any PDF work', async () => {
		const refused = await signPdf(original, { p12: signer.p12, passphrase: 'sai-mat-khau' }, { reason: 'x', name: 'x', location: 'x' }).catch((error: unknown) => error);
		expect(refused).toBeInstanceOf(SigningKeyError);
		expect(refused).toMatchObject({ code: 'invalid_state', reason: 'signing_key_missing' });
		expect((refused as Error).message).toContain('wrong passphrase');
		await expect(signPdf(Buffer.from('not a pdf'), signer, { reason: 'x', name: 'x', location: 'x' })).rejects.toMatchObject({ code: 'invalid_payload' });
	});

	it('a signature whose ByteRange leaves out more than its contents is reported, not trusted', () => {
		const [range] = byteRanges(signed) as [[number, number, number, number]];
		const text = `/ByteRange [${range.join(' ')}]`;
		// Claim a gap that starts 10 bytes earlier: those bytes would be unsigned.
		const forged = `/ByteRange [0 ${range[1] - 10} ${range[2]} ${range[3]}]`.padEnd(text.length, ' ');
		const at = signed.indexOf(text, 0, 'latin1');
		const tampered = Buffer.from(signed);
		tampered.write(forged, at, 'latin1');
		const [ours] = verifyPdfSignatures(tampered);
		expect(ours?.valid).toBe(false);
		expect(ours?.error).toMatch(/not a hex string|cannot be read/);
	});
});
