import type { Database } from '../../db/open-database.ts';
import type { Prisma, StoredFile } from '../../generated/prisma/client.ts';
import { NotFoundError } from '../../lib/errors.ts';
import type { FileStore } from './file-store.ts';

/** What a stored file is, as its creator says; the name on disk, size and SHA-256 come from the store. */
export type NewStoredFile = {
	/** approved-pdf | signed-pdf | docx | transcript | attachment */
	kind: string;
	/** The name offered on download. */
	fileName: string;
	mimeType: string;
	minutesId?: string;
	documentId?: string;
	createdById?: string;
};

/** Either the client or a transaction: files made while issuing are recorded in the issuing transaction. */
export type DbClient = Database | Prisma.TransactionClient;

const EXTENSION_BY_TYPE: Record<string, string> = {
	'application/pdf': 'pdf',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
	'text/plain': 'txt',
	'text/html': 'html',
	'application/json': 'json',
};

/** The extension on disk: from the media type, else from the offered name, else "bin". */
export function extensionFor(fileName: string, mimeType: string): string {
	const known = EXTENSION_BY_TYPE[mimeType.split(';')[0]!.trim().toLowerCase()];
	if (known) {
		return known;
	}
	const fromName = /\.([A-Za-z0-9]{1,8})$/.exec(fileName)?.[1]?.toLowerCase();
	return fromName ?? 'bin';
}

export type StoredFiles = ReturnType<typeof createStoredFiles>;

/** StoredFile rows and their bytes in the FileStore: the bytes go to disk first, the row records them. */
export function createStoredFiles(db: Database, store: FileStore) {
	return {
		store,
		/**
		 * Writes the bytes, then the row. A row that cannot be written removes the bytes again; a crash
		 * between the two leaves an unreferenced file, never a row without its file.
		 */
		async saveFile(data: Buffer, meta: NewStoredFile, client: DbClient = db): Promise<StoredFile> {
			const written = await store.write(data, extensionFor(meta.fileName, meta.mimeType));
			try {
				return await client.storedFile.create({
					data: {
						storedName: written.storedName,
						kind: meta.kind,
						fileName: meta.fileName,
						mimeType: meta.mimeType,
						sizeBytes: written.sizeBytes,
						sha256: written.sha256,
						minutesId: meta.minutesId ?? null,
						documentId: meta.documentId ?? null,
						createdById: meta.createdById ?? null,
					},
				});
			} catch (error) {
				await store.remove(written.storedName);
				throw error;
			}
		},

		async findFile(id: string): Promise<StoredFile | null> {
			return db.storedFile.findUnique({ where: { id } });
		},

		/** The row and its bytes, checked against the SHA-256 (FileCorruptedError when they differ). */
		async readFile(id: string): Promise<{ row: StoredFile; data: Buffer }> {
			const row = await db.storedFile.findUnique({ where: { id } });
			if (!row) {
				throw new NotFoundError('No such file');
			}
			return { row, data: await store.read(row) };
		},

		/**
		 * Removes a file nothing was issued with (a signed PDF the workflow refused). A document's
		 * files are part of the record and are never removed.
		 */
		async removeFile(id: string): Promise<void> {
			const row = await db.storedFile.findUnique({ where: { id }, select: { storedName: true, documentId: true } });
			if (!row) {
				return;
			}
			if (row.documentId !== null) {
				throw new Error(`File ${id} belongs to an issued document and stays`);
			}
			await db.storedFile.delete({ where: { id } });
			await store.remove(row.storedName);
		},
	};
}
