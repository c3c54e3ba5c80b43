import type { Database } from '../../db/open-database.ts';

export type NewAttachment = {
	meetingId: string;
	originalName: string;
	storedName: string;
	mimeType: string;
	sizeBytes: number;
	sha256: string;
	uploadedById: string;
};

export function createAttachmentsRepository(db: Database) {
	return {
		async create(data: NewAttachment): Promise<{ id: string; createdAt: Date }> {
			return db.attachment.create({ data, select: { id: true, createdAt: true } });
		},
		async find(meetingId: string, id: string) {
			return db.attachment.findFirst({
				where: { id, meetingId },
				select: { id: true, originalName: true, storedName: true, mimeType: true, sizeBytes: true },
			});
		},
		async delete(id: string): Promise<void> {
			await db.attachment.delete({ where: { id }, select: { id: true } });
		},
		async countForMeeting(meetingId: string): Promise<number> {
			return db.attachment.count({ where: { meetingId } });
		},
	};
}
