import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { ConnectionQuality } from '../media/connection-quality.ts';
import type { RoomClient } from './room-client.ts';

const POLL_MS = 2000;

/** This site's connection as the operator should know it: good, fair or poor, and TCP when UDP is blocked. */
export function ConnectionIndicator({ client }: { client: RoomClient }) {
	const { t } = useI18n();
	const [quality, setQuality] = useState<ConnectionQuality>({ level: 'unknown', rttMs: null, lossPercent: null, protocol: null });
	useEffect(() => {
		let stopped = false;
		const poll = () => {
			client
				.connectionQuality()
				.then((q) => !stopped && setQuality(q))
				.catch(() => undefined);
		};
		poll();
		const timer = window.setInterval(poll, POLL_MS);
		return () => {
			stopped = true;
			window.clearInterval(timer);
		};
	}, [client]);
	const detail = t('room.quality.detail', { rtt: quality.rttMs ?? '–', loss: quality.lossPercent ?? '–' });
	return (
		<span className={`quality ${quality.level}`} data-testid="connection-quality" data-level={quality.level} data-protocol={quality.protocol ?? ''} title={detail}>
			{t(`room.quality.${quality.level}`)}
			{quality.protocol === 'tcp' && ` ${t('room.quality.tcp')}`}
		</span>
	);
}
