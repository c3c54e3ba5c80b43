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

function escapeText(text: string): string {
	return text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\r?\n/g, '\\n');
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (RFC 5545 3.1). */
function fold(line: string): string {
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
