-- CreateTable
CREATE TABLE "RecordingRun" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "meetingId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "hasAudio" BOOLEAN NOT NULL,
    "hasVideo" BOOLEAN NOT NULL,
    "startMs" INTEGER NOT NULL,
    "endMs" INTEGER,
    "endReason" TEXT NOT NULL DEFAULT '',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecordingRun_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RecordingRun_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "RecordingSegment" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "runId" TEXT NOT NULL,
    "meetingId" TEXT NOT NULL,
    "unitId" TEXT NOT NULL,
    "sequence" INTEGER NOT NULL,
    "fileName" TEXT NOT NULL,
    "startMs" INTEGER NOT NULL,
    "endMs" INTEGER NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecordingSegment_runId_fkey" FOREIGN KEY ("runId") REFERENCES "RecordingRun" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RecordingSegment_meetingId_fkey" FOREIGN KEY ("meetingId") REFERENCES "Meeting" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "RecordingSegment_unitId_fkey" FOREIGN KEY ("unitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
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
    "startedAt" DATETIME,
    "endedAt" DATETIME,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    CONSTRAINT "Meeting_hostUnitId_fkey" FOREIGN KEY ("hostUnitId") REFERENCES "Unit" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Meeting_chairId_fkey" FOREIGN KEY ("chairId") REFERENCES "User" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Meeting_createdById_fkey" FOREIGN KEY ("createdById") REFERENCES "User" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Meeting" ("chairId", "createdAt", "createdById", "description", "endedAt", "endsAt", "hostUnitId", "id", "location", "locked", "startedAt", "startsAt", "status", "title", "updatedAt") SELECT "chairId", "createdAt", "createdById", "description", "endedAt", "endsAt", "hostUnitId", "id", "location", "locked", "startedAt", "startsAt", "status", "title", "updatedAt" FROM "Meeting";
DROP TABLE "Meeting";
ALTER TABLE "new_Meeting" RENAME TO "Meeting";
CREATE INDEX "Meeting_hostUnitId_startsAt_idx" ON "Meeting"("hostUnitId", "startsAt");
CREATE INDEX "Meeting_chairId_idx" ON "Meeting"("chairId");
CREATE INDEX "Meeting_createdById_idx" ON "Meeting"("createdById");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

-- CreateIndex
CREATE INDEX "RecordingRun_meetingId_unitId_startMs_idx" ON "RecordingRun"("meetingId", "unitId", "startMs");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingSegment_fileName_key" ON "RecordingSegment"("fileName");

-- CreateIndex
CREATE INDEX "RecordingSegment_meetingId_unitId_startMs_idx" ON "RecordingSegment"("meetingId", "unitId", "startMs");

-- CreateIndex
CREATE UNIQUE INDEX "RecordingSegment_runId_sequence_key" ON "RecordingSegment"("runId", "sequence");

