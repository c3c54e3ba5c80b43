import type { User } from '#shared/api/auth.ts';
import type { MinutesContent, MinutesIssueInput, MinutesProblem, MinutesStatus, MinutesVersionContent, MinutesVersionView, MinutesView } from '#shared/api/minutes.ts';
import { formatReference } from '#shared/api/documents.ts';
import { validateMinutes } from '#shared/minutes/minutes-validate.ts';
import { InvalidPayloadError, InvalidStateError, ForbiddenError, NotFoundError } from '../../lib/errors.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { NewDocumentFile } from '../documents/index.ts';
import {
	canApproveMinutes,
	canEditMinutes,
	canIssueMinutes,
	canReadMinutes,
	canSignMinutes,
	canUploadSignedMinutes,
	isMinutesWriter,
	knowsMinutes,
	minutesAbilities,
	type MinutesFacts,
} from './minutes-access.ts';
import type { MinutesPorts } from './minutes-ports.ts';
import type { MinutesRepository, MinutesRow } from './minutes.repository.ts';

const PDF = 'application/pdf';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

function factsOf(row: MinutesRow): MinutesFacts {
	return { hostUnitId: row.meeting.hostUnitId, chairId: row.meeting.chairId, status: row.status, invitedUnitIds: row.meeting.invitations.map((i) => i.unitId) };
}

/** 404 for anyone who does not know the meeting, 403 for an invited unit (it knows the meeting). */
function refuse(user: User, facts: MinutesFacts, what: string): Error {
	return knowsMinutes(user, facts) ? new ForbiddenError(`The minutes are the host unit’s until issued`) : new NotFoundError(`No ${what}`);
}

function referenceOf(document: { number: number; symbol: string }): string {
	return formatReference(document.number, document.symbol);
}

/** "bien-ban-2026-12-03" plus a suffix: ASCII names survive every mail client and USB stick. */
function fileBase(content: MinutesContent): string {
	return `bien-ban-${content.header.date || 'chua-co-ngay'}`;
}

function wrongStatus(action: string, status: MinutesStatus): InvalidStateError {
	return new InvalidStateError(`Cannot ${action} minutes that are ${status}`, { reason: 'minutes_wrong_status' });
}

function fileOut({ row, data }: { row: { fileName: string; mimeType: string }; data: Buffer }) {
	return { data, fileName: row.fileName, mimeType: row.mimeType };
}

/** Another issuance of the unit took the predicted number: the files name the wrong one. */
class NumberTaken extends Error {}

/** Issuances of one unit racing each other; each lost race costs one render and signature. */
const MAX_ISSUE_ATTEMPTS = 5;

export type MinutesContext = { user: User; address: string };

/**
 * The minutes workflow: draft → submitted → approved (or returned to draft with a comment) →
 * signed → issued. Each step is checked against role and unit, moves only from the step it
 * expects (a race leaves one winner), freezes a version and is written to the audit log.
 */
export function createMinutesService(repo: MinutesRepository, ports: MinutesPorts, audit: AuditService) {
	async function load(user: User, id: string): Promise<MinutesRow> {
		const row = await repo.findById(id);
		if (!row) {
			throw new NotFoundError(`No minutes ${id}`);
		}
		if (!canReadMinutes(user, factsOf(row))) {
			throw refuse(user, factsOf(row), `minutes ${id}`);
		}
		return row;
	}

	async function record(action: Parameters<AuditService['record']>[0], ctx: MinutesContext, row: MinutesRow, detail: Record<string, string | number> = {}) {
		await audit.record(action, { actorId: ctx.user.id, unitId: ctx.user.unit.id, address: ctx.address, detail: { minutesId: row.id, meetingId: row.meetingId, ...detail } });
	}

	async function view(user: User, row: MinutesRow): Promise<MinutesView> {
		return {
			id: row.id,
			meetingId: row.meetingId,
			meetingTitle: row.meeting.title,
			hostUnitId: row.meeting.hostUnitId,
			status: row.status,
			seq: row.seq,
			returnComment: row.returnComment,
			document: row.document ? { id: row.document.id, reference: referenceOf(row.document) } : null,
			serverSigning: await ports.signing.configured(row.meeting.hostUnitId),
			files: row.files.map((f) => ({ ...f, createdAt: f.createdAt.toISOString(), url: `/api/minutes/${row.id}/files/${f.id}` })),
			abilities: minutesAbilities(user, factsOf(row)),
			createdAt: row.createdAt.toISOString(),
			updatedAt: row.updatedAt.toISOString(),
		};
	}

	/** Moves the workflow and tells open editors; a lost race is the caller's 409. */
	async function move(row: MinutesRow, action: string, to: MinutesStatus, options: { returnComment?: string; seq?: number } = {}): Promise<void> {
		if (!(await repo.transition(row.id, row.status, to, options))) {
			const now = await repo.findById(row.id);
			throw wrongStatus(action, now?.status ?? row.status);
		}
		ports.collab.statusChanged(row.id, to);
	}

	function latestFile(row: MinutesRow, kind: string) {
		return row.files.filter((f) => f.kind === kind).at(-1) ?? null;
	}

	async function reloaded(user: User, id: string): Promise<MinutesView> {
		return view(user, await load(user, id));
	}

	return {
		/** Co-editing asks this on every join and every batch of edits: a submission stops the next one. */
		async access(user: User, id: string): Promise<{ read: boolean; edit: boolean; status: MinutesStatus }> {
			const row = await repo.accessFacts(id);
			if (!row) {
				throw new NotFoundError(`No minutes ${id}`);
			}
			const facts: MinutesFacts = { hostUnitId: row.meeting.hostUnitId, chairId: row.meeting.chairId, status: row.status, invitedUnitIds: row.meeting.invitations.map((i) => i.unitId) };
			if (!canReadMinutes(user, facts)) {
				throw refuse(user, facts, `minutes ${id}`);
			}
			return { read: true, edit: canEditMinutes(user, facts), status: row.status };
		},

		async get(user: User, id: string): Promise<MinutesView> {
			return reloaded(user, id);
		},

		async getForMeeting(user: User, meetingId: string): Promise<MinutesView> {
			const row = await repo.findByMeeting(meetingId);
			if (!row) {
				throw new NotFoundError(`No minutes for meeting ${meetingId}`);
			}
			if (!canReadMinutes(user, factsOf(row))) {
				throw refuse(user, factsOf(row), `minutes for meeting ${meetingId}`);
			}
			return view(user, row);
		},

		/** The first draft, made from the meeting as it stands (a live meeting's draft grows by editing, not regeneration). */
		async create(ctx: MinutesContext, meetingId: string): Promise<MinutesView> {
			const meeting = await repo.meetingFacts(meetingId);
			if (!meeting) {
				throw new NotFoundError(`No meeting ${meetingId}`);
			}
			const facts: MinutesFacts = { hostUnitId: meeting.hostUnitId, chairId: meeting.chairId, status: 'draft', invitedUnitIds: meeting.invitations.map((i) => i.unitId) };
			if (!canReadMinutes(ctx.user, facts)) {
				throw refuse(ctx.user, facts, `meeting ${meetingId}`);
			}
			if (!isMinutesWriter(ctx.user, facts)) {
				throw new ForbiddenError('Only a secretary or administrator of the host unit writes the minutes');
			}
			if (meeting.startedAt === null) {
				throw new InvalidStateError('The meeting has not started', { reason: 'meeting_not_started' });
			}
			const content = await ports.buildDraft(meetingId, ctx.user);
			const created = await repo.create(meetingId);
			if (!created) {
				throw new InvalidStateError('This meeting already has minutes', { reason: 'minutes_exists' });
			}
			try {
				await ports.collab.replaceContent(created.id, content, ctx.user.id, 'generated');
			} catch (error) {
				// An empty row would block the next attempt with minutes_exists.
				await repo.removeEmpty(created.id);
				throw error;
			}
			const row = await load(ctx.user, created.id);
			await record('minutes.created', ctx, row);
			return view(ctx.user, row);
		},

		async content(user: User, id: string): Promise<MinutesContent> {
			await load(user, id);
			return ports.collab.getContent(id);
		},

		async problems(user: User, id: string): Promise<MinutesProblem[]> {
			await load(user, id);
			return validateMinutes(await ports.collab.getContent(id));
		},

		async submit(ctx: MinutesContext, id: string): Promise<MinutesView> {
			const row = await load(ctx.user, id);
			if (!isMinutesWriter(ctx.user, factsOf(row))) {
				throw new ForbiddenError('Only a secretary of the host unit submits the minutes');
			}
			if (!canEditMinutes(ctx.user, factsOf(row))) {
				throw wrongStatus('submit', row.status);
			}
			// Incomplete minutes go to the chair too (the chair may complete the conclusions in the
			// return comment); approval is where the parts are enforced.
			await move(row, 'submit', 'submitted');
			await ports.collab.freezeVersion(id, 'submitted', ctx.user.id);
			await record('minutes.submitted', ctx, row);
			return reloaded(ctx.user, id);
		},

		async returnForChanges(ctx: MinutesContext, id: string, comment: string): Promise<MinutesView> {
			const row = await load(ctx.user, id);
			if (!canApproveMinutes(ctx.user, { ...factsOf(row), status: 'submitted' })) {
				throw new ForbiddenError('Only the meeting’s chair returns the minutes');
			}
			if (row.status !== 'submitted') {
				throw wrongStatus('return', row.status);
			}
			await move(row, 'return', 'draft', { returnComment: comment });
			await ports.collab.freezeVersion(id, 'returned', ctx.user.id, comment);
			await record('minutes.returned', ctx, row);
			return reloaded(ctx.user, id);
		},

		/** Checks every required part, renders the PDF that will be signed and freezes the approved version. */
		async approve(ctx: MinutesContext, id: string): Promise<MinutesView> {
			const row = await load(ctx.user, id);
			if (!canApproveMinutes(ctx.user, { ...factsOf(row), status: 'submitted' })) {
				throw new ForbiddenError('Only the meeting’s chair approves the minutes');
			}
			if (row.status !== 'submitted') {
				throw wrongStatus('approve', row.status);
			}
			const content = await ports.collab.getContent(id);
			const problems = validateMinutes(content);
			if (problems.length > 0) {
				throw new InvalidStateError(`The minutes miss required parts: ${problems.map((p) => `${p.path} (${p.rule})`).join(', ')}`, {
					reason: 'minutes_incomplete',
					field: problems[0]?.path,
				});
			}
			const pdf = await ports.render.pdf(content, null);
			const file = await ports.files.saveFile(pdf, { kind: 'approved-pdf', fileName: `${fileBase(content)}-da-duyet.pdf`, mimeType: PDF, minutesId: id, createdById: ctx.user.id });
			try {
				// Returned, edited and submitted again while this rendered: the PDF shows older content.
				await move(row, 'approve', 'approved', { seq: row.seq });
			} catch (error) {
				await ports.files.removeFile(file.id);
				throw error;
			}
			await ports.collab.freezeVersion(id, 'approved', ctx.user.id);
			await record('minutes.approved', ctx, row, { fileId: file.id });
			return reloaded(ctx.user, id);
		},

		/** The approver signs the approved PDF with the unit's certificate: an incremental update, the PDF is never re-saved. */
		async sign(ctx: MinutesContext, id: string): Promise<MinutesView> {
			const row = await load(ctx.user, id);
			if (!canSignMinutes(ctx.user, { ...factsOf(row), status: 'approved' })) {
				throw new ForbiddenError('Only the chair who approves signs the minutes');
			}
			if (row.status !== 'approved') {
				throw wrongStatus('sign', row.status);
			}
			const key = await ports.signing.key(row.meeting.hostUnitId);
			if (!key) {
				throw new InvalidStateError('No signing certificate is configured for the host unit', { reason: 'signing_key_missing' });
			}
			const approved = latestFile(row, 'approved-pdf');
			if (!approved) {
				throw new InvalidStateError('The approved PDF is missing', { reason: 'minutes_wrong_status' });
			}
			const content = await ports.collab.getContent(id);
			const { data } = await ports.files.readFile(approved.id);
			const signed = await ports.signing.sign(data, key, { reason: 'Ký duyệt biên bản', name: ctx.user.displayName, location: content.header.place });
			return storeSigned(ctx, row, signed, content, 'minutes.signed');
		},

		/** The approved PDF, to be signed on the secretary's PC with a USB token. */
		async fileToSign(user: User, id: string): Promise<{ data: Buffer; fileName: string; mimeType: string }> {
			const row = await load(user, id);
			if (!canUploadSignedMinutes(user, { ...factsOf(row), status: 'approved' })) {
				throw new ForbiddenError('Only the chair or a secretary of the host unit takes the minutes to sign');
			}
			const approved = latestFile(row, 'approved-pdf');
			if (row.status !== 'approved' || !approved) {
				throw wrongStatus('sign', row.status);
			}
			return fileOut(await ports.files.readFile(approved.id));
		},

		/**
		 * A PDF signed elsewhere comes back: it must be the approved PDF with signatures appended
		 * (an incremental update), every signature valid, the last one covering the whole file.
		 */
		async uploadSigned(ctx: MinutesContext, id: string, upload: Buffer): Promise<MinutesView> {
			const row = await load(ctx.user, id);
			if (!canUploadSignedMinutes(ctx.user, { ...factsOf(row), status: 'approved' })) {
				throw new ForbiddenError('Only the chair or a secretary of the host unit brings back the signed minutes');
			}
			const approved = latestFile(row, 'approved-pdf');
			if (row.status !== 'approved' || !approved) {
				throw wrongStatus('upload signed', row.status);
			}
			const { data } = await ports.files.readFile(approved.id);
			if (!ports.signing.isIncrementalUpdateOf(upload, data)) {
				throw new InvalidPayloadError('The file is not the approved PDF with signatures appended', { reason: 'signed_file_mismatch' });
			}
			const signatures = ports.signing.verify(upload);
			const last = signatures.at(-1);
			// Trust in the token's CA is not judged here (no national roots configured): the signer's
			// name, issuer and serial go to the audit log and are shown with the document.
			if (!last || signatures.some((s) => !s.valid || !s.certificateValidAtSigning) || !last.coversWholeDocument) {
				throw new InvalidPayloadError('The file carries no valid signature over the whole document', { reason: 'signature_invalid' });
			}
			return storeSigned(ctx, row, upload, await ports.collab.getContent(id), 'minutes.signed_uploaded', { signer: last.signerName, issuer: last.issuer, serialNumber: last.serialNumber });
		},

		/**
		 * Numbers the minutes in the issuing unit's register (per year, gapless), adds the office's
		 * signature when the unit has a certificate, renders the DOCX with the number and files it all.
		 */
		async issue(ctx: MinutesContext, id: string, input: MinutesIssueInput): Promise<MinutesView> {
			const row = await load(ctx.user, id);
			if (!canIssueMinutes(ctx.user, { ...factsOf(row), status: 'signed' })) {
				throw new ForbiddenError('Only the office (a secretary or administrator of the host unit) issues the minutes');
			}
			const signedFile = latestFile(row, 'signed-pdf');
			if (row.status !== 'signed' || !signedFile) {
				throw wrongStatus('issue', row.status);
			}
			const content = await ports.collab.getContent(id);
			const signed = (await ports.files.readFile(signedFile.id)).data;
			const key = await ports.signing.key(row.meeting.hostUnitId);
			const chair = content.signers.find((s) => s.role === 'chair');
			const base = fileBase(content);
			// Files that name the number (the office's signature, the DOCX) take a second or more to
			// make; inside the issuing transaction they would hold SQLite's one writer that long. So
			// they are made for the predicted number first, and the transaction keeps them only if
			// it got that number (another issuance of the unit may take it: then again).
			const makeFor = async (reference: string): Promise<NewDocumentFile[]> => {
				const name = `${base}-${reference.replace(/\//g, '-')}`;
				const made: NewDocumentFile[] = [{ data: await ports.render.docx(content, reference), kind: 'docx', fileName: `${name}.docx`, mimeType: DOCX, createdById: ctx.user.id }];
				if (key) {
					// An incremental update: the chair's signature stays valid beside the office's.
					const issued = await ports.signing.sign(signed, key, { reason: `Phát hành văn bản số ${reference}`, name: content.header.issuingBody, location: content.header.place });
					made.unshift({ data: issued, kind: 'signed-pdf', fileName: `${name}.pdf`, mimeType: PDF, createdById: ctx.user.id });
				}
				return made;
			};
			let document: { id: string; reference: string } | null = null;
			for (let attempt = 1; document === null; attempt += 1) {
				const predicted = await ports.documents.nextReference(row.meeting.hostUnitId, 'BB', content.header.symbol);
				const files = await makeFor(predicted);
				try {
					document = await ports.documents.issueDocument(
						{
							unitId: row.meeting.hostUnitId,
							type: 'BB',
							symbol: content.header.symbol,
							summary: content.header.summary,
							documentDate: content.header.date,
							signerName: chair?.name ?? '',
							access: input.access,
							recipientUnitIds: [...new Set(content.recipients.flatMap((r) => (r.unitId ? [r.unitId] : [])))],
							meetingId: row.meetingId,
							minutesId: id,
							bodyText: (reference) => ports.render.plainText(content, reference),
							issuedById: ctx.user.id,
							// With the office's certificate the chair's file gets a second signature naming the
							// number; without one (signed on a token), the chair's file is the document's.
							fileIds: key ? [] : [signedFile.id],
							makeFiles: async ({ reference }) => {
								if (reference !== predicted) {
									throw new NumberTaken();
								}
								return files;
							},
						},
						async (tx) => {
							if (!(await repo.markIssued(tx, id))) {
								throw wrongStatus('issue', 'issued');
							}
						}
					);
				} catch (error) {
					if (!(error instanceof NumberTaken) || attempt >= MAX_ISSUE_ATTEMPTS) {
						// Another issuance of these minutes won (its document holds the minutes' unique key).
						const now = await repo.findById(id);
						if (now && now.status !== 'signed') {
							throw wrongStatus('issue', now.status);
						}
						throw error;
					}
				}
			}
			ports.collab.statusChanged(id, 'issued');
			await ports.collab.freezeVersion(id, 'issued', ctx.user.id, document.reference);
			await record('minutes.issued', ctx, row, { documentId: document.id, reference: document.reference });
			return reloaded(ctx.user, id);
		},

		async preview(user: User, id: string): Promise<string> {
			const row = await load(user, id);
			return ports.render.html(await ports.collab.getContent(id), row.document ? referenceOf(row.document) : null);
		},

		async renderFile(user: User, id: string, format: 'pdf' | 'docx'): Promise<{ data: Buffer; fileName: string; mimeType: string }> {
			const row = await load(user, id);
			const content = await ports.collab.getContent(id);
			const reference = row.document ? referenceOf(row.document) : null;
			return format === 'pdf'
				? { data: await ports.render.pdf(content, reference), fileName: `${fileBase(content)}-ban-xem.pdf`, mimeType: PDF }
				: { data: await ports.render.docx(content, reference), fileName: `${fileBase(content)}-ban-xem.docx`, mimeType: DOCX };
		},

		async file(user: User, id: string, fileId: string): Promise<{ data: Buffer; fileName: string; mimeType: string }> {
			const row = await load(user, id);
			if (!row.files.some((f) => f.id === fileId)) {
				throw new NotFoundError(`No file ${fileId}`);
			}
			return fileOut(await ports.files.readFile(fileId));
		},

		async versions(user: User, id: string): Promise<MinutesVersionView[]> {
			await load(user, id);
			return ports.collab.listVersions(id);
		},

		async version(user: User, id: string, versionId: string): Promise<MinutesVersionContent> {
			await load(user, id);
			const found = await ports.collab.getVersion(id, versionId);
			if (!found) {
				throw new NotFoundError(`No version ${versionId}`);
			}
			return found;
		},

		/** A restore is a new change that makes the draft equal to an old version: history is never rewritten. */
		async restore(ctx: MinutesContext, id: string, versionId: string): Promise<MinutesView> {
			const row = await load(ctx.user, id);
			if (!isMinutesWriter(ctx.user, factsOf(row))) {
				throw new ForbiddenError('Only a secretary of the host unit restores a version');
			}
			if (row.status !== 'draft') {
				throw new InvalidStateError('Only a draft can be restored', { reason: 'minutes_not_editable' });
			}
			const found = await ports.collab.getVersion(id, versionId);
			if (!found) {
				throw new NotFoundError(`No version ${versionId}`);
			}
			await ports.collab.replaceContent(id, found.content, ctx.user.id, 'restored', `${found.version.kind} ${found.version.createdAt}`);
			await record('minutes.restored', ctx, row, { versionId });
			return reloaded(ctx.user, id);
		},
	};

	async function storeSigned(
		ctx: MinutesContext,
		row: MinutesRow,
		signed: Buffer,
		content: MinutesContent,
		action: 'minutes.signed' | 'minutes.signed_uploaded',
		signer: Record<string, string> = {}
	): Promise<MinutesView> {
		const file = await ports.files.saveFile(signed, { kind: 'signed-pdf', fileName: `${fileBase(content)}-da-ky.pdf`, mimeType: PDF, minutesId: row.id, createdById: ctx.user.id });
		try {
			await move(row, 'sign', 'signed');
		} catch (error) {
			await ports.files.removeFile(file.id);
			throw error;
		}
		await ports.collab.freezeVersion(row.id, 'signed', ctx.user.id);
		await record(action, ctx, row, { fileId: file.id, ...signer });
		return reloaded(ctx.user, row.id);
	}
}

export type MinutesService = ReturnType<typeof createMinutesService>;
