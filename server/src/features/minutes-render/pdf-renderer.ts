import type { FastifyBaseLogger } from 'fastify';
import puppeteer, { type Browser, type HTTPRequest } from 'puppeteer-core';
import { UnavailableError } from '../../lib/errors.ts';

export type PdfRendererOptions = {
	/** The Chromium program (config CHROMIUM_PATH). */
	executablePath: string;
	logger?: FastifyBaseLogger;
	/** Pages printed at once; more jobs wait. Printing is CPU work the SFU shares. */
	concurrency?: number;
	/** Longest time one print may take. */
	timeoutMs?: number;
};

/**
 * The address the document is served at inside Chromium. It never reaches the network: the
 * request is answered from memory, and every other request is aborted.
 */
const DOCUMENT_URL = 'http://minutes.invalid/print.html';

/**
 * HTML → PDF with Debian's Chromium through puppeteer-core. One browser, started on the first job
 * and reused (a launch costs about a second); a fresh page per job, with JavaScript off and the
 * network cut, so a document can neither run code nor fetch anything while it prints. The page's
 * CSS decides size and margins (`@page`), which is how page numbers skip page 1.
 */
export class PdfRenderer {
	readonly #options: Required<Omit<PdfRendererOptions, 'logger'>> & { logger?: FastifyBaseLogger };
	#browser: Promise<Browser> | null = null;
	#closed = false;
	#running = 0;
	readonly #waiting: (() => void)[] = [];

	constructor(options: PdfRendererOptions) {
		this.#options = { concurrency: 2, timeoutMs: 60_000, ...options };
	}

	/** Prints a complete HTML document to PDF bytes. */
	async pdf(html: string): Promise<Buffer> {
		this.#assertOpen();
		await this.#slot();
		try {
			this.#assertOpen();
			return await this.#print(html);
		} finally {
			this.#release();
		}
	}

	/** Stops the browser; later jobs are refused. Safe to call more than once. */
	async close(): Promise<void> {
		if (this.#closed) {
			return;
		}
		this.#closed = true;
		const pending = this.#browser;
		this.#browser = null;
		for (const wake of this.#waiting.splice(0)) {
			wake();
		}
		if (!pending) {
			return;
		}
		const browser = await pending.catch(() => null);
		if (!browser) {
			return;
		}
		const pid = browser.process()?.pid;
		await browser.close().catch((error: unknown) => {
			this.#options.logger?.warn({ err: error }, 'Chromium did not close; killing it');
			if (pid) {
				process.kill(pid, 'SIGKILL');
			}
		});
	}

	#assertOpen(): void {
		if (this.#closed) {
			throw new UnavailableError('The PDF renderer is shut down');
		}
	}

	async #slot(): Promise<void> {
		while (this.#running >= this.#options.concurrency && !this.#closed) {
			await new Promise<void>((resolve) => this.#waiting.push(resolve));
		}
		this.#running += 1;
	}

	#release(): void {
		this.#running -= 1;
		this.#waiting.shift()?.();
	}

	#launch(): Promise<Browser> {
		if (this.#browser) {
			return this.#browser;
		}
		const launching = puppeteer
			.launch({
				executablePath: this.#options.executablePath,
				headless: true,
				// puppeteer makes a temporary profile and removes it on close.
				args: [
					// Chromium refuses to start as root with its sandbox; JavaScript is off and the
					// network cut, so the sandbox guards little here.
					...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
					'--disable-gpu',
					'--no-first-run',
					'--disable-background-networking',
					'--disable-component-update',
					'--disable-sync',
					'--disable-extensions',
					'--disable-dev-shm-usage',
					// Aborted requests are not the whole story: Chromium still preconnects (a TCP
					// connection, no request) to the hosts a document names. Every connection goes to a
					// proxy on a port nothing listens on, loopback included, so none reaches a host.
					'--proxy-server=http://127.0.0.1:1',
					'--proxy-bypass-list=<-loopback>',
				],
			})
			.catch((error: unknown) => {
				this.#options.logger?.error({ err: error, executablePath: this.#options.executablePath }, 'Chromium did not start for PDF printing');
				throw new UnavailableError(`Chromium did not start (CHROMIUM_PATH ${this.#options.executablePath}): ${(error as Error).message.split('\n')[0]}`);
			})
			.then((browser) => {
				// A crashed browser is replaced by the next job rather than failing every job after it.
				browser.once('disconnected', () => {
					if (this.#browser === launching) {
						this.#browser = null;
					}
				});
				this.#options.logger?.info({ pid: browser.process()?.pid }, 'Chromium started for PDF printing');
				return browser;
			});
		this.#browser = launching;
		// A failed launch (missing program) is tried again on the next job.
		launching.catch(() => {
			if (this.#browser === launching) {
				this.#browser = null;
			}
		});
		return launching;
	}

	async #print(html: string): Promise<Buffer> {
		const browser = await this.#launch();
		const page = await browser.newPage();
		try {
			page.setDefaultTimeout(this.#options.timeoutMs);
			await page.setJavaScriptEnabled(false);
			await page.setRequestInterception(true);
			page.on('request', (request: HTTPRequest) => {
				if (request.url() === DOCUMENT_URL && request.isNavigationRequest()) {
					void request.respond({ status: 200, contentType: 'text/html; charset=utf-8', body: html });
				} else {
					void request.abort('blockedbyclient');
				}
			});
			await page.goto(DOCUMENT_URL, { waitUntil: 'load' });
			const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true, displayHeaderFooter: false, timeout: this.#options.timeoutMs });
			return Buffer.from(pdf);
		} finally {
			await page.close().catch(() => undefined);
		}
	}
}
