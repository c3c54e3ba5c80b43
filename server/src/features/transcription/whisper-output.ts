/**
 * Reads the JSON that `whisper-cli -ojf` (whisper.cpp 1.9.1, examples/cli/cli.cpp output_json)
 * writes. Three things make a plain JSON.parse of its text unsafe:
 * - strings are written raw with only `"` and `\` escaped, so a control byte a token carries (the
 *   byte-level vocabulary has all 32) makes the file invalid JSON;
 * - a segment's text is the raw bytes of its tokens, and a Vietnamese letter (2-3 UTF-8 bytes) can
 *   be split across tokens; 1.9.1 glues split letters back together inside a segment's token list,
 *   but a segment can still end in the middle of a letter that the next one completes;
 * - numbers come from a C++ stream, which writes `nan` or `inf` for a degenerate probability.
 * So the file is read as bytes (latin1: one char per byte), control bytes inside strings are escaped
 * and non-finite numbers nulled, and texts are decoded from UTF-8 only after the bytes a segment
 * left incomplete were joined to the next segment's.
 */

export type TranscriptSegment = {
	/** Start and end on the caller's clock: whisper's offsets plus `offsetMs`. */
	startMs: number;
	endMs: number;
	text: string;
	/** Mean probability whisper gave the segment's text tokens, from 0 to 1. */
	confidence: number;
};

type RawToken = { id: number; p: number | null };
type RawSegment = { from: number; to: number; bytes: Buffer; tokens: RawToken[] };

/** Escapes control bytes inside strings and replaces bare nan/inf outside them with null. */
function sanitize(raw: string): string {
	let out = '';
	let inString = false;
	for (let i = 0; i < raw.length; i++) {
		const ch = raw[i]!;
		if (inString) {
			if (ch === '\\') {
				out += ch + (raw[i + 1] ?? '');
				i += 1;
			} else if (ch === '"') {
				inString = false;
				out += ch;
			} else if (ch.charCodeAt(0) < 0x20) {
				out += `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
			} else {
				out += ch;
			}
		} else if (ch === '"') {
			inString = true;
			out += ch;
		} else {
			const word = 'nNiI-'.includes(ch) ? /^-?(?:nan|inf)(?:inity)?/i.exec(raw.slice(i, i + 9))?.[0] : undefined;
			if (word) {
				out += 'null';
				i += word.length - 1;
			} else {
				out += ch;
			}
		}
	}
	return out;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readSegments(document: unknown): { segments: RawSegment[]; multilingual: boolean } {
	if (!isRecord(document) || !Array.isArray(document['transcription'])) {
		throw new Error('no "transcription" list');
	}
	const model = document['model'];
	// whisper.cpp's rule: a 51865+ token vocabulary is multilingual, and its end-of-text token is one further.
	const multilingual = isRecord(model) && typeof model['multilingual'] === 'boolean' ? model['multilingual'] : true;
	const segments = document['transcription'].map((item: unknown, index): RawSegment => {
		const offsets = isRecord(item) ? item['offsets'] : undefined;
		if (!isRecord(item) || !isRecord(offsets) || typeof offsets['from'] !== 'number' || typeof offsets['to'] !== 'number' || typeof item['text'] !== 'string') {
			throw new Error(`segment ${index} lacks offsets or text`);
		}
		const tokens = Array.isArray(item['tokens'])
			? item['tokens'].filter(isRecord).map((token) => ({
					id: typeof token['id'] === 'number' ? token['id'] : -1,
					p: typeof token['p'] === 'number' ? token['p'] : null,
				}))
			: [];
		return { from: offsets['from'], to: offsets['to'], bytes: Buffer.from(item['text'], 'latin1'), tokens };
	});
	return { segments, multilingual };
}

/** How many bytes at the end of `bytes` start a UTF-8 character that is not complete yet. */
function incompleteTail(bytes: Buffer): number {
	for (let back = 1; back <= Math.min(3, bytes.length); back++) {
		const byte = bytes[bytes.length - back]!;
		if ((byte & 0xc0) === 0x80) {
			continue; // a continuation byte: its lead is further back
		}
		const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
		return needed > back ? back : 0;
	}
	return 0;
}

function confidenceOf(tokens: RawToken[], endOfText: number): number {
	const ps = tokens.filter((t) => t.id >= 0 && t.id < endOfText && t.p !== null).map((t) => Math.min(1, Math.max(0, t.p!)));
	return ps.length === 0 ? 0 : ps.reduce((a, b) => a + b, 0) / ps.length;
}

/**
 * The segments of a `whisper-cli -ojf` result, on the caller's clock (`offsetMs` added). Empty
 * segments are left out, and times are kept inside the audio (`durationMs`): whisper decodes
 * 30-s windows padded with silence, and its last timestamp token can point into the padding (seen:
 * a segment of 6 s of speech ending at 28.98 s), or a segment can start there, which holds no
 * speech at all and is dropped. A segment lasts at least one of whisper's 10-ms steps.
 */
export function parseWhisperJson(file: Buffer, { offsetMs = 0, durationMs = Infinity }: { offsetMs?: number; durationMs?: number } = {}): TranscriptSegment[] {
	let document: unknown;
	try {
		document = JSON.parse(sanitize(file.toString('latin1')));
	} catch (error) {
		throw new Error(`whisper-cli wrote unreadable JSON: ${(error as Error).message}`, { cause: error });
	}
	const { segments, multilingual } = readSegments(document);
	const endOfText = multilingual ? 50257 : 50256;
	const decoder = new TextDecoder('utf-8');
	const result: TranscriptSegment[] = [];
	let carry = Buffer.alloc(0);
	segments.forEach((segment, index) => {
		const bytes = Buffer.concat([carry, segment.bytes]);
		const keep = index === segments.length - 1 ? 0 : incompleteTail(bytes);
		carry = bytes.subarray(bytes.length - keep);
		const text = decoder.decode(bytes.subarray(0, bytes.length - keep)).trim();
		const start = Math.max(0, segment.from);
		if (text === '' || start >= durationMs) {
			return;
		}
		const end = Math.min(durationMs, Math.max(segment.to, start + 10));
		result.push({ startMs: start + offsetMs, endMs: end + offsetMs, text, confidence: confidenceOf(segment.tokens, endOfText) });
	});
	return result;
}
