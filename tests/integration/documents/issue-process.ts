/**
 * A second process issuing documents on the same database file (argv: database file, count,
 * issuer user id): prints "ready", waits for a line on stdin, issues, and prints the numbers it
 * got as one JSON line. Stands for a second server or an
 * admin command writing while the server does.
 */
import { dirname } from 'node:path';
import { openDatabase } from '../../../server/src/db/open-database.ts';
import { createDocumentsRepository } from '../../../server/src/features/documents/documents.repository.ts';
import { createDocumentsService } from '../../../server/src/features/documents/documents.service.ts';
import { FileStore } from '../../../server/src/features/documents/file-store.ts';
import { createStoredFiles } from '../../../server/src/features/documents/stored-files.repository.ts';

const [file, count, issuedById] = process.argv.slice(2) as [string, string, string];
const db = await openDatabase({ file, synchronous: 'FULL' });
const store = new FileStore(dirname(file));
const service = createDocumentsService({ repo: createDocumentsRepository(db, store), files: createStoredFiles(db, store), verifySignatures: null });
// Ready, then wait for the parent's go: both processes issue at the same time.
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.pause();
try {
	const issued = await Promise.all(
		Array.from({ length: Number(count) }, (_, i) =>
			service.issueDocument({
				unitId: 'song-lo',
				type: 'BB',
				symbol: 'BB-UBND',
				summary: `Tiến trình thứ hai ${i}`,
				documentDate: '2026-12-03',
				signerName: 'Nguyễn Văn A',
				access: 'restricted',
				recipientUnitIds: [],
				bodyText: 'Biên bản',
				issuedById,
				fileIds: [],
			})
		)
	);
	process.stdout.write(`${JSON.stringify(issued.map((d) => d.number))}\n`);
} finally {
	await db.$disconnect();
}
