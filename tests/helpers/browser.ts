import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer, { type Browser } from 'puppeteer-core';

export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

export type TestBrowser = { browser: Browser; close: () => Promise<void> };

/**
 * Debian's Chromium, headless, with fake camera and microphone. The network flags stop it from
 * reaching for Google services, which this offline machine refuses (shared/notes).
 */
export async function launchBrowser(options: { fakeAudioFile?: string } = {}): Promise<TestBrowser> {
	const profile = mkdtempSync(join(tmpdir(), 'giaoban-chromium-'));
	const browser = await puppeteer.launch({
		executablePath: CHROMIUM,
		headless: true,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--use-fake-ui-for-media-stream',
			'--use-fake-device-for-media-stream',
			// getDisplayMedia picks the (virtual) screen without a picker dialog.
			'--auto-select-desktop-capture-source=Entire screen',
			`--user-data-dir=${profile}`,
			// Every fake microphone plays this WAV in a loop instead of a beep.
			...(options.fakeAudioFile ? [`--use-file-for-fake-audio-capture=${options.fakeAudioFile}`] : []),
		],
	});
	let closed = false;
	return {
		browser,
		close: async () => {
			if (closed) {
				return;
			}
			closed = true;
			const pid = browser.process()?.pid;
			await browser.close().catch(() => {
				if (pid) {
					process.kill(pid, 'SIGKILL');
				}
			});
			rmSync(profile, { recursive: true, force: true });
		},
	};
}
