import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MODELS, main, parseArgs, verifyChecksum, type ModelEntry } from '../../../scripts/whisper-model-core.mjs';

const BODY = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7919) % 251));
const sha1 = createHash('sha1').update(BODY).digest('hex');
const sha256 = createHash('sha256').update(BODY).digest('hex');

/** Serves BODY at /ggml-test.bin, honouring Range unless told not to; /cut.bin stops half-way. */
let server: Server;
let baseUrl: string;
let honourRange = true;
let seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
	server = createServer((req, res) => {
		seen.push(req.headers);
		if (req.url === '/ggml-test.bin' || req.url === '/ggml-bad.bin') {
			const body = req.url === '/ggml-bad.bin' ? Buffer.from(BODY).fill(0, 0, 10) : BODY;
			const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
			if (range && honourRange) {
				const start = Number(range[1]);
				if (start >= body.length) {
					res.writeHead(416).end();
					return;
				}
				res.writeHead(206, { 'content-length': body.length - start, 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` });
				res.end(body.subarray(start));
				return;
			}
			res.writeHead(200, { 'content-length': body.length });
			res.end(body);
			return;
		}
		if (req.url === '/ggml-cut.bin') {
			res.writeHead(200, { 'content-length': BODY.length });
			res.write(BODY.subarray(0, 1000), () => res.destroy());
			return;
		}
		if (req.url === '/moved/ggml-test.bin') {
			res.writeHead(302, { location: '/ggml-test.bin' }).end();
			return;
		}
		res.writeHead(404).end();
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	await new Promise((resolve) => server.close(resolve));
});

let dir: string;
beforeEach(() => {
	dir = mkdtempSync(join(tmpdir(), 'whisper-model-'));
	honourRange = true;
	seen = [];
	return () => rmSync(dir, { recursive: true, force: true });
});

const models: Record<string, ModelEntry> = {
	test: { file: 'ggml-test.bin', size: '195 KiB', sha1 },
	test256: { file: 'ggml-test.bin', size: '195 KiB', sha256 },
	bad: { file: 'ggml-bad.bin', size: '195 KiB', sha1 },
	cut: { file: 'ggml-cut.bin', size: '195 KiB', sha1 },
	missing: { file: 'ggml-missing.bin', size: '1 KiB', sha1 },
};

async function run(argv: string[], url = baseUrl) {
	const out: string[] = [];
	const err: string[] = [];
	const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s), baseUrl: url, models });
	return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('npm run model: arguments', () => {
	it('reads a name, --dir in both spellings, --force and --list', () => {
		expect(parseArgs(['small'])).toMatchObject({ name: 'small', dir: 'models', force: false, list: false });
		expect(parseArgs(['base', '--dir', '/srv/m', '--force'])).toMatchObject({ name: 'base', dir: '/srv/m', force: true });
		expect(parseArgs(['--dir=x', 'tiny'])).toMatchObject({ name: 'tiny', dir: 'x' });
		expect(parseArgs(['--list'])).toMatchObject({ list: true, name: null });
	});

	it('refuses a missing name, an unknown option, two names and --dir without a folder (exit code 2)', () => {
		for (const argv of [[], ['--fast', 'tiny'], ['tiny', 'base'], ['tiny', '--dir']]) {
			expect(() => parseArgs(argv)).toThrow(expect.objectContaining({ exitCode: 2 }) as Error);
		}
	});

	it('lists the models with their published SHA-1 and says which are not offered', async () => {
		const out: string[] = [];
		expect(await main(['--list'], { out: (s) => out.push(s) })).toBe(0);
		expect(out.join('\n')).toContain(`large-v3-turbo-q5_0`);
		expect(out.join('\n')).toContain(MODELS['small']!.sha1);
		expect(out.join('\n')).toContain('phowhisper-small');
		expect(MODELS['tiny-q5_1']).toBeUndefined();
	});

	it('prints conversion steps for PhoWhisper instead of downloading, and rejects unknown names', async () => {
		const result = await run(['phowhisper-small', '--dir', dir]);
		expect(result.code).toBe(0);
		expect(result.out).toContain('git clone https://huggingface.co/vinai/PhoWhisper-small');
		expect(result.out).toContain('convert-h5-to-ggml.py');
		expect(result.out).toContain(`WHISPER_MODEL=${join(dir, 'ggml-phowhisper-small.bin')}`);
		expect((await run(['phowhisper-huge'])).code).toBe(2);
		expect((await run(['large-v9'])).code).toBe(2);
	});
});

describe('npm run model: checksums', () => {
	it('verifies SHA-1 and SHA-256', async () => {
		const file = join(dir, 'f.bin');
		writeFileSync(file, BODY);
		expect((await verifyChecksum(file, { sha1 })).ok).toBe(true);
		expect(await verifyChecksum(file, { sha256 })).toMatchObject({ ok: true, algorithm: 'sha256' });
		writeFileSync(file, Buffer.concat([BODY, Buffer.from([0])]));
		expect((await verifyChecksum(file, { sha1 })).ok).toBe(false);
	});
});

describe('npm run model: download from a local server', () => {
	it('downloads, verifies, renames the .partial file and prints the WHISPER_MODEL line', async () => {
		const result = await run(['test', '--dir', dir]);
		expect(result.code).toBe(0);
		const target = join(dir, 'ggml-test.bin');
		expect(result.out).toBe(`WHISPER_MODEL=${target}`);
		expect(readFileSync(target).equals(BODY)).toBe(true);
		expect(existsSync(`${target}.partial`)).toBe(false);
		expect((await run(['test256', '--dir', dir, '--force'])).code).toBe(0);
	});

	it('follows redirects', async () => {
		expect((await run(['test', '--dir', dir], `${baseUrl}/moved`)).code).toBe(0);
	});

	it('resumes a partial download with a Range request', async () => {
		const target = join(dir, 'ggml-test.bin');
		writeFileSync(`${target}.partial`, BODY.subarray(0, 75_000));
		const result = await run(['test', '--dir', dir]);
		expect(result.code).toBe(0);
		expect(seen[0]?.range).toBe('bytes=75000-');
		expect(result.err).toContain('resuming');
		expect(readFileSync(target).equals(BODY)).toBe(true);
	});

	it('starts over when the server ignores the Range request', async () => {
		honourRange = false;
		const target = join(dir, 'ggml-test.bin');
		writeFileSync(`${target}.partial`, Buffer.alloc(75_000, 9));
		const result = await run(['test', '--dir', dir]);
		expect(result.code).toBe(0);
		expect(result.err).toContain('starting over');
		expect(readFileSync(target).equals(BODY)).toBe(true);
	});

	it('deletes a file with the wrong checksum and exits 1', async () => {
		const result = await run(['bad', '--dir', dir]);
		expect(result.code).toBe(1);
		expect(result.err).toContain('checksum mismatch');
		expect(existsSync(join(dir, 'ggml-bad.bin'))).toBe(false);
		expect(existsSync(join(dir, 'ggml-bad.bin.partial'))).toBe(false);
	});

	it('keeps a cut-off download as .partial for the next run and exits 1', async () => {
		const result = await run(['cut', '--dir', dir]);
		expect(result.code).toBe(1);
		expect(existsSync(join(dir, 'ggml-cut.bin'))).toBe(false);
		expect(existsSync(join(dir, 'ggml-cut.bin.partial'))).toBe(true);
	});

	it('checks an existing file instead of downloading it again', async () => {
		writeFileSync(join(dir, 'ggml-test.bin'), BODY);
		const result = await run(['test', '--dir', dir]);
		expect(result.code).toBe(0);
		expect(seen).toHaveLength(0);
		writeFileSync(join(dir, 'ggml-test.bin'), Buffer.alloc(10));
		expect((await run(['test', '--dir', dir])).code).toBe(1);
	});

	it('says the host cannot be reached when there is no network (exit code 1)', async () => {
		const closed = createServer();
		await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
		const port = (closed.address() as AddressInfo).port;
		await new Promise((resolve) => closed.close(resolve));
		const result = await run(['test', '--dir', dir], `http://127.0.0.1:${port}`);
		expect(result.code).toBe(1);
		expect(result.err).toMatch(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/);
	});

	it('reports an HTTP error (exit code 1)', async () => {
		const result = await run(['missing', '--dir', dir]);
		expect(result.code).toBe(1);
		expect(result.err).toContain('HTTP 404');
	});
});
