/** One spoken passage of a meeting's transcript: times on the meeting clock. */
export type TranscriptCue = { startMs: number; endMs: number; unitName: string; text: string };

type Prepared = { startMs: number; endMs: number; unitName: string; lines: string[] };

/**
 * Cues in time order, with times as whole non-negative ms and at least 1 ms long (players drop a
 * cue that ends before it starts), and text as non-empty lines: a blank line would end the cue.
 */
function prepare(cues: readonly TranscriptCue[]): Prepared[] {
	return cues
		.map((cue) => {
			const startMs = Math.max(0, Math.round(cue.startMs));
			return {
				startMs,
				endMs: Math.max(startMs + 1, Math.round(cue.endMs)),
				unitName: cue.unitName.replace(/\s+/g, ' ').trim(),
				lines: cue.text
					.normalize('NFC')
					.split(/\r\n|[\n\r\u2028\u2029]/)
					.map((line) => line.replace(/\s+/g, ' ').trim())
					.filter((line) => line !== ''),
			};
		})
		.filter((cue) => cue.lines.length > 0)
		.sort((a, b) => a.startMs - b.startMs || a.endMs - b.endMs);
}

function clock(ms: number, separator: '.' | ','): string {
	const pad = (value: number, width = 2): string => String(value).padStart(width, '0');
	const hours = Math.floor(ms / 3_600_000);
	return `${pad(hours)}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

/** WebVTT's character references: `>` too, so that no text can hold "-->". */
function escapeVtt(text: string): string {
	return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * SubRip has no escapes: players read `<i>`, `<font …>` and the like as markup, and some parsers
 * take any line with "-->" for a timing line. So a `<` that could open a tag becomes "‹" and an
 * arrow loses a dash; everything else, `&` included, is shown as it is.
 */
function neutralizeSrt(text: string): string {
	return text.replace(/<(?=[\p{L}/!?{])/gu, '‹').replace(/-->/g, '->');
}

/**
 * A WebVTT file (UTF-8, no BOM): each cue numbered, the speaking unit as its voice (`<v Unit>`,
 * which players show or style, and which search and screen readers keep apart from the words).
 */
export function toWebVtt(cues: readonly TranscriptCue[]): string {
	const blocks = prepare(cues).map((cue, index) => {
		const voice = cue.unitName === '' ? '' : `<v ${escapeVtt(cue.unitName)}>`;
		const text = cue.lines.map((line, at) => (at === 0 ? voice : '') + escapeVtt(line)).join('\n');
		return `${index + 1}\n${clock(cue.startMs, '.')} --> ${clock(cue.endMs, '.')}\n${text}\n`;
	});
	return ['WEBVTT\n', ...blocks].join('\n');
}

/** A SubRip file (UTF-8, no BOM): the speaking unit before the words, "Unit: text". */
export function toSrt(cues: readonly TranscriptCue[]): string {
	return prepare(cues)
		.map((cue, index) => {
			const text = cue.lines.map((line, at) => (at === 0 && cue.unitName !== '' ? `${cue.unitName}: ${line}` : line)).map(neutralizeSrt).join('\n');
			return `${index + 1}\n${clock(cue.startMs, ',')} --> ${clock(cue.endMs, ',')}\n${text}\n`;
		})
		.join('\n');
}
