import { WORD_AFTER, WORD_BEFORE, type FoldedText } from './vietnamese-text.ts';

/**
 * Deadlines as chairs say them and recognition writes them: "trước ngày 15/12/2026", "trước ngày
 * 15 tháng 12 năm 2026", "chậm nhất là ngày 20 tháng 12", "hạn chót 5/1", "trong tháng 12",
 * with or without diacritics, digits or spoken numbers ("mười lăm tháng mười hai").
 */

/** Spoken numbers 1–31 as folded words ("muoi lam" = 15), the forms people use. */
function spokenNumbers(): Map<string, number> {
	const ones: [string, number][] = [
		['mot', 1],
		['hai', 2],
		['ba', 3],
		['bon', 4],
		['tu', 4],
		['nam', 5],
		['lam', 5],
		['sau', 6],
		['bay', 7],
		['tam', 8],
		['chin', 9],
	];
	const words = new Map<string, number>();
	for (const [word, n] of ones) {
		// A bare "năm" is the word for year far more often than the number five.
		if (word !== 'nam' && word !== 'lam' && word !== 'tu') {
			words.set(word, n);
		}
	}
	words.set('muoi', 10);
	for (const [word, n] of ones) {
		if (word !== 'nam' && word !== 'tu') {
			words.set(`muoi ${word}`, 10 + n);
		}
	}
	for (const [tens, t] of [
		['hai', 2],
		['ba', 3],
	] as const) {
		words.set(`${tens} muoi`, t * 10);
		for (const [word, n] of ones) {
			if (t * 10 + n <= 31 && word !== 'nam') {
				words.set(`${tens} muoi ${word === 'mot' ? 'mot' : word}`, t * 10 + n);
			}
		}
	}
	return words;
}

const SPOKEN = spokenNumbers();
const SPOKEN_ALTERNATION = [...SPOKEN.keys()].sort((a, b) => b.length - a.length).join('|');
const NUMBER = `(\\d{1,2}|${SPOKEN_ALTERNATION})`;

const LEAD = '(?:truoc|cham nhat(?: la)?|muon nhat(?: la)?|han chot(?: la)?|han cuoi(?: la)?|thoi han(?: la)?|han(?: la)?|xong truoc)';
const DAY_MONTH = new RegExp(
	`${WORD_BEFORE}${LEAD}(?:\\s+(?:ngay|mung|hom))?\\s+${NUMBER}(?:\\s*[/.\\-]\\s*(\\d{1,2})|\\s+thang\\s+${NUMBER})(?:(?:\\s*[/.\\-]\\s*|,?\\s+nam\\s+)(\\d{4}))?${WORD_AFTER}`,
	'u'
);
const WHOLE_MONTH = new RegExp(`${WORD_BEFORE}(?:trong|het|cuoi|cham nhat(?: la)? (?:het|cuoi))\\s+thang\\s+${NUMBER}(?:,?\\s+nam\\s+(\\d{4}))?${WORD_AFTER}`, 'u');

function numberOf(text: string | undefined): number | null {
	if (text === undefined) {
		return null;
	}
	return /^\d+$/.test(text) ? Number(text) : (SPOKEN.get(text) ?? null);
}

function iso(year: number, month: number, day: number): string | null {
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
		return null;
	}
	return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The year of a date said without one: the meeting's year, or the next when that date has already
 * passed (a December meeting giving "trước ngày 10/1" means January of the next year).
 */
function inferYear(month: number, day: number, meetingDate: string): number {
	const [year, meetingMonth, meetingDay] = meetingDate.split('-').map(Number) as [number, number, number];
	return month < meetingMonth || (month === meetingMonth && day < meetingDay) ? year + 1 : year;
}

export type FoundDeadline = {
	/** YYYY-MM-DD. */
	date: string;
	/** The folded range of the phrase, to cut it out of the task text. */
	from: number;
	to: number;
};

/** The first deadline said in a sentence, or null; `meetingDate` (YYYY-MM-DD) supplies a missing year. */
export function findDeadline(text: FoldedText, meetingDate: string): FoundDeadline | null {
	const dayMonth = DAY_MONTH.exec(text.folded);
	if (dayMonth) {
		const day = numberOf(dayMonth[1]);
		const month = numberOf(dayMonth[2] ?? dayMonth[3]);
		if (day !== null && month !== null) {
			const year = dayMonth[4] ? Number(dayMonth[4]) : inferYear(month, day, meetingDate);
			const date = iso(year, month, day);
			if (date) {
				return { date, from: dayMonth.index, to: dayMonth.index + dayMonth[0].length };
			}
		}
	}
	const whole = WHOLE_MONTH.exec(text.folded);
	if (whole) {
		const month = numberOf(whole[1]);
		if (month !== null && month >= 1 && month <= 12) {
			const year = whole[2] ? Number(whole[2]) : inferYear(month, 31, meetingDate);
			// The last day of that month: day 0 of the next.
			const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
			const date = iso(year, month, last);
			if (date) {
				return { date, from: whole.index, to: whole.index + whole[0].length };
			}
		}
	}
	return null;
}
