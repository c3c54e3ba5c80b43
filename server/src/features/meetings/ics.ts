/** RFC 5545 calendar export of meetings (one file per meeting or per unit feed). */
export type IcsEvent = {
	uid: string;
	title: string;
	description: string;
	location: string;
	startsAt: Date;
	endsAt: Date;
	cancelled: boolean;
	url: string;
	updatedAt: Date;
};

function stamp(date: Date): string {
	return `${date.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '')}`;
}

// Every line break a calendar program might honour: CRLF, a lone CR or LF, NEL and the Unicode
// line and paragraph separators.
const LINE_BREAK = /\r\n|[\r\n\u0085\u2028\u2029]/g;
// Controls RFC 5545 (3.3.11, TSAFE-CHAR) does not allow in TEXT, C1 included; tab is allowed. Lone
// surrogates go too: they cannot be encoded as UTF-8.
// eslint-disable-next-line no-control-regex -- control characters are what is removed
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma escaped, line breaks as \n. */
export function escapeText(text: string): string {
	return text
		.replace(LINE_BREAK, '\n')
		.replace(UNSAFE, '')
		.replace(/\\/g, '\\\\')
		.replace(/;/g, '\\;')
		.replace(/,/g, '\\,')
		.replace(/\n/g, '\\n');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1). */
export function fold(line: string): string {
	const out: string[] = [];
	let current = '';
	let bytes = 0;
	for (const char of line) {
		const size = Buffer.byteLength(char);
		const limit = out.length === 0 ? 75 : 74;
		if (bytes + size > limit) {
			out.push(current);
			current = '';
			bytes = 0;
		}
		current += char;
		bytes += size;
	}
	out.push(current);
	return out.join('\r\n ');
}

export function toIcs(calendarName: string, events: IcsEvent[]): string {
	const lines = [
		'BEGIN:VCALENDAR',
		'VERSION:2.0',
		'PRODID:-//GiaoBan//Hoi nghi truc tuyen//VI',
		'CALSCALE:GREGORIAN',
		'METHOD:PUBLISH',
		`X-WR-CALNAME:${escapeText(calendarName)}`,
	];
	for (const event of events) {
		lines.push(
			'BEGIN:VEVENT',
			`UID:${event.uid}`,
			`DTSTAMP:${stamp(event.updatedAt)}`,
			`DTSTART:${stamp(event.startsAt)}`,
			`DTEND:${stamp(event.endsAt)}`,
			`SUMMARY:${escapeText(event.title)}`,
			`DESCRIPTION:${escapeText(event.description)}`,
			`LOCATION:${escapeText(event.location)}`,
			`URL:${event.url}`,
			`STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
			'END:VEVENT'
		);
	}
	lines.push('END:VCALENDAR');
	return `${lines.map(fold).join('\r\n')}\r\n`;
}
