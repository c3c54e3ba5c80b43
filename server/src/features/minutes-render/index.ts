import fp from 'fastify-plugin';
import type { MinutesContent } from '#shared/api/minutes.ts';
import { minutesPlainText } from '#shared/minutes/minutes-text.ts';
import { renderMinutesDocx } from './minutes-docx.ts';
import { renderMinutesHtml, type MinutesRenderOptions } from './minutes-html.ts';
import { PdfRenderer } from './pdf-renderer.ts';

export { renderMinutesDocx } from './minutes-docx.ts';
export { renderMinutesHtml, type MinutesRenderOptions } from './minutes-html.ts';
export { PdfRenderer, type PdfRendererOptions } from './pdf-renderer.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** HTML → PDF through Chromium (one browser per app, started on first use). */
		pdfRenderer: PdfRenderer;
	}
}

/** The minutes as a PDF: the print HTML through Chromium. */
export async function renderMinutesPdf(renderer: PdfRenderer, content: MinutesContent, options: MinutesRenderOptions = {}): Promise<Buffer> {
	return renderer.pdf(renderMinutesHtml(content, options));
}

/** Every output of the minutes from one content and reference, as the minutes workflow calls them. */
export type MinutesRender = {
	html(content: MinutesContent, reference: string | null): string;
	pdf(content: MinutesContent, reference: string | null): Promise<Buffer>;
	docx(content: MinutesContent, reference: string | null): Promise<Buffer>;
	plainText(content: MinutesContent, reference: string | null): string;
};

/**
 * The renderers bound to one PdfRenderer. Minutes not yet issued (no reference) are printed as
 * they are: the workflow decides when a draft watermark belongs (renderMinutesHtml's option).
 */
export function createMinutesRender(renderer: PdfRenderer): MinutesRender {
	return {
		html: (content, reference) => renderMinutesHtml(content, { reference }),
		pdf: (content, reference) => renderMinutesPdf(renderer, content, { reference }),
		docx: (content, reference) => renderMinutesDocx(content, { reference }),
		plainText: (content, reference) => minutesPlainText(content, reference),
	};
}

/**
 * fastify.pdfRenderer for the features that print (the minutes workflow). App-wide
 * (fastify-plugin); Chromium starts on the first print, not with the server, and stops on close.
 */
export default fp(
	async (fastify) => {
		const renderer = new PdfRenderer({ executablePath: fastify.config.chromiumPath, logger: fastify.log });
		fastify.decorate('pdfRenderer', renderer);
		fastify.addHook('onClose', async () => {
			await renderer.close();
		});
	},
	{ name: 'pdf-renderer', dependencies: ['config'] }
);
