import type { User } from '#shared/api/auth.ts';
import type { DocumentStore, StoredFiles } from '../documents/index.ts';
import type { MinutesContent, MinutesStatus, MinutesVersionKind, MinutesVersionView } from '#shared/api/minutes.ts';

/**
 * What the minutes workflow needs from the features around it, narrowed to the calls it makes:
 * the workflow decides who may do what and in which order; co-editing, rendering, signing and the
 * document store do the work. index.ts wires the real features in.
 */
export type MinutesPorts = {
	/** The meeting turned into a first draft (agenda, attendance, transcript). */
	buildDraft(meetingId: string, secretary: User): Promise<MinutesContent>;
	collab: {
		/** One forward change making the shared document equal to `content`, stored before it returns; freezes a version of `kind`. */
		replaceContent(minutesId: string, content: MinutesContent, userId: string, kind: MinutesVersionKind, comment?: string): Promise<{ seq: number; version: MinutesVersionView }>;
		getContent(minutesId: string): Promise<MinutesContent>;
		freezeVersion(minutesId: string, kind: MinutesVersionKind, userId: string, comment?: string): Promise<MinutesVersionView>;
		listVersions(minutesId: string): Promise<MinutesVersionView[]>;
		getVersion(minutesId: string, versionId: string): Promise<{ version: MinutesVersionView; content: MinutesContent } | null>;
		/** Tells open editors the workflow moved (and stops accepting edits unless draft). */
		statusChanged(minutesId: string, status: MinutesStatus): void;
	};
	render: {
		html(content: MinutesContent, reference: string | null): string;
		pdf(content: MinutesContent, reference: string | null): Promise<Buffer>;
		docx(content: MinutesContent, reference: string | null): Promise<Buffer>;
		plainText(content: MinutesContent, reference: string | null): string;
	};
	signing: {
		/** The unit's own certificate as the operator configured it, or null. */
		key(unitId: string): Promise<{ p12: Buffer; passphrase: string } | null>;
		/** Whether the operator installed one (without opening it: a broken one must not break reading). */
		configured(unitId: string): Promise<boolean>;
		sign(pdf: Buffer, key: { p12: Buffer; passphrase: string }, info: { reason: string; name: string; location: string }): Promise<Buffer>;
		verify(pdf: Buffer): { valid: boolean; coversWholeDocument: boolean; certificateValidAtSigning: boolean; signerName: string; issuer: string; serialNumber: string }[];
		isIncrementalUpdateOf(signed: Buffer, original: Buffer): boolean;
	};
	/** StoredFile rows with their bytes (SHA-256 checked on read). */
	files: Pick<StoredFiles, 'saveFile' | 'readFile' | 'removeFile'>;
	documents: Pick<DocumentStore, 'issueDocument' | 'nextReference'>;
};
