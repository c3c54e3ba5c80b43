import type { Producer, WebRtcTransport } from 'mediasoup/node/lib/types.js';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { startApp, type RunningApp } from '../helpers/start-app.ts';

type Stats = Record<string, string>;

async function readStats(page: Page): Promise<Stats> {
	const entries: [string, string][] = await page.$$eval('[data-stat]', (els) =>
		els.map((el): [string, string] => [(el as HTMLElement).dataset['stat'] ?? '', el.textContent ?? ''])
	);
	return Object.fromEntries(entries);
}

describe('start page and connection check in Chromium', () => {
	let running: RunningApp;
	let chromium: TestBrowser;
	const producers: Producer[] = [];
	const transports: WebRtcTransport[] = [];

	beforeAll(async () => {
		running = await startApp({ DEMO_DATA: 'true' });
		// Watch what the browser creates on the real workers.
		for (const slot of running.app.workerPool.slots) {
			slot.worker!.observer.on('newrouter', (router) => {
				router.observer.on('newtransport', (transport) => {
					transports.push(transport as WebRtcTransport);
					transport.observer.on('newproducer', (producer) => producers.push(producer));
				});
			});
		}
		chromium = await launchBrowser();
	});

	afterAll(async () => {
		try {
			await chromium?.close();
		} finally {
			await running?.close();
		}
	});

	it('shows the Vietnamese start screen, switches to English and back', async () => {
		const page = await chromium.browser.newPage();
		await page.goto(running.url, { waitUntil: 'networkidle0' });
		expect(await page.$eval('html', (el) => el.lang)).toBe('vi');
		expect(await page.title()).toBe('GiaoBan — Hội nghị truyền hình trực tuyến');
		await page.waitForSelector('[data-testid=district-authority]');
		expect(await page.$eval('[data-testid=district-authority]', (el) => el.textContent)).toBe('UBND HUYỆN SÔNG LÔ');
		expect(await page.$eval('body', (el) => el.innerText)).toContain('Điểm cầu (18)');
		expect(await page.$eval('[data-testid=check-start]', (el) => el.textContent)).toBe('Bắt đầu kiểm tra');

		await page.click('[data-testid=locale-switch]');
		expect(await page.$eval('html', (el) => el.lang)).toBe('en');
		expect(await page.$eval('[data-testid=check-start]', (el) => el.textContent)).toBe('Start check');
		await page.reload({ waitUntil: 'networkidle0' });
		expect(await page.$eval('[data-testid=check-start]', (el) => el.textContent)).toBe('Start check');
		await page.click('[data-testid=locale-switch]');
		expect(await page.$eval('html', (el) => el.lang)).toBe('vi');
		await page.close();
	});

	it('sends VP8 simulcast and Opus through the WebRtcServer and receives them back', async () => {
		// Only what this test's connection check creates.
		producers.length = 0;
		transports.length = 0;
		const page = await chromium.browser.newPage();
		await page.goto(running.url, { waitUntil: 'networkidle0' });
		await page.waitForSelector('[data-testid=check-start]:not([disabled])');
		await page.click('[data-testid=check-start]');
		await page.waitForSelector('[data-testid=check-state][data-state=running]', { timeout: 30000 });

		await page.waitForFunction(
			() => Number(document.querySelector('[data-stat=video-frames]')?.textContent ?? 0) > 0,
			{ timeout: 20000 }
		);
		// Media keeps arriving: both counters grow past their first reading.
		const first = await readStats(page);
		await page.waitForFunction(
			(frames, packets) =>
				Number(document.querySelector('[data-stat=video-frames]')?.textContent ?? 0) > frames &&
				Number(document.querySelector('[data-stat=audio-packets]')?.textContent ?? 0) > packets,
			{ timeout: 10000 },
			Number(first['video-frames']),
			Number(first['audio-packets'])
		);
		const second = await readStats(page);

		expect(second['connection']).toBe('đã kết nối');
		expect(second['protocol']).toBe('UDP');
		expect(Number(second['video-frames'])).toBeGreaterThan(Number(first['video-frames']));
		expect(Number(second['audio-packets'])).toBeGreaterThan(Number(first['audio-packets']));

		// Server side: the browser's producers are a 3-layer VP8 simulcast and an Opus track ...
		const video = producers.find((p) => p.kind === 'video');
		const audio = producers.find((p) => p.kind === 'audio');
		expect(video?.rtpParameters.codecs[0]?.mimeType).toBe('video/VP8');
		expect(video?.rtpParameters.encodings).toHaveLength(3);
		expect(audio?.rtpParameters.codecs[0]?.mimeType).toBe('audio/opus');
		// ... over transports that completed DTLS on the worker's WebRtcServer port.
		const ports = new Set(running.app.workerPool.slots.map((slot) => slot.port));
		expect(transports).toHaveLength(2);
		for (const transport of transports) {
			expect(transport.dtlsState).toBe('connected');
			expect(ports.has(transport.iceSelectedTuple!.localPort)).toBe(true);
		}

		await page.click('[data-testid=check-stop]');
		await page.waitForSelector('[data-testid=check-state][data-state=idle]');
		const routers = () => running.app.workerPool.status().workers.reduce((n, w) => n + w.routers, 0);
		await expect.poll(routers, { timeout: 5000 }).toBe(0);
		await page.close();
	});
});
