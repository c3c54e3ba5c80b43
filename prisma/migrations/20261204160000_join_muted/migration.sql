-- Communes enter muted by the chair (large meetings). ADD COLUMN instead of the table rebuild Prisma writes: Meeting is referenced by most tables.
ALTER TABLE "Meeting" ADD COLUMN "joinMuted" BOOLEAN NOT NULL DEFAULT false;
