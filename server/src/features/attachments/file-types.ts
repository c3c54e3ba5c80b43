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

/** A display name safe to show and to put in Content-Disposition: no paths, no control characters. */
export function cleanFileName(name: string): string {
	const base = name.split(/[\\/]/).pop() ?? '';
	const cleaned = [...base.normalize('NFC')].filter((c) => c.charCodeAt(0) >= 0x20 && c !== '\u007f' && c !== '"').join('').trim();
	return (cleaned || 'tep-dinh-kem').slice(0, 200);
}
