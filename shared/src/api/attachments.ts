import { Type, type Static } from 'typebox';
import { DateTime, Uuid } from './common.ts';

/** A meeting document as listed in a meeting and returned by its upload. */
export const Attachment = Type.Object({
	id: Type.String(),
	originalName: Type.String(),
	mimeType: Type.String(),
	sizeBytes: Type.Integer(),
	createdAt: DateTime,
});
export type Attachment = Static<typeof Attachment>;

/** Path parameters of /api/meetings/:id/attachments/:attachmentId. */
export const AttachmentParams = Type.Object({ id: Uuid, attachmentId: Uuid });
