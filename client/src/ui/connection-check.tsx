import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { CAMERA_CAPTURE } from '../media/camera.ts';
import type { MessageKey } from '../i18n/vi.ts';
import { EchoCheck, type EchoStats } from '../media/echo-check.ts';
import type { AppSocket } from '../signaling/socket.ts';
import { useErrorText } from './error-text.ts';
import { mediaErrorMessage } from './media-errors.ts';

const CONNECTION_STATES = ['new', 'connecting', 'connected', 'disconnected', 'failed', 'closed'] as const;

type State = 'idle' | 'starting' | 'running' | 'failed';

export function ConnectionCheck({ socket, connected }: { socket: AppSocket | null; connected: boolean }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const [state, setState] = useState<State>('idle');
	const [error, setError] = useState<string | null>(null);
	const [stats, setStats] = useState<EchoStats | null>(null);
	const localVideo = useRef<HTMLVideoElement>(null);
	const remoteVideo = useRef<HTMLVideoElement>(null);
	const remoteAudio = useRef<HTMLAudioElement>(null);
	const session = useRef<{ check: EchoCheck; local: MediaStream } | null>(null);

	const stop = () => {
		session.current?.check.close();
		session.current?.local.getTracks().forEach((track) => track.stop());
		session.current = null;
		setState('idle');
		setStats(null);
	};

	const start = async () => {
		if (!socket) {
			return;
		}
		stop();
		setError(null);
		setState('starting');
		let local: MediaStream;
		try {
			local = await navigator.mediaDevices.getUserMedia({ audio: true, video: CAMERA_CAPTURE });
		} catch (e) {
			const key = mediaErrorMessage(e);
			console.warn('connection check: no camera or microphone', e);
			setError(t(key ?? 'errors.check.device'));
			setState('failed');
			return;
		}
		const check = new EchoCheck(socket);
		session.current = { check, local };
		if (localVideo.current) {
			localVideo.current.srcObject = local;
		}
		try {
			const received = await check.start(local);
			if (remoteVideo.current) {
				remoteVideo.current.srcObject = new MediaStream(received.getVideoTracks());
			}
			if (remoteAudio.current) {
				remoteAudio.current.srcObject = new MediaStream(received.getAudioTracks());
			}
			setState('running');
		} catch (e) {
			setError(errorText(e));
			setState('failed');
			check.close();
		}
	};

	useEffect(() => {
		if (state !== 'running') {
			return undefined;
		}
		const timer = setInterval(() => {
			void session.current?.check.stats().then(setStats);
		}, 1000);
		return () => clearInterval(timer);
	}, [state]);

	useEffect(() => {
		if (!socket) {
			return undefined;
		}
		// The server's reason is English (time limit, idle, media server restart): one sentence covers them.
		const onClosed = () => {
			setError(t('errors.check.stopped'));
			stop();
		};
		socket.on('media:closed', onClosed);
		return () => {
			socket.off('media:closed', onClosed);
		};
	}, [socket, t]);

	useEffect(() => stop, []);

	/** mediasoup's transport state ("connected") in words of the current language. */
	const connectionStateText = (value: string): string => {
		const known = CONNECTION_STATES.find((s) => s === value);
		return known ? t(`errors.connection.${known}`) : value;
	};

	const stateKey: MessageKey = `check.state.${state}`;
	const rows: [MessageKey, string, string][] = stats
		? [
				['check.stat.connection', connectionStateText(stats.connectionState), 'connection'],
				['check.stat.protocol', stats.protocol?.toUpperCase() ?? '–', 'protocol'],
				['check.stat.rtt', stats.rttMs === null ? '–' : `${stats.rttMs} ms`, 'rtt'],
				['check.stat.videoFrames', String(stats.videoFramesDecoded), 'video-frames'],
				['check.stat.videoSize', stats.videoWidth ? `${stats.videoWidth}×${stats.videoHeight ?? 0}` : '–', 'video-size'],
				['check.stat.audioPackets', String(stats.audioPacketsReceived), 'audio-packets'],
				['check.stat.lost', String(stats.packetsLost), 'lost'],
				['check.stat.bitrate', stats.receiveKbps === null ? '–' : `${stats.receiveKbps} kbit/s`, 'bitrate'],
			]
		: [];

	return (
		<section className="card" aria-labelledby="check-title">
			<h2 id="check-title">{t('check.title')}</h2>
			<p>{t('check.intro')}</p>
			<div className="actions">
				{state === 'running' || state === 'starting' ? (
					<button type="button" onClick={stop} data-testid="check-stop">
						{t('check.stop')}
					</button>
				) : (
					<button type="button" className="primary" onClick={() => void start()} disabled={!connected} data-testid="check-start">
						{t('check.start')}
					</button>
				)}
				<span role="status" data-testid="check-state" data-state={state}>
					{t(stateKey)}
				</span>
			</div>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
			<div className="videos">
				<figure>
					<video ref={localVideo} autoPlay playsInline muted aria-label={t('check.local')} />
					<figcaption>{t('check.local')}</figcaption>
				</figure>
				<figure>
					<video ref={remoteVideo} autoPlay playsInline muted aria-label={t('check.remote')} data-testid="check-remote-video" />
					<figcaption>{t('check.remote')}</figcaption>
				</figure>
				<audio ref={remoteAudio} autoPlay />
			</div>
			{rows.length > 0 && (
				<dl className="stats">
					{rows.map(([label, value, id]) => (
						<div key={id}>
							<dt>{t(label)}</dt>
							<dd data-stat={id}>{value}</dd>
						</div>
					))}
				</dl>
			)}
		</section>
	);
}
