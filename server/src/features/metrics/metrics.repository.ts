import type { Database } from '../../db/open-database.ts';

export function createMetricsRepository(db: Database) {
	return {
		async countLiveMeetings(): Promise<number> {
			return db.meeting.count({ where: { status: 'live' } });
		},
	};
}
