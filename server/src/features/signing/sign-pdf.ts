import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf, SignPdfError } from '@signpdf/signpdf';
import { InvalidPayloadError } from '../../lib/errors.ts';
import { isIncrementalUpdateOf } from './incremental-update.ts';
import { hexTextString } from './pdf-text.ts';
import { Pkcs12CmsSigner } from './cms-signer.ts';
import { loadPkcs12, type OpenedPkcs12 } from './pkcs12.ts';
import { verifyPdfSignatures } from './verify-pdf.ts';

export type SignerKey = { p12: Buffer; passphrase: string };
export type SignatureDetails = { reason: string; name: string; location: string; contactInfo?: string };

/** Bytes reserved for the CMS (twice as many hex digits): room for a key and a few CA certificates. */
const SIGNATURE_LENGTH = 8192;

/**
 * @signpdf writes text strings as UTF-16BE "binary" strings and then appends them to the file as
 * UTF-8 (plainAddPlaceholder's Buffer.from), which garbles every non-ASCII byte ("Ký" became
 * C3 BE C3 BF …). Such a text goes in as an ASCII placeholder of exactly the length of its hex
 * form and is swapped for it afterwards: same length, so no offset in the new xref moves.
 */
function textFields(details: SignatureDetails): { fields: Record<keyof SignatureDetails, string>; swaps: { placeholder: Buffer; value: Buffer }[] } {
	const swaps: { placeholder: Buffer; value: Buffer }[] = [];
	const fieldOf = (text: string, slot: number): string => {
		const value = text.normalize('NFC');
		// eslint-disable-next-line no-control-regex
		if (/^[\x00-\x7f]*$/.test(value)) {
			return value; // escaped correctly by @signpdf
		}
		const hex = hexTextString(value);
		// "(" + placeholder + ")" is as long as "<" + hex digits + ">".
		const placeholder = `GBSIG${slot}`.padEnd(hex.length - 2, 'x');
		swaps.push({ placeholder: Buffer.from(`(${placeholder})`, 'latin1'), value: Buffer.from(hex, 'latin1') });
		return placeholder;
	};
	return {
		fields: {
			reason: fieldOf(details.reason, 0),
			name: fieldOf(details.name, 1),
			location: fieldOf(details.location, 2),
			contactInfo: fieldOf(details.contactInfo ?? '', 3),
		},
		swaps,
	};
}

async function signOnce(pdf: Buffer, key: OpenedPkcs12, details: SignatureDetails, signingTime: Date, signatureLength: number): Promise<Buffer> {
	const { fields, swaps } = textFields(details);
	const prepared = plainAddPlaceholder({ pdfBuffer: pdf, ...fields, signingTime, signatureLength, appName: 'GiaoBan' });
	for (const swap of swaps) {
		// Only in the appended update: the earlier bytes are never touched.
		const at = prepared.indexOf(swap.placeholder, pdf.length - 8);
		if (at === -1) {
			throw new Error('signPdf: a text placeholder is missing from the signature dictionary');
		}
		swap.value.copy(prepared, at);
	}
	return new SignPdf().sign(prepared, new Pkcs12CmsSigner(key), signingTime);
}

/**
 * Signs a PDF with a PKCS#12 key (@signpdf: placeholder-plain, then SignPdf with our CMS signer,
 * see cms-signer.ts for why not signer-p12): an incremental update (the earlier bytes stay as they are, so an
 * earlier signature stays valid) holding a detached CMS (SHA-256) over everything but itself.
 * Checks its own work before returning: the input is a prefix of the output, every signature that
 * was valid still is, and the new one is valid over the whole file.
 */
export async function signPdf(pdf: Buffer, key: SignerKey, details: SignatureDetails, options: { signingTime?: Date } = {}): Promise<Buffer> {
	if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') {
		throw new InvalidPayloadError('Not a PDF file');
	}
	// Clear words for a wrong passphrase or an unusable key, before any PDF work.
	const opened = loadPkcs12(key.p12, key.passphrase);
	const signingTime = options.signingTime ?? new Date();
	const before = verifyPdfSignatures(pdf);
	let signed: Buffer;
	try {
		try {
			signed = await signOnce(pdf, opened, details, signingTime, SIGNATURE_LENGTH);
		} catch (error) {
			// A long certificate chain: once more with the room the CMS needs.
			const needed = /Signature exceeds placeholder length: (\d+)/.exec((error as Error).message);
			if (!needed) {
				throw error;
			}
			signed = await signOnce(pdf, opened, details, signingTime, Math.ceil(Number(needed[1]) / 2) + 1024);
		}
	} catch (error) {
		if (error instanceof SignPdfError) {
			// Mostly a PDF whose cross-reference is a stream (PDF 1.5+ writers other than Chromium), which placeholder-plain cannot extend.
			throw new InvalidPayloadError(`The PDF cannot be signed here: ${error.message}`, { cause: error });
		}
		throw error;
	}
	const after = verifyPdfSignatures(signed);
	const added = after.at(-1);
	if (!isIncrementalUpdateOf(signed, pdf) || after.length !== before.length + 1 || !added?.valid || !added.coversWholeDocument) {
		throw new Error(`signPdf: the signed PDF failed its own check (${added?.error ?? 'not an incremental update'})`);
	}
	for (const earlier of before) {
		if (earlier.valid && !after[earlier.index - 1]?.valid) {
			throw new Error(`signPdf: signing broke signature #${earlier.index}`);
		}
	}
	return signed;
}
