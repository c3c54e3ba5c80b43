import { findDeadline } from './deadline.ts';
import { bodyName } from './unit-labels.ts';
import { capitalise, FoldedText, foldVi, sentences, squash, trimClause, WORD_AFTER, WORD_BEFORE } from './vietnamese-text.ts';

/**
 * Conclusions and tasks proposed from what was said: the chair's "Kết luận: …", "giao UBND xã
 * Đồng Thịnh … trước ngày 15/12", "đề nghị …", "yêu cầu …". Only proposals: each keeps the
 * transcript line it came from, lands in the draft marked as made by the machine, and a person
 * confirms, corrects or deletes it. The rules prefer missing a cue to inventing a task, since a
 * wrong task in signed minutes is worse than one the secretary adds by hand.
 */

export type TranscriptLine = {
	/** TranscriptSegment id. */
	id: string;
	/** The site that spoke. */
	unitId: string;
	/** Since the meeting started. */
	startMs: number;
	/** What counts: the secretary's correction, else the machine's text. */
	text: string;
};

export type UnitRef = { id: string; name: string; authority: string };

export type ProposalContext = {
	/** The meeting's date in Vietnam (YYYY-MM-DD), for deadlines said without a year. */
	meetingDate: string;
	/** Units a task may be given to, found by name in what was said. */
	units: readonly UnitRef[];
	/**
	 * The chair's site. When given, only what was said there assigns tasks: a commune's "đề nghị"
	 * is a request to the district, not an assignment.
	 */
	hostUnitId?: string | null;
};

export type Proposal = {
	segmentId: string;
	startMs: number;
	/** The site that said it. */
	unitId: string;
	text: string;
};

export type TaskProposal = {
	segmentId: string;
	startMs: number;
	/** The unit given the task when it is one of ours, else null (a group, or not recognised). */
	unitId: string | null;
	/** As the tasks table shows it ("UBND xã Đồng Thịnh", "Các xã, thị trấn"), "" when not recognised. */
	unitName: string;
	text: string;
	/** YYYY-MM-DD or "". */
	deadline: string;
	/** The whole sentence, for the person checking the proposal. */
	sentence: string;
};

export type Proposals = { conclusions: Proposal[]; tasks: TaskProposal[] };

const B = WORD_BEFORE;
const A = WORD_AFTER;

/**
 * "kết luận" anywhere, with what follows it ("Kết luận: …", "Đồng chí Chủ tịch kết luận như
 * sau: …"), but not a conclusion being cited ("thực hiện Kết luận số 12 của Huyện ủy").
 */
const CONCLUSION_CUE = new RegExp(`${B}(?<!(?:theo|hien|khai|cac|nhung|ve) )(?:ket luan|tom lai)(?: chung)?(?: cua (?:dong chi )?(?:chu tri|chu toa|chu tich))?(?: nhu sau)?${A}(?! (?:so|cua|thanh tra|kiem tra)${A})\\s*[:,.-]?\\s*`, 'u');
/** "Hội nghị thống nhất …", "nhất trí …" at the start of a clause: the whole sentence is the conclusion. */
const AGREEMENT_CUE = new RegExp(`^(?:(?:hoi nghi|cuoc hop|chung ta|ubnd|thuong truc|tap the|lanh dao)(?: [\\p{L}]+){0,2} )?(?:da |cung )?(?:thong nhat|nhat tri)${A}`, 'u');

/** Task verbs. "giao" needs a second look (see isAssigningGiao). */
const TASK_CUE = new RegExp(`${B}(giao|de nghi|yeu cau|chi dao|tham muu cho)${A}`, 'gu');

/** Words before a cue that make it a noun or a past event: "bàn giao", "được giao", "đáp ứng yêu cầu". */
const BLOCKED_BEFORE = new Set(['ban', 'chuyen', 'duoc', 'da', 'ngoai', 'ton', 'dap ung', 'dung', 'dat', 'theo', 'cac', 'nhung', 'moi', 'co', 'su', 've', 'xem xet', 'nhu', 'la', 'nhan', 'neu', 'giai quyet', 'tiep thu', 'nghe']);
/** Words after "giao" that make it another word: "giao ban", "giao thông", "giáo dục" written without marks. */
const NOT_ASSIGNING_GIAO = /^(?:ban|thong|dich|luu|tiep|nhan|hang|thua|duc|vien|an|trinh|khoa|xu|hoi|su|dat|khoan|uoc|hoa|thoa|chien|lo|dien|thuong|te|ket|duyen|cam|dau|tranh|nop|lien|tuyen)(?![\p{L}\p{N}])/u;

/** A group given a task as a whole: "các xã, thị trấn", "các phòng, ban chuyên môn". */
const GROUP = new RegExp(
	`^(?:(?:ubnd|uy ban nhan dan) )?cac (?:xa(?:,? (?:thi tran|phuong|thi xa))*|phuong(?:,? (?:xa|thi tran))*|thon(?:,? to dan pho)?|phong(?:,? ban)?(?:,? nganh)?(?: chuyen mon)?(?: (?:thuoc |cua )?(?:ubnd )?huyen)?|don vi(?: lien quan)?|co quan(?:,? don vi)?(?: lien quan)?)${A}`,
	'u'
);

/** Words that may stand between a cue and the unit it names: "giao cho", "giao nhiệm vụ cho", "đề nghị đồng chí Chủ tịch". */
const BEFORE_ADDRESSEE = /^(?:(?:nhiem vu )?cho |nhiem vu )?/u;

/** Level words in front of a name in speech ("UBND xã", "thị trấn"), part of the mention. */
const LEVEL = '(?:(?:ubnd|uy ban nhan dan) )?(?:(?:xa|thi tran|thi xa|phuong|huyen|quan|tinh|thanh pho|dac khu) )?';

type UnitMatcher = { unit: UnitRef; pattern: RegExp };

function bareName(name: string): string {
	return foldVi(name)
		.replace(/^(?:thanh pho|thi tran|thi xa|dac khu|phuong|huyen|quan|tinh|xa) /u, '')
		.trim();
}

function escape(text: string): string {
	return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unitMatchers(units: readonly UnitRef[]): UnitMatcher[] {
	return units
		.map((unit) => ({ unit, bare: bareName(unit.name) }))
		.filter((u) => u.bare.length >= 3)
		.sort((a, b) => b.bare.length - a.bare.length)
		.map(({ unit, bare }) => ({ unit, pattern: new RegExp(`${B}${LEVEL}${escape(bare).replace(/ /g, '\\s+')}${A}`, 'u') }));
}

type Addressee = { unitId: string | null; unitName: string; from: number; to: number };

/** The first unit named in `folded` from `at` on, with its extent; longest names win ties. */
function findUnit(text: FoldedText, at: number, matchers: readonly UnitMatcher[]): Addressee | null {
	let best: Addressee | null = null;
	const rest = text.folded.slice(at);
	for (const { unit, pattern } of matchers) {
		const match = pattern.exec(rest);
		if (match && (best === null || at + match.index < best.from)) {
			best = { unitId: unit.id, unitName: bodyName(unit), from: at + match.index, to: at + match.index + match[0].length };
		}
	}
	return best;
}

/** The unit or group a task is given to, when it stands right after the cue. */
function addresseeAfter(text: FoldedText, at: number, matchers: readonly UnitMatcher[]): Addressee | null {
	const lead = /^\s*/u.exec(text.folded.slice(at))?.[0].length ?? 0;
	let start = at + lead;
	start += BEFORE_ADDRESSEE.exec(text.folded.slice(start))?.[0].length ?? 0;
	const group = GROUP.exec(text.folded.slice(start));
	if (group) {
		return { unitId: null, unitName: capitalise(text.slice(start, start + group[0].length)), from: start, to: start + group[0].length };
	}
	const unit = findUnit(text, start, matchers);
	// The unit must open what follows ("giao UBND xã Đồng Thịnh hoàn thành…"); one named further on
	// is usually a partner ("giao Phòng Nông nghiệp phối hợp với xã Đồng Thịnh…").
	return unit?.from === start ? unit : null;
}

/** Words in the clause before `index`: the cue must open its clause, after a short subject at most. */
function clauseBefore(folded: string, index: number): string {
	const head = folded.slice(0, index);
	const cut = Math.max(head.lastIndexOf(','), head.lastIndexOf(';'), head.lastIndexOf(':'));
	return head.slice(cut + 1).trim();
}

function isTaskCue(text: FoldedText, match: RegExpExecArray): boolean {
	const clause = clauseBefore(text.folded, match.index);
	const words = clause === '' ? [] : clause.split(/\s+/u);
	if (words.length > 6) {
		return false;
	}
	const last = words.at(-1) ?? '';
	const lastTwo = words.slice(-2).join(' ');
	if (BLOCKED_BEFORE.has(last) || BLOCKED_BEFORE.has(lastTwo)) {
		return false;
	}
	if (match[1] === 'giao') {
		// Written with marks, "giáo"/"giào" is another word; without marks, the next word tells.
		const original = text.slice(match.index, match.index + 4).toLocaleLowerCase('vi');
		const next = text.folded.slice(match.index + 4).trimStart();
		return original === 'giao' && next !== '' && !NOT_ASSIGNING_GIAO.test(next);
	}
	return text.folded.slice(match.index + match[0].length).trim().split(/\s+/u).length >= 2;
}

/** "…, hoàn thành" left when the deadline is cut from "…, hoàn thành trước ngày 15/12". */
const DANGLING_END = /(?:[\s,;]*(?:va |de )?(?:hoan thanh|xong|thuc hien xong|bao cao ket qua|gui ket qua))+\s*$/u;

function taskText(text: FoldedText, from: number, cut: { from: number; to: number } | null): string {
	const kept = cut && cut.from >= from ? `${text.slice(from, cut.from)} ${text.slice(cut.to, text.folded.length)}` : text.slice(from, text.folded.length);
	let clean = trimClause(squash(kept));
	const folded = new FoldedText(clean);
	const dangling = DANGLING_END.exec(folded.folded);
	if (dangling && dangling.index > 0) {
		clean = trimClause(folded.slice(0, dangling.index));
	}
	return capitalise(clean);
}

function proposeTask(sentence: FoldedText, context: ProposalContext, matchers: readonly UnitMatcher[], line: TranscriptLine): TaskProposal | null {
	const deadline = findDeadline(sentence, context.meetingDate);
	let cueEnd: number | null = null;
	for (const match of sentence.folded.matchAll(TASK_CUE)) {
		if (isTaskCue(sentence, match)) {
			cueEnd = match.index + match[0].length;
			break;
		}
	}
	if (cueEnd === null) {
		// No verb, but a deadline said by the chair's site: "Các xã hoàn thành báo cáo trước ngày 15/12."
		if (!deadline || context.hostUnitId === undefined || context.hostUnitId === null) {
			return null;
		}
		cueEnd = 0;
	}
	const addressee = addresseeAfter(sentence, cueEnd, matchers);
	const textFrom = addressee ? addressee.to : cueEnd;
	const text = taskText(sentence, textFrom, deadline);
	if (text === '') {
		return null;
	}
	// No one named right after the verb: the one unit named anywhere else in the sentence, if only one is.
	const fallback = addressee ? null : soleUnit(sentence, matchers);
	const unit = addressee ?? fallback;
	return {
		segmentId: line.id,
		startMs: line.startMs,
		unitId: unit?.unitId ?? null,
		unitName: unit?.unitName ?? '',
		text,
		deadline: deadline?.date ?? '',
		sentence: sentence.original,
	};
}

function soleUnit(text: FoldedText, matchers: readonly UnitMatcher[]): Addressee | null {
	const found = new Map<string, Addressee>();
	for (const { unit, pattern } of matchers) {
		const match = pattern.exec(text.folded);
		if (match) {
			found.set(unit.id, { unitId: unit.id, unitName: bodyName(unit), from: match.index, to: match.index + match[0].length });
		}
	}
	// A shorter name inside a longer one found at the same place ("Sông Lô" in "Thị trấn Sông Lô") is the same mention.
	const distinct = [...found.values()].filter((a) => ![...found.values()].some((b) => b !== a && b.from <= a.from && b.to >= a.to && b.to - b.from > a.to - a.from));
	return distinct.length === 1 ? (distinct[0] ?? null) : null;
}

/** What follows a conclusion cue, or null when the sentence is no conclusion; "" when the cue announces the next lines. */
function conclusionText(sentence: FoldedText): string | null {
	const cue = CONCLUSION_CUE.exec(sentence.folded);
	if (cue) {
		const rest = trimClause(sentence.slice(cue.index + cue[0].length, sentence.folded.length));
		return rest.split(/\s+/u).filter((w) => w !== '').length >= 3 ? capitalise(rest) : '';
	}
	if (AGREEMENT_CUE.test(sentence.folded)) {
		return capitalise(trimClause(sentence.original));
	}
	return null;
}

/** How long a pause may be inside announced conclusions; a longer one means the chair moved on. */
const ANNOUNCED_GAP_MS = 2 * 60_000;
/** Closing words end announced conclusions: "Xin cảm ơn các đồng chí.", "Tuyên bố bế mạc". */
const CLOSING = new RegExp(`${B}(?:xin cam on|cam on cac|be mac|ket thuc cuoc hop|ket thuc hoi nghi)${A}`, 'u');

/**
 * Conclusions and tasks proposed from transcript lines (in time order). A cue with nothing after
 * it ("Tôi xin kết luận như sau.") makes the following lines of the same site conclusions, until
 * another site speaks, the chair pauses for long or closes the meeting.
 */
export function proposeFromTranscript(lines: readonly TranscriptLine[], context: ProposalContext): Proposals {
	const matchers = unitMatchers(context.units);
	const conclusions: Proposal[] = [];
	const tasks: TaskProposal[] = [];
	let announced: { unitId: string; lastMs: number } | null = null;
	const ordered = [...lines].sort((a, b) => a.startMs - b.startMs);
	for (const line of ordered) {
		if (announced !== null && (announced.unitId !== line.unitId || line.startMs - announced.lastMs > ANNOUNCED_GAP_MS || CLOSING.test(foldVi(line.text)))) {
			announced = null;
		}
		const continuing = announced !== null;
		const fromChair = context.hostUnitId === undefined || context.hostUnitId === null || context.hostUnitId === line.unitId;
		let lineConcluded = false;
		for (const raw of sentences(line.text)) {
			const sentence = new FoldedText(raw);
			const conclusion = fromChair ? conclusionText(sentence) : null;
			if (conclusion === '') {
				announced = { unitId: line.unitId, lastMs: line.startMs };
			} else if (conclusion !== null) {
				conclusions.push({ segmentId: line.id, startMs: line.startMs, unitId: line.unitId, text: conclusion });
				lineConcluded = true;
			}
			if (fromChair) {
				const task = proposeTask(sentence, context, matchers, line);
				if (task) {
					tasks.push(task);
				}
			}
		}
		if (continuing && announced !== null && !lineConcluded && squash(line.text) !== '') {
			conclusions.push({ segmentId: line.id, startMs: line.startMs, unitId: line.unitId, text: capitalise(squash(line.text)) });
			announced.lastMs = line.startMs;
		}
	}
	return { conclusions, tasks };
}
