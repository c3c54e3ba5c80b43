/**
 * Document search benchmark: p50/p95 of GET /api/documents's work (DocumentsService.search: the
 * FTS5 query with access by unit and role, the page's rows, the snippets) over 100,000 issued
 * documents in a database migrated by the real migrations. Queries with and without Vietnamese
 * marks (đ included), with filters, by reference, and the list without words, as a province
 * administrator, a district secretary and a commune. Target: p95 < 50 ms for every kind. Prints a
 * table and JSON; writes bench/results/documents-search-<timestamp>.json.
 *
 * The documents are generated (not issued one by one: that would measure issuance, not search)
 * with a seeded random generator from Vietnamese meeting vocabulary, 1 province, 10 districts of
 * 20 communes each; the index is filled by the migration's triggers as in production.
 *
 * Environment: BENCH_DOCUMENTS (default 100000), BENCH_SEARCH_REPEATS (default 40 per query),
 * BENCH_DOCUMENTS_KEEP=1 (keep the generated database and print where).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { User } from '../shared/src/api/auth.ts';
import type { DocumentSearchQuery } from '../shared/src/api/documents.ts';
import { openDatabase } from '../server/src/db/open-database.ts';
import { createDocumentsRepository } from '../server/src/features/documents/documents.repository.ts';
import { createDocumentsService } from '../server/src/features/documents/documents.service.ts';
import { FileStore } from '../server/src/features/documents/file-store.ts';
import { createStoredFiles } from '../server/src/features/documents/stored-files.repository.ts';

const ROOT = join(import.meta.dirname, '..');
const total = Number(process.env['BENCH_DOCUMENTS'] ?? 100_000);
const repeats = Number(process.env['BENCH_SEARCH_REPEATS'] ?? 40);
const TARGET_P95_MS = 50;

/** mulberry32: the same documents on every run. */
function random(seed: number): () => number {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) | 0;
		let t = Math.imul(a ^ (a >>> 15), 1 | a);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
const rand = random(20261204);
const pick = <T>(items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;

const COMMUNE_NAMES = [
	'Đồng Thịnh', 'Bạch Lưu', 'Cao Phong', 'Đôn Nhân', 'Đồng Quế', 'Đức Bác', 'Hải Lựu', 'Lãng Công', 'Nhân Đạo', 'Nhạo Sơn',
	'Như Thụy', 'Phương Khoan', 'Quang Yên', 'Tân Lập', 'Tứ Yên', 'Yên Thạch', 'Tam Sơn', 'Đạo Trù', 'Bồ Lý', 'Đại Đình',
];
const DISTRICT_NAMES = ['Sông Lô', 'Lập Thạch', 'Tam Đảo', 'Tam Dương', 'Bình Xuyên', 'Yên Lạc', 'Vĩnh Tường', 'Phúc Yên', 'Vĩnh Yên', 'Mê Linh'];
const TOPICS = [
	'Họp giao ban công tác tháng', 'Hội nghị triển khai kế hoạch phát triển kinh tế - xã hội', 'Họp bàn phương án phòng chống thiên tai',
	'Hội nghị sơ kết công tác xây dựng nông thôn mới', 'Họp đánh giá tiến độ giải ngân vốn đầu tư công', 'Hội nghị tổng kết công tác cải cách hành chính',
	'Họp triển khai công tác chuyển đổi số', 'Hội nghị quán triệt công tác bảo đảm an ninh trật tự', 'Họp bàn công tác phòng chống dịch bệnh gia súc',
	'Hội nghị tổng kết công tác thu ngân sách nhà nước',
];
const PHRASES = [
	'đề nghị tăng cường kiểm tra', 'báo cáo tình hình thực hiện nhiệm vụ', 'thống nhất phương án', 'hỗ trợ kinh phí sửa chữa đường giao thông nông thôn',
	'đẩy nhanh tiến độ giải phóng mặt bằng', 'rà soát hộ nghèo, hộ cận nghèo', 'phòng chống cháy rừng trong mùa khô', 'đôn đốc thu nộp thuế',
	'kiện toàn ban chỉ đạo', 'tuyên truyền chính sách pháp luật', 'bảo đảm vệ sinh môi trường', 'nạo vét kênh mương nội đồng', 'chuẩn bị cho vụ đông xuân',
	'tiêm phòng vắc xin cho đàn gia súc', 'cấp giấy chứng nhận quyền sử dụng đất', 'xử lý vi phạm trật tự xây dựng', 'nâng cao chất lượng giáo dục',
	'chăm sóc sức khỏe nhân dân', 'ứng dụng công nghệ thông tin', 'thực hiện dịch vụ công trực tuyến', 'giải quyết đơn thư khiếu nại',
];
const PEOPLE = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Đức', 'Vũ Thị Hạnh', 'Đặng Văn Hùng', 'Bùi Thị Lan'];

type UnitRow = { id: string; name: string; kind: 'province' | 'district' | 'commune'; parentId: string | null; authority: string };

function units(): UnitRow[] {
	const rows: UnitRow[] = [{ id: 'vinh-phuc', name: 'Tỉnh Vĩnh Phúc', kind: 'province', parentId: null, authority: 'UBND TỈNH VĨNH PHÚC' }];
	DISTRICT_NAMES.forEach((district, d) => {
		const id = `d${d}`;
		rows.push({ id, name: `Huyện ${district}`, kind: 'district', parentId: 'vinh-phuc', authority: `UBND HUYỆN ${district.toLocaleUpperCase('vi')}` });
		COMMUNE_NAMES.forEach((commune, c) => {
			rows.push({ id: `d${d}c${c}`, name: `Xã ${commune}`, kind: 'commune', parentId: id, authority: `UBND XÃ ${commune.toLocaleUpperCase('vi')}` });
		});
	});
	return rows;
}

function body(unit: UnitRow, children: UnitRow[], topic: string, date: string): string {
	const [y, m, d] = date.split('-');
	const lines = [
		unit.authority,
		'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
		'Độc lập - Tự do - Hạnh phúc',
		'BIÊN BẢN',
		topic,
		`Thời gian bắt đầu: 08 giờ 00 phút, ngày ${d} tháng ${m} năm ${y}.`,
		`Chủ trì: ông ${pick(PEOPLE)}. Thư ký: bà ${pick(PEOPLE)}.`,
	];
	const speakers = children.length > 0 ? children : [unit];
	for (let i = 0, n = 6 + Math.floor(rand() * 8); i < n; i += 1) {
		lines.push(`${pick(speakers).name} (${String(8 + Math.floor(i / 3)).padStart(2, '0')}:${String((i * 7) % 60).padStart(2, '0')}): ${pick(PHRASES)}, ${pick(PHRASES)}.`);
	}
	lines.push(`Kết luận: giao ${pick(speakers).name} ${pick(PHRASES)}, hoàn thành trước ngày 15/${m}/${y}.`, 'THƯ KÝ', 'CHỦ TỌA');
	return lines.join('\n');
}

const work = mkdtempSync(join(tmpdir(), 'giaoban-bench-documents-'));
const databaseFile = join(work, 'giaoban.db');
const migrated = spawnSync(process.execPath, [join(ROOT, 'scripts', 'prisma.mjs'), 'migrate', 'deploy'], { cwd: ROOT, env: { ...process.env, DATA_DIR: work }, encoding: 'utf8' });
if (migrated.status !== 0) {
	throw new Error(`prisma migrate deploy failed:\n${migrated.stdout}\n${migrated.stderr}`);
}

// Generation through node:sqlite, closed before the server's connection opens (two SQLite copies
// must not hold one file at once in a process: see server/src/features/backup/sqlite-copy.ts).
const allUnits = units();
const childrenOf = new Map<string, UnitRow[]>();
for (const unit of allUnits) {
	if (unit.parentId) {
		childrenOf.set(unit.parentId, [...(childrenOf.get(unit.parentId) ?? []), unit]);
	}
}
const generateStarted = performance.now();
{
	const db = new DatabaseSync(databaseFile);
	db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = OFF;');
	db.exec('BEGIN');
	const now = new Date().toISOString();
	const insertUnit = db.prepare('INSERT INTO "Unit" ("id", "kind", "name", "authority", "parentId", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?)');
	const insertUser = db.prepare('INSERT INTO "User" ("id", "username", "displayName", "passwordHash", "role", "unitId", "createdAt", "updatedAt") VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
	for (const unit of allUnits) {
		insertUnit.run(unit.id, unit.kind, unit.name, unit.authority, unit.parentId, now, now);
		insertUser.run(`u-${unit.id}`, `vt-${unit.id}`, `Văn thư ${unit.name}`, 'x', 'secretary', unit.id, now, now);
	}
	insertUser.run('u-admin', 'admin', 'Quản trị tỉnh', 'x', 'admin', 'vinh-phuc', now, now);
	const insertDocument = db.prepare(
		'INSERT INTO "Document" ("id", "unitId", "type", "year", "number", "symbol", "summary", "documentDate", "signerName", "access", "bodyText", "issuedById", "issuedAt") VALUES (?, ?, \'BB\', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
	);
	const insertRecipient = db.prepare('INSERT INTO "DocumentRecipient" ("documentId", "unitId") VALUES (?, ?)');
	const numbers = new Map<string, number>();
	const communes = allUnits.filter((u) => u.kind === 'commune');
	const districts = allUnits.filter((u) => u.kind === 'district');
	for (let i = 0; i < total; i += 1) {
		// Communes issue most minutes; districts and the province fewer, addressed downwards.
		const r = rand();
		const unit = r < 0.7 ? pick(communes) : r < 0.97 ? pick(districts) : allUnits[0]!;
		const year = 2024 + Math.floor(rand() * 3);
		const date = `${year}-${String(1 + Math.floor(rand() * 12)).padStart(2, '0')}-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}`;
		const key = `${unit.id}/${year}`;
		const number = (numbers.get(key) ?? 0) + 1;
		numbers.set(key, number);
		const topic = `${pick(TOPICS)}${rand() < 0.3 ? ` ${unit.name}` : ''}`;
		const children = childrenOf.get(unit.id) ?? [];
		const access = rand() < 0.3 ? 'internal' : 'restricted';
		const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
		const recipients = new Set<string>();
		for (let k = 0, n = children.length > 0 ? 1 + Math.floor(rand() * 4) : 0; k < n; k += 1) {
			recipients.add(pick(children).id);
		}
		if (unit.parentId && rand() < 0.5) {
			recipients.add(unit.parentId);
		}
		// Recipients before their document (foreign keys are off while generating): the document's
		// insert trigger then indexes it once, with its readers, instead of once per recipient.
		for (const recipient of recipients) {
			insertRecipient.run(id, recipient);
		}
		insertDocument.run(id, unit.id, year, number, 'BB-UBND', topic, date, pick(PEOPLE), access, body(unit, children, topic, date), `u-${unit.id}`, new Date(Date.parse(`${date}T10:00:00Z`)).toISOString());
	}
	db.exec('COMMIT');
	db.exec('PRAGMA foreign_keys = ON');
	if (db.prepare('PRAGMA foreign_key_check').all().length > 0) {
		throw new Error('generated rows break a foreign key');
	}
	db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
	db.close();
}
const generateSeconds = (performance.now() - generateStarted) / 1000;

const db = await openDatabase({ file: databaseFile, synchronous: 'FULL' });
const store = new FileStore(work);
const service = createDocumentsService({ repo: createDocumentsRepository(db, store), files: createStoredFiles(db, store), verifySignatures: null });

const userOf = (id: string, role: User['role']): User => {
	const unit = allUnits.find((u) => u.id === id)!;
	return { id: `u-${id}`, username: id, displayName: id, role, unit: { id, name: unit.name, kind: unit.kind } };
};
const readers = {
	'province admin': userOf('vinh-phuc', 'admin'),
	'district secretary': userOf('d0', 'secretary'),
	commune: userOf('d0c0', 'commune_operator'),
} as const;

type Case = { kind: string; label: string; query: DocumentSearchQuery };
const cases: Case[] = [
	{ kind: 'with marks', label: 'họp giao ban', query: { q: 'họp giao ban' } },
	{ kind: 'with marks', label: 'Đồng Thịnh', query: { q: 'Đồng Thịnh' } },
	{ kind: 'with marks', label: 'phòng chống thiên tai', query: { q: 'phòng chống thiên tai' } },
	{ kind: 'with marks', label: 'giải phóng mặt bằng Sông Lô', query: { q: 'giải phóng mặt bằng Sông Lô' } },
	{ kind: 'without marks', label: 'hop giao ban', query: { q: 'hop giao ban' } },
	{ kind: 'without marks', label: 'dong thinh', query: { q: 'dong thinh' } },
	{ kind: 'without marks', label: 'phong chong thien tai', query: { q: 'phong chong thien tai' } },
	{ kind: 'without marks', label: 'DONG THINH', query: { q: 'DONG THINH' } },
	{ kind: 'filtered', label: 'hop giao ban, 2025', query: { q: 'hop giao ban', from: '2025-01-01', to: '2025-12-31' } },
	{ kind: 'filtered', label: 'tiem phong, unit d0c0', query: { q: 'tiem phong', unitId: 'd0c0' } },
	{ kind: 'filtered', label: 'chuyen doi so, BB, Q4 2026', query: { q: 'chuyen doi so', type: 'BB', from: '2026-10-01', to: '2026-12-31' } },
	{ kind: 'filtered', label: 'hop, page 5', query: { q: 'hop', page: 5 } },
	{ kind: 'reference', label: '12/BB-UBND', query: { q: '12/BB-UBND' } },
	{ kind: 'list', label: 'no words', query: {} },
	{ kind: 'list', label: 'no words, unit d0, 2026', query: { unitId: 'd0', from: '2026-01-01', to: '2026-12-31' } },
];

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}
const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;

type Row = { reader: string; kind: string; label: string; total: number; p50Ms: number; p95Ms: number; maxMs: number };
const rows: Row[] = [];
const byKind = new Map<string, number[]>();
for (const [readerName, user] of Object.entries(readers)) {
	for (const c of cases) {
		// Warm-up: the first run reads the pages from disk into SQLite's and the OS's cache.
		const first = await service.search(user, c.query);
		const times: number[] = [];
		for (let i = 0; i < repeats; i += 1) {
			const t0 = performance.now();
			await service.search(user, c.query);
			times.push(performance.now() - t0);
		}
		times.sort((a, b) => a - b);
		rows.push({ reader: readerName, kind: c.kind, label: c.label, total: first.total, p50Ms: round(percentile(times, 50)), p95Ms: round(percentile(times, 95)), maxMs: round(times.at(-1)!) });
		byKind.set(c.kind, [...(byKind.get(c.kind) ?? []), ...times]);
	}
}
await db.$disconnect();

const summary = [...byKind.entries()].map(([kind, times]) => {
	const sorted = [...times].sort((a, b) => a - b);
	return { kind, p50Ms: round(percentile(sorted, 50)), p95Ms: round(percentile(sorted, 95)), meetsTarget: percentile(sorted, 95) < TARGET_P95_MS };
});
const report = {
	benchmark: 'documents-search',
	date: new Date().toISOString(),
	settings: { documents: total, units: allUnits.length, repeats, databaseMiB: round(statSync(databaseFile).size / 1024 / 1024, 1), generateSeconds: round(generateSeconds, 1) },
	targets: { p95MsBelow: TARGET_P95_MS },
	summary,
	runs: rows,
};
if (process.env['BENCH_DOCUMENTS_KEEP'] === '1') {
	console.error(`database kept in ${work}`);
} else {
	rmSync(work, { recursive: true, force: true });
}

console.log('\nreader             | kind          | query                              |   hits | p50 ms | p95 ms | max ms');
console.log('-------------------|---------------|------------------------------------|--------|--------|--------|-------');
for (const r of rows) {
	console.log(`${r.reader.padEnd(18)} | ${r.kind.padEnd(13)} | ${r.label.padEnd(34)} | ${String(r.total).padStart(6)} | ${String(r.p50Ms).padStart(6)} | ${String(r.p95Ms).padStart(6)} | ${String(r.maxMs).padStart(6)}`);
}
console.log('\nkind          | p50 ms | p95 ms | p95 < 50 ms');
for (const s of summary) {
	console.log(`${s.kind.padEnd(13)} | ${String(s.p50Ms).padStart(6)} | ${String(s.p95Ms).padStart(6)} | ${s.meetsTarget ? 'yes' : 'NO'}`);
}
console.log(`\n${JSON.stringify(report, null, 2)}`);
const dir = join(import.meta.dirname, 'results');
mkdirSync(dir, { recursive: true });
const file = join(dir, `documents-search-${report.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
console.error(`written to ${file}`);
