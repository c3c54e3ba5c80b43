import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { RejoinStatus } from './room-client.ts';

/**
 * How many rejoins failed and when the next one starts, counting down, so that an operator on a
 * weak link sees the window still trying instead of a "reconnecting" that never changes. The
 * failure's own message is English (for the console and the district's technician), so it goes to
 * the element's title only, never into the sentence.
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
		<span data-testid="rejoin-note" data-failures={status.failures} title={status.error}>
			{t('join.rejoinFailed', { count: status.failures })} {seconds > 0 ? t('join.rejoinIn', { seconds }) : t('join.rejoinNow')}
		</span>
	);
}
