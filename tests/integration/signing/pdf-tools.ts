import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export type PdfsigSignature = { number: number; commonName: string; validation: string; totalDocument: boolean; ranges: string };

/** Runs a program on files written to a temp folder; the outcome whatever the exit code. */
export async function withFiles<T>(files: Record<string, Buffer | string>, use: (dir: string) => Promise<T>): Promise<T> {
	const dir = mkdtempSync(join(tmpdir(), 'giaoban-signing-'));
	try {
		for (const [name, data] of Object.entries(files)) {
			writeFileSync(join(dir, name), data);
		}
		return await use(dir);
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

async function outcome(program: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
	try {
		const { stdout, stderr } = await run(program, args, { maxBuffer: 16 * 1024 * 1024 });
		return { code: 0, stdout, stderr };
	} catch (error) {
		const failed = error as { code: number; stdout: string; stderr: string };
		return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
	}
}

/**
 * poppler's pdfsig, without OCSP (offline) and with a fresh NSS database: the test certificates
 * are self-signed, so only "Signature Validation" counts, never the trust line.
 */
export async function pdfsig(pdf: Buffer): Promise<PdfsigSignature[]> {
	return withFiles({ 'doc.pdf': pdf }, async (dir) => {
		await run('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
		const { stdout, stderr } = await outcome('pdfsig', ['-nssdir', `sql:${dir}`, '-no-ocsp', join(dir, 'doc.pdf')]);
		const blocks = stdout.split(/^Signature #/m).slice(1);
		if (blocks.length === 0 && !(stdout + stderr).includes('does not contain any signatures')) {
			throw new Error(`pdfsig said: ${stdout}${stderr}`);
		}
		return blocks.map((block) => ({
			number: Number(/^(\d+):/.exec(block)?.[1]),
			commonName: /Signer Certificate Common Name: (.*)$/m.exec(block)?.[1]?.trim() ?? '',
			validation: /Signature Validation: (.*)$/m.exec(block)?.[1]?.trim() ?? '',
			totalDocument: /^\s*- Total document signed$/m.test(block),
			ranges: /Signed Ranges: (.*)$/m.exec(block)?.[1]?.trim() ?? '',
		}));
	});
}

/** The text of a PDF as pdftotext reads it. */
export async function pdftotext(pdf: Buffer): Promise<string> {
	return withFiles({ 'doc.pdf': pdf }, async (dir) => (await run('pdftotext', ['-enc', 'UTF-8', join(dir, 'doc.pdf'), '-'])).stdout);
}

/**
 * `openssl cms -verify` of one signature: the CMS from /Contents, the ByteRange bytes as the
 * detached content, the signer's certificate not checked for trust (-noverify).
 */
export async function opensslVerify(pdf: Buffer, byteRange: [number, number, number, number]): Promise<{ ok: boolean; output: string }> {
	const [a, b, c, d] = byteRange;
	const hex = pdf.subarray(a + b + 1, c - 1).toString('latin1');
	const cms = Buffer.from(hex.replace(/(00)+$/, ''), 'hex');
	const content = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
	return withFiles({ 'sig.der': cms, 'content.bin': content }, async (dir) => {
		const result = await outcome('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', join(dir, 'sig.der'), '-content', join(dir, 'content.bin'), '-noverify', '-out', '/dev/null']);
		return { ok: result.code === 0 && result.stderr.includes('Verification successful'), output: result.stderr };
	});
}

/** Every ByteRange in the file, in file order. */
export function byteRanges(pdf: Buffer): [number, number, number, number][] {
	return [...pdf.toString('latin1').matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]);
}
