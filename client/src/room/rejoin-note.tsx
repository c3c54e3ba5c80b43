import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { RejoinStatus } from './room-client.ts';

/**
 * Why the last rejoin failed and when the next one starts, counting down, so that an operator
 * on a weak link sees the window still trying (and can tell the district why) instead of a
 * "reconnecting" that never changes.
 */
export function RejoinNote({ status }: { status: RejoinStatus }) {
	const { t } = useI18n();
	const [now, setNow] = useState(() => Date.now());
	useEffect(() => {
		if (status.retryAt === null) {
			return undefined;
		}
		const timer = window.setInterval(() => setNow(Date.now()), 1000);
		return () => window.clearInterval(timer);
	}, [status.retryAt]);
	const seconds = status.retryAt === null ? 0 : Math.ceil((status.retryAt - now) / 1000);
	return (
		<span data-testid="rejoin-note" data-failures={status.failures}>
			{t('room.rejoinFailed', { count: status.failures, message: status.error })}{' '}
			{seconds > 0 ? t('room.rejoinIn', { seconds }) : t('room.rejoinNow')}
		</span>
	);
}
