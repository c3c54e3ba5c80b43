-- AlterTable
ALTER TABLE "RecordingSegment" ADD COLUMN "speech" TEXT;

-- CreateTable
CREATE TABLE "SpeakerChange" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "meetingId" TEXT NOT NULL,
    "atMs" INTEGER NOT NULL,
    "unitId" TEXT,
    CONSTRAINT "SpeakerChange_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "TranscriptSegment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "meetingId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "regionKey" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "startMs" INTEGER NOT NULL,
    "endMs" INTEGER NOT NULL,
    "machineText" TEXT NOT NULL,
    "text" TEXT,
    "confidence" REAL NOT NULL,
    "editedById" TEXT,
    "editedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "TranscriptSegment_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "TranscriptSegment_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "TranscriptSegment_editedById_fkey" FOREIGN KEY ("editedById") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "MediaFile" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "meetingId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "unitId" TEXT,
    "slot" TEXT NOT NULL,
    "fileName" TEXT NOT NULL,
    "mimeType" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MediaFile_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "MediaFile_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Meeting" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "location" TEXT NOT NULL DEFAULT '',
    "hostUnitId" TEXT NOT NULL,
    "chairId" TEXT,
    "createdById" TEXT NOT NULL,
    "startsAt" DATETIME NOT NULL,
    "endsAt" DATETIME NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'scheduled',
    "locked" BOOLEAN NOT NULL DEFAULT false,
    "recordingEnabled" BOOLEAN NOT NULL DEFAULT true,
    "recordingPaused" BOOLEAN NOT NULL DEFAULT false,
    "recordingDeletedAt" DATETIME,
    "recordingDeletedReason" TEXT NOT NULL DEFAULT '',
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Meeting_hostUnitId_fkey" FOREIGN KEY ("hostUnitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Meeting_chairId_fkey" FOREIGN KEY ("chairId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Meeting_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Meeting" ("chairId", "createdAt", "createdById", "description", "endedAt", "endsAt", "hostUnitId", "id", "location", "locked", "recordingEnabled", "startedAt", "startsAt", "status", "title", "updatedAt") SELECT "chairId", "createdAt", "createdById", "description", "endedAt", "endsAt", "hostUnitId", "id", "location", "locked", "recordingEnabled", "startedAt", "startsAt", "status", "title", "updatedAt" FROM "Meeting";
DROP TABLE "Meeting";
ALTER TABLE "new_Meeting" RENAME TO "Meeting";
CREATE INDEX "Meeting_hostUnitId_startsAt_idx" ON "Meeting"("hostUnitId", "startsAt");
CREATE INDEX "Meeting_chairId_idx" ON "Meeting"("chairId");
CREATE INDEX "Meeting_createdById_idx" ON "Meeting"("createdById");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "SpeakerChange_meetingId_atMs_idx" ON "SpeakerChange"("meetingId", "atMs");

-- CreateIndex
CREATE INDEX "TranscriptSegment_meetingId_startMs_idx" ON "TranscriptSegment"("meetingId", "startMs");

-- CreateIndex
CREATE INDEX "TranscriptSegment_editedById_idx" ON "TranscriptSegment"("editedById");

-- CreateIndex
CREATE UNIQUE INDEX "TranscriptSegment_regionKey_position_key" ON "TranscriptSegment"("regionKey", "position");

-- CreateIndex
CREATE UNIQUE INDEX "MediaFile_fileName_key" ON "MediaFile"("fileName");

-- CreateIndex
CREATE INDEX "MediaFile_unitId_idx" ON "MediaFile"("unitId");

-- CreateIndex
CREATE UNIQUE INDEX "MediaFile_meetingId_slot_key" ON "MediaFile"("meetingId", "slot");

