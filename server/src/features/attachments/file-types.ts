/**
 * Attachment types a district shares before a meeting, recognised by their first bytes: the
 * declared MIME type and the file name are the uploader's claims and are not trusted.
 */
export type FileType = { mimeType: string; extensions: string[] };

const ZIP = [0x50, 0x4b, 0x03, 0x04];
const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

const TYPES: { magic: number[] | null; type: FileType }[] = [
	{ magic: [0x25, 0x50, 0x44, 0x46, 0x2d], type: { mimeType: 'application/pdf', extensions: ['pdf'] } },
	{ magic: ZIP, type: { mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extensions: ['docx'] } },
	{ magic: ZIP, type: { mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', extensions: ['xlsx'] } },
	{ magic: ZIP, type: { mimeType: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', extensions: ['pptx'] } },
	{ magic: ZIP, type: { mimeType: 'application/vnd.oasis.opendocument.text', extensions: ['odt'] } },
	{ magic: OLE, type: { mimeType: 'application/msword', extensions: ['doc'] } },
	{ magic: OLE, type: { mimeType: 'application/vnd.ms-excel', extensions: ['xls'] } },
	{ magic: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], type: { mimeType: 'image/png', extensions: ['png'] } },
	{ magic: [0xff, 0xd8, 0xff], type: { mimeType: 'image/jpeg', extensions: ['jpg', 'jpeg'] } },
	{ magic: null, type: { mimeType: 'text/plain; charset=utf-8', extensions: ['txt'] } },
];

export const ACCEPTED_EXTENSIONS = [...new Set(TYPES.flatMap((t) => t.type.extensions))];

function startsWith(head: Buffer, magic: number[]): boolean {
	return magic.every((byte, i) => head[i] === byte);
}

function isText(head: Buffer): boolean {
	if (head.includes(0)) {
		return false;
	}
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, Math.max(0, head.length - 4)));
		return true;
	} catch {
		return false;
	}
}

/** The type whose extension matches the name and whose signature matches the first bytes, or null. */
export function detectFileType(fileName: string, head: Buffer): FileType | null {
	const extension = fileName.toLowerCase().split('.').pop() ?? '';
	for (const { magic, type } of TYPES) {
		if (!type.extensions.includes(extension)) {
			continue;
		}
		if (magic === null ? isText(head) : startsWith(head, magic)) {
			return type;
		}
	}
	return null;
}

/** The name a document without a usable one gets ("attached file"). */
export const DEFAULT_FILE_NAME = 'tep-dinh-kem';

/**
 * Longest stored name, in UTF-8 bytes rather than characters: file systems cap a name at 255 bytes
 * (ext4, and a Vietnamese letter takes 2–3 of them), so 200 leaves a browser room for " (1)" when
 * it saves a second copy, while any sensible document title still fits.
 */
export const MAX_FILE_NAME_BYTES = 200;

// Longest part after the last dot still treated as an extension worth keeping.
const MAX_EXTENSION_BYTES = 16;

/**
 * Dropped from names: controls (C0, DEL, C1), format characters (bidirectional overrides,
 * embeddings, isolates and marks U+202A–U+202E, U+2066–U+2069, U+200E/U+200F, U+061C, zero-width
 * characters, BOM), line and paragraph separators, lone surrogates, and the double quote of the
 * Content-Disposition fallback. An override would show "invoice\u202Egpj.exe" as "invoiceexe.jpg".
 */
const UNSAFE_IN_NAME = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}"]/gu;

function utf8Length(text: string): number {
	return Buffer.byteLength(text);
}

/** The longest prefix of `text` within `maxBytes` that ends on a whole user-perceived character. */
function truncateUtf8(text: string, maxBytes: number): string {
	let out = '';
	for (const { segment } of new Intl.Segmenter('vi', { granularity: 'grapheme' }).segment(text)) {
		if (utf8Length(out) + utf8Length(segment) > maxBytes) {
			break;
		}
		out += segment;
	}
	return out;
}

/**
 * A display name safe to show and to put in Content-Disposition: the last path segment, NFC, no
 * control, format or bidi characters, at most MAX_FILE_NAME_BYTES with its extension kept (the
 * type check and the user both read it), DEFAULT_FILE_NAME when nothing is left.
 */
export function cleanFileName(name: string): string {
	const base = name.split(/[\\/]/).pop() ?? '';
	// Trailing dots and spaces vanish when Windows saves a file; leading spaces are noise.
	const cleaned = base.normalize('NFC').replace(UNSAFE_IN_NAME, '').trim().replace(/[. ]+$/, '');
	if (cleaned.replace(/\./g, '') === '') {
		return DEFAULT_FILE_NAME;
	}
	if (utf8Length(cleaned) <= MAX_FILE_NAME_BYTES) {
		return cleaned;
	}
	const dot = cleaned.lastIndexOf('.');
	const extension = dot > 0 && utf8Length(cleaned.slice(dot)) <= MAX_EXTENSION_BYTES ? cleaned.slice(dot) : '';
	const stem = truncateUtf8(cleaned.slice(0, cleaned.length - extension.length), MAX_FILE_NAME_BYTES - utf8Length(extension)).trimEnd();
	return `${stem || DEFAULT_FILE_NAME}${extension}`;
}
