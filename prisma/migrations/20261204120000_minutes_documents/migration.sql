-- CreateTable
CREATE TABLE "Minutes" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "meetingId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "seq" INTEGER NOT NULL DEFAULT 0,
    "returnComment" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Minutes_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesUpdate" (
    "minutesId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "update" BLOB NOT NULL,
    "userId" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("minutesId", "seq"),
    CONSTRAINT "MinutesUpdate_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MinutesUpdate_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesCheckpoint" (
    "minutesId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "state" BLOB NOT NULL,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,

    PRIMARY KEY ("minutesId", "seq"),
    CONSTRAINT "MinutesCheckpoint_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MinutesVersion" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "minutesId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "state" BLOB NOT NULL,
    "content" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MinutesVersion_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MinutesVersion_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "storedName" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "minutesId" TEXT,
    "documentId" TEXT,
    "createdById" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "StoredFile_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StoredFile_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "StoredFile_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "Document" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "unitId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "number" INTEGER NOT NULL,
    "symbol" TEXT NOT NULL,
    "summary" TEXT NOT NULL,
    "documentDate" TEXT NOT NULL,
    "signerName" TEXT NOT NULL,
    "access" TEXT NOT NULL DEFAULT 'restricted',
    "bodyText" TEXT NOT NULL DEFAULT '',
    "meetingId" TEXT,
    "minutesId" TEXT,
    "replacesId" TEXT,
    "issuedById" TEXT NOT NULL,
    "issuedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Document_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Document_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Document_minutesId_fkey" FOREIGN KEY ("minutesId") REFERENCES "Minutes" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Document_replacesId_fkey" FOREIGN KEY ("replacesId") REFERENCES "Document" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Document_issuedById_fkey" FOREIGN KEY ("issuedById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DocumentRecipient" (
    "documentId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,

    PRIMARY KEY ("documentId", "unitId"),
    CONSTRAINT "DocumentRecipient_documentId_fkey" FOREIGN KEY ("documentId") REFERENCES "Document" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "DocumentRecipient_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "DocumentCounter" (
    "unitId" TEXT NOT NULL,
    "year" INTEGER NOT NULL,
    "series" TEXT NOT NULL,
    "last" INTEGER NOT NULL,

    PRIMARY KEY ("unitId", "year", "series")
);

-- CreateIndex
CREATE UNIQUE INDEX "Minutes_meetingId_key" ON "Minutes"("meetingId");

-- CreateIndex
CREATE INDEX "MinutesUpdate_userId_idx" ON "MinutesUpdate"("userId");

-- CreateIndex
CREATE INDEX "MinutesVersion_minutesId_createdAt_idx" ON "MinutesVersion"("minutesId", "createdAt");

-- CreateIndex
CREATE INDEX "MinutesVersion_createdById_idx" ON "MinutesVersion"("createdById");

-- CreateIndex
CREATE UNIQUE INDEX "StoredFile_storedName_key" ON "StoredFile"("storedName");

-- CreateIndex
CREATE INDEX "StoredFile_minutesId_kind_idx" ON "StoredFile"("minutesId", "kind");

-- CreateIndex
CREATE INDEX "StoredFile_documentId_idx" ON "StoredFile"("documentId");

-- CreateIndex
CREATE INDEX "StoredFile_createdById_idx" ON "StoredFile"("createdById");

-- CreateIndex
CREATE UNIQUE INDEX "Document_minutesId_key" ON "Document"("minutesId");

-- CreateIndex
CREATE UNIQUE INDEX "Document_replacesId_key" ON "Document"("replacesId");

-- CreateIndex
CREATE INDEX "Document_unitId_issuedAt_idx" ON "Document"("unitId", "issuedAt");

-- CreateIndex
CREATE INDEX "Document_type_issuedAt_idx" ON "Document"("type", "issuedAt");

-- CreateIndex
CREATE INDEX "Document_documentDate_idx" ON "Document"("documentDate");

-- CreateIndex
CREATE INDEX "Document_meetingId_idx" ON "Document"("meetingId");

-- CreateIndex
CREATE INDEX "Document_issuedById_idx" ON "Document"("issuedById");

-- CreateIndex
CREATE UNIQUE INDEX "Document_unitId_year_type_number_key" ON "Document"("unitId", "year", "type", "number");

-- CreateIndex
CREATE INDEX "DocumentRecipient_unitId_idx" ON "DocumentRecipient"("unitId");

