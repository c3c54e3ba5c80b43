import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../server/src/config/env.ts';
import { paths, WHISPER_CPP_VERSION } from '../../../server/src/config/paths.ts';

describe('transcription configuration', () => {
	it('defaults to the whisper-cli the setup builds, no model, 2 threads and Vietnamese', () => {
		expect(loadConfig({}).transcription).toEqual({
			whisperCli: join(paths.root, '.cache', 'whisper', WHISPER_CPP_VERSION, 'bin', 'whisper-cli'),
			model: null,
			threads: 2,
			language: 'vi',
		});
		expect(loadConfig({ GIAOBAN_CACHE_DIR: '/var/cache/gb' }).transcription.whisperCli).toBe(`/var/cache/gb/whisper/${WHISPER_CPP_VERSION}/bin/whisper-cli`);
	});

	it('serves the whisper.cpp version the setup pins', () => {
		const setup = readFileSync(join(paths.root, 'scripts', 'setup', 'whisper.mjs'), 'utf8');
		expect(/whisperCpp: '([\d.]+)'/.exec(setup)?.[1]).toBe(WHISPER_CPP_VERSION);
	});

	it('reads overrides as absolute paths and refuses what whisper-cli would silently ignore', () => {
		const config = loadConfig({ WHISPER_CLI: '/opt/whisper/whisper-cli', WHISPER_MODEL: 'models/ggml-small.bin', WHISPER_THREADS: '4', WHISPER_LANGUAGE: 'en' });
		expect(config.transcription).toEqual({ whisperCli: '/opt/whisper/whisper-cli', model: resolve('models/ggml-small.bin'), threads: 4, language: 'en' });
		expect(() => loadConfig({ WHISPER_LANGUAGE: 'Vietnamese', WHISPER_THREADS: '0' })).toThrow(
			/WHISPER_THREADS must be an integer from 1 to 64[\s\S]*WHISPER_LANGUAGE must be a whisper.cpp language code/
		);
	});
});
