import { Type, type Static } from 'typebox';
import { DateTime } from './common.ts';
import { DocumentAccess } from './documents.ts';

/**
 * Minutes (biên bản) as data. One canonical JSON shape serves the editor (through the Y.Doc
 * mapping in shared/src/minutes), the approval check, the HTML/PDF/DOCX renderers and the search
 * text, so what is approved is exactly what is printed.
 */

/** A mark on text, ProseMirror-shaped: bold, italic, underline; unknown marks are kept, not dropped. */
export const RichMark = Type.Object({
	type: Type.String({ minLength: 1 }),
	attrs: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});
export type RichMark = Static<typeof RichMark>;

/**
 * Rich text, ProseMirror JSON: `doc` → blocks (paragraph, bulletList, orderedList, listItem,
 * heading, blockquote, hardBreak, text). Permissive on purpose: a node the renderer does not know
 * is rendered as its text, never deleted. A paragraph made by the draft generator carries
 * `attrs.machine = true` (and `attrs.segmentId` when it comes from a transcript line) until a
 * person edits it.
 */
export const RichNode = Type.Cyclic(
	{
		RichNode: Type.Object({
			type: Type.String({ minLength: 1 }),
			attrs: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
			content: Type.Optional(Type.Array(Type.Ref('RichNode'))),
			text: Type.Optional(Type.String()),
			marks: Type.Optional(Type.Array(RichMark)),
		}),
	},
	'RichNode'
);
export type RichNode = Static<typeof RichNode>;

/** YYYY-MM-DD (a calendar date in Vietnam), or "" while not filled in. */
export const CalendarDate = Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2})?$' });
/** An instant (ISO 8601), or "" while not filled in. */
export const OptionalInstant = Type.String({ pattern: '^(\\d{4}-\\d{2}-\\d{2}T.*)?$' });

export const MinutesPerson = Type.Object({
	name: Type.String(),
	/** Position, e.g. "Chủ tịch UBND xã", "Chuyên viên Văn phòng". */
	title: Type.String(),
});
export type MinutesPerson = Static<typeof MinutesPerson>;

export const MinutesHeader = Type.Object({
	/** Cơ quan chủ quản (upper line, may be ""), e.g. "UBND TỈNH TUYÊN QUANG". */
	parentBody: Type.String(),
	/** Cơ quan ban hành (bold line), e.g. "UBND XÃ SÔNG LÔ". */
	issuingBody: Type.String(),
	/** Ký hiệu after the number, e.g. "BB-UBND"; the number itself is given at issuance. */
	symbol: Type.String(),
	/** Place name of the place-and-date line, e.g. "Sông Lô". */
	place: Type.String(),
	/** Date of the minutes (YYYY-MM-DD). */
	date: CalendarDate,
	/** Trích yếu under "BIÊN BẢN", e.g. "Họp giao ban công tác tháng 11". */
	summary: Type.String(),
});
export type MinutesHeader = Static<typeof MinutesHeader>;

export const MinutesSession = Type.Object({
	startedAt: OptionalInstant,
	endedAt: OptionalInstant,
	/** Where the host sits, e.g. "Hội trường UBND xã". */
	location: Type.String(),
	/** How the other points joined, e.g. "Trực tuyến đến 17 điểm cầu các thôn, tổ dân phố". */
	onlinePoints: Type.String(),
	chair: MinutesPerson,
	secretary: MinutesPerson,
	/** Other participants in words (leaders of departments, guests); free text. */
	otherParticipants: Type.String(),
});
export type MinutesSession = Static<typeof MinutesSession>;

export const AttendanceLine = Type.Object({
	/** Stable key within the minutes (the unit id when the line comes from the meeting). */
	id: Type.String({ minLength: 1 }),
	unitId: Type.Union([Type.String(), Type.Null()]),
	unitName: Type.String(),
	present: Type.Boolean(),
	firstJoinAt: OptionalInstant,
	lastLeaveAt: OptionalInstant,
	minutesAttended: Type.Integer({ minimum: 0 }),
	/** e.g. "mất kết nối 2 lần", "vắng có lý do". */
	note: Type.String(),
});
export type AttendanceLine = Static<typeof AttendanceLine>;

export const MinutesAgendaItem = Type.Object({
	id: Type.String({ minLength: 1 }),
	title: Type.String(),
	presenter: Type.String(),
	content: RichNode,
});
export type MinutesAgendaItem = Static<typeof MinutesAgendaItem>;

export const MinutesTask = Type.Object({
	id: Type.String({ minLength: 1 }),
	/** The unit assigned, when it is one of ours. */
	unitId: Type.Union([Type.String(), Type.Null()]),
	unitName: Type.String(),
	text: Type.String(),
	/** Deadline (YYYY-MM-DD) or "". */
	deadline: CalendarDate,
	/** The agenda item it belongs to, or "". */
	agendaItemId: Type.String(),
	/** The transcript line it was proposed from, or null. */
	sourceSegmentId: Type.Union([Type.String(), Type.Null()]),
	/** Proposed by the draft generator and not yet edited by a person. */
	machine: Type.Boolean(),
});
export type MinutesTask = Static<typeof MinutesTask>;

export const MinutesSigner = Type.Object({
	/** Left block THƯ KÝ, right block CHỦ TỌA (Mẫu 1.9). */
	role: Type.Union([Type.Literal('secretary'), Type.Literal('chair')]),
	/** The caps line over the signature, e.g. "THƯ KÝ", "CHỦ TỌA", "CHỦ TỊCH". */
	title: Type.String(),
	name: Type.String(),
});
export type MinutesSigner = Static<typeof MinutesSigner>;

export const MinutesRecipient = Type.Object({
	id: Type.String({ minLength: 1 }),
	unitId: Type.Union([Type.String(), Type.Null()]),
	name: Type.String(),
});
export type MinutesRecipient = Static<typeof MinutesRecipient>;

export const MINUTES_SCHEMA_VERSION = 1;

export const MinutesContent = Type.Object({
	schemaVersion: Type.Literal(MINUTES_SCHEMA_VERSION),
	header: MinutesHeader,
	session: MinutesSession,
	attendance: Type.Array(AttendanceLine),
	agenda: Type.Array(MinutesAgendaItem),
	conclusions: RichNode,
	tasks: Type.Array(MinutesTask),
	signers: Type.Array(MinutesSigner),
	recipients: Type.Array(MinutesRecipient),
	/** The "Lưu:" line of Nơi nhận, e.g. "VT, Hồ sơ". */
	archive: Type.String(),
});
export type MinutesContent = Static<typeof MinutesContent>;

export const MINUTES_STATUSES = ['draft', 'submitted', 'approved', 'signed', 'issued'] as const;
export type MinutesStatus = (typeof MINUTES_STATUSES)[number];

export const MINUTES_VERSION_KINDS = ['generated', 'checkpoint', 'submitted', 'returned', 'approved', 'signed', 'issued', 'restored'] as const;
export type MinutesVersionKind = (typeof MINUTES_VERSION_KINDS)[number];

/** One problem that blocks approval: where (a path into MinutesContent) and which rule. */
export const MinutesProblem = Type.Object({
	path: Type.String(),
	/** required | invalid_date | end_before_start | invalid_symbol | missing_deadline | missing_unit | empty_section */
	rule: Type.String(),
});
export type MinutesProblem = Static<typeof MinutesProblem>;

export const MinutesVersionView = Type.Object({
	id: Type.String(),
	kind: Type.Enum(MINUTES_VERSION_KINDS),
	/** The last stored update it includes. */
	seq: Type.Integer(),
	sha256: Type.String(),
	comment: Type.String(),
	createdBy: Type.Union([Type.Object({ id: Type.String(), displayName: Type.String() }), Type.Null()]),
	createdAt: DateTime,
});
export type MinutesVersionView = Static<typeof MinutesVersionView>;

export const MinutesParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const MinutesVersionParams = Type.Object({ id: Type.String({ format: 'uuid' }), versionId: Type.String({ format: 'uuid' }) });

/** A file of the minutes before issuance: the approved PDF and its signed revisions. */
export const MinutesFileView = Type.Object({
	id: Type.String(),
	kind: Type.String(),
	fileName: Type.String(),
	sizeBytes: Type.Integer(),
	sha256: Type.String(),
	createdAt: DateTime,
	url: Type.String(),
});
export type MinutesFileView = Static<typeof MinutesFileView>;

/** GET /api/minutes/:id and /api/meetings/:id/minutes. */
export const MinutesView = Type.Object({
	id: Type.String(),
	meetingId: Type.String(),
	meetingTitle: Type.String(),
	hostUnitId: Type.String(),
	status: Type.Enum(MINUTES_STATUSES),
	/** The last stored update. */
	seq: Type.Integer(),
	/** The chair's comment from the last return, "" if none. */
	returnComment: Type.String(),
	/** Set once issued: the document in the store and its reference ("12/BB-UBND"). */
	document: Type.Union([Type.Object({ id: Type.String(), reference: Type.String() }), Type.Null()]),
	/** Whether the host unit has a signing certificate on the server (else: download, sign with a token, upload). */
	serverSigning: Type.Boolean(),
	files: Type.Array(MinutesFileView),
	abilities: Type.Object({
		canEdit: Type.Boolean(),
		canSubmit: Type.Boolean(),
		canApprove: Type.Boolean(),
		canReturn: Type.Boolean(),
		canSign: Type.Boolean(),
		canUploadSigned: Type.Boolean(),
		canIssue: Type.Boolean(),
		canRestore: Type.Boolean(),
	}),
	createdAt: DateTime,
	updatedAt: DateTime,
});
export type MinutesView = Static<typeof MinutesView>;

export const MinutesReturnInput = Type.Object({ comment: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false });
export type MinutesReturnInput = Static<typeof MinutesReturnInput>;

export const MinutesIssueInput = Type.Object(
	{
		/** restricted: the host unit and the units the minutes are addressed to; internal: also every unit below the host. */
		access: DocumentAccess,
	},
	{ additionalProperties: false }
);
export type MinutesIssueInput = Static<typeof MinutesIssueInput>;

export const MinutesProblems = Type.Object({ problems: Type.Array(MinutesProblem) });
export type MinutesProblems = Static<typeof MinutesProblems>;

/**
 * MinutesContent as an HTTP response schema: the serializer cannot take RichNode's cycle twice in
 * one schema ("resolves to more than one schema"), and the content is validated where it is written
 * (co-editing checks it against MinutesContent), so replies pass it through whole.
 */
export const MinutesContentReply = Type.Unsafe<MinutesContent>(Type.Object({}, { additionalProperties: true, description: 'MinutesContent' }));

export const MinutesVersionContent = Type.Object({ version: MinutesVersionView, content: MinutesContentReply });
export type MinutesVersionContent = Static<typeof MinutesVersionContent>;
