/**
 * The first draft of a meeting's minutes. The workflow calls `createDraftBuilder(db)` for its
 * `buildDraft` port; the pieces are exported for tests and for the editor's helpers.
 */
import type { MinutesContent } from '#shared/api/minutes.ts';
import { buildMinutesDraft } from './build-minutes-draft.ts';
import { loadDraftSource } from './draft-source.repository.ts';

export { buildMinutesDraft, MINUTES_ARCHIVE, type DraftSource, type DraftUnit } from './build-minutes-draft.ts';
export { loadDraftSource } from './draft-source.repository.ts';
export { proposeFromTranscript, type Proposal, type ProposalContext, type Proposals, type TaskProposal, type TranscriptLine, type UnitRef } from './transcript-proposals.ts';
export { findDeadline } from './deadline.ts';
export { agendaIndexAt, contributionParagraphs, linesPerItem, type SpokenLine } from './contributions.ts';
export { authorityAbbreviation, bodyName, leadershipLine, minutesSymbol, placeOf } from './unit-labels.ts';
export { vietnamClock, vietnamDate } from '#shared/time/vietnam-time.ts';

/** `(meetingId, secretary) → MinutesContent`: reads the meeting and drafts its minutes. */
export function createDraftBuilder(db: Parameters<typeof loadDraftSource>[0]): (meetingId: string, secretary: { displayName: string }) => Promise<MinutesContent> {
	return async (meetingId, secretary) => buildMinutesDraft(await loadDraftSource(db, meetingId, secretary));
}
