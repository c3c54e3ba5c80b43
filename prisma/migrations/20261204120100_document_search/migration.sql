-- Full-text search over issued documents (written by hand: schema.prisma cannot describe FTS5).
--
-- unicode61 with remove_diacritics 2 folds every Vietnamese tone and vowel mark, stacked ones
-- included ("hop giao ban song lo" finds "Họp giao ban Sông Lô"), but đ/Đ are letters of their
-- own to it: the index is fed đ as d and Đ as D, and the server folds queries the same way
-- (server/src/features/documents/document-search.ts).
--
-- "DocumentSearchKey" gives each document a stable integer key, the index's rowid ("Document" has a
-- TEXT primary key, so its own rowid may change on VACUUM, and VACUUM INTO makes the backups), and
-- keeps the few columns the search filters on in narrow rows (a "Document" row carries its whole
-- text). The index is contentless (it keeps the words, not a second copy of the text).
--
-- The "readers" column holds words for who may read the document: u<hex unit id> (issuing unit),
-- r<hex unit id> (each recipient), a<access>, t<type>. The server turns a reader's units into a
-- query on it, so that access narrows the search inside the index; the exact access rule is then
-- checked on what it finds (server/src/features/documents/documents.repository.ts).
--
-- Needs SQLite 3.43+ (contentless_delete): better-sqlite3 and node:sqlite bundle newer ones.
-- A later migration that redefines "Document" or "DocumentRecipient" (Prisma's DROP TABLE and
-- rename) drops these triggers with the old table: it must create them again.
-- tests/integration/documents checks that they exist.
CREATE TABLE "DocumentSearchKey" (
    "key" INTEGER NOT NULL PRIMARY KEY,
    "documentId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "access" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "documentDate" TEXT NOT NULL
);
CREATE UNIQUE INDEX "DocumentSearchKey_documentId_key" ON "DocumentSearchKey"("documentId");

CREATE VIRTUAL TABLE "DocumentSearch" USING fts5(
    "reference",
    "summary",
    "body",
    "readers",
    content = '',
    contentless_delete = 1,
    prefix = '2 3 4 5',
    tokenize = 'unicode61 remove_diacritics 2'
);

-- What the index holds for a document. The reference as printed ("05/BB-UBND"), and the bare
-- number too when it has a leading zero, so that "5/BB" finds it as well as "05/BB".
CREATE VIEW "DocumentSearchSource" AS
SELECT
    k."key" AS "key",
    d."id" AS "documentId",
    replace(replace(printf('%02d/%s', d."number", d."symbol") || CASE WHEN d."number" < 10 THEN printf(' %d', d."number") ELSE '' END, 'đ', 'd'), 'Đ', 'D') AS "reference",
    replace(replace(d."summary", 'đ', 'd'), 'Đ', 'D') AS "summary",
    replace(replace(d."bodyText", 'đ', 'd'), 'Đ', 'D') AS "body",
    'u' || hex(d."unitId") || ' a' || d."access" || ' t' || d."type"
        || coalesce((SELECT ' ' || group_concat('r' || hex(r."unitId"), ' ') FROM "DocumentRecipient" r WHERE r."documentId" = d."id"), '') AS "readers"
FROM "Document" d JOIN "DocumentSearchKey" k ON k."documentId" = d."id";

CREATE TRIGGER "Document_search_insert" AFTER INSERT ON "Document" BEGIN
    INSERT INTO "DocumentSearchKey" ("documentId", "unitId", "access", "type", "documentDate")
    VALUES (new."id", new."unitId", new."access", new."type", new."documentDate");
    INSERT INTO "DocumentSearch" ("rowid", "reference", "summary", "body", "readers")
    SELECT "key", "reference", "summary", "body", "readers" FROM "DocumentSearchSource" WHERE "documentId" = new."id";
END;

-- Documents are not edited (a correction is a new document); this is for maintenance.
CREATE TRIGGER "Document_search_update" AFTER UPDATE OF "unitId", "type", "number", "symbol", "summary", "documentDate", "access", "bodyText" ON "Document" BEGIN
    UPDATE "DocumentSearchKey" SET "unitId" = new."unitId", "access" = new."access", "type" = new."type", "documentDate" = new."documentDate"
    WHERE "documentId" = new."id";
    DELETE FROM "DocumentSearch" WHERE "rowid" = (SELECT "key" FROM "DocumentSearchKey" WHERE "documentId" = new."id");
    INSERT INTO "DocumentSearch" ("rowid", "reference", "summary", "body", "readers")
    SELECT "key", "reference", "summary", "body", "readers" FROM "DocumentSearchSource" WHERE "documentId" = new."id";
END;

CREATE TRIGGER "Document_search_delete" AFTER DELETE ON "Document" BEGIN
    DELETE FROM "DocumentSearch" WHERE "rowid" = (SELECT "key" FROM "DocumentSearchKey" WHERE "documentId" = old."id");
    DELETE FROM "DocumentSearchKey" WHERE "documentId" = old."id";
END;

-- Recipients are written after their document (in the same transaction): its readers change.
CREATE TRIGGER "DocumentRecipient_search_insert" AFTER INSERT ON "DocumentRecipient" BEGIN
    DELETE FROM "DocumentSearch" WHERE "rowid" = (SELECT "key" FROM "DocumentSearchKey" WHERE "documentId" = new."documentId");
    INSERT INTO "DocumentSearch" ("rowid", "reference", "summary", "body", "readers")
    SELECT "key", "reference", "summary", "body", "readers" FROM "DocumentSearchSource" WHERE "documentId" = new."documentId";
END;

CREATE TRIGGER "DocumentRecipient_search_delete" AFTER DELETE ON "DocumentRecipient" BEGIN
    DELETE FROM "DocumentSearch" WHERE "rowid" = (SELECT "key" FROM "DocumentSearchKey" WHERE "documentId" = old."documentId");
    INSERT INTO "DocumentSearch" ("rowid", "reference", "summary", "body", "readers")
    SELECT "key", "reference", "summary", "body", "readers" FROM "DocumentSearchSource" WHERE "documentId" = old."documentId";
END;

-- Documents issued before this migration, oldest first (the key orders the list newest first).
INSERT INTO "DocumentSearchKey" ("documentId", "unitId", "access", "type", "documentDate")
SELECT "id", "unitId", "access", "type", "documentDate" FROM "Document" ORDER BY "issuedAt", "id";
INSERT INTO "DocumentSearch" ("rowid", "reference", "summary", "body", "readers")
SELECT "key", "reference", "summary", "body", "readers" FROM "DocumentSearchSource";
