import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { CAMERA_CAPTURE } from '../media/camera.ts';
import { cameraProblem, microphoneProblem } from '../ui/media-errors.ts';
import { JoinAs, MeetingCard } from './meeting-card.tsx';
import type { MeetingInfo } from './meeting-check.ts';
import { playChime, SPEAKER_STORAGE_KEY, speakerChoiceSupported } from './speaker-test.ts';
import './join.css';

/** The local media as the pre-join screen has it: opening, usable (perhaps without a camera, and why), or no microphone. */
type Media = { kind: 'starting' } | { kind: 'ready'; stream: MediaStream; cameraNote: MessageKey | null } | { kind: 'blocked'; message: MessageKey };

const stopAll = (stream: MediaStream | null | undefined) => stream?.getTracks().forEach((track) => track.stop());

/**
 * Opens the microphone and, unless refused, the camera. A camera that is missing, busy or not
 * allowed is no reason to stay out of the meeting: many commune offices have none, so the site
 * joins with the microphone only and is told so plainly. Only a microphone that cannot be opened
 * blocks, with how to fix it. Never rejects.
 */
async function openMedia(cameraId: string, micId: string): Promise<Media> {
	if (!navigator.mediaDevices?.getUserMedia) {
		return { kind: 'blocked', message: 'join.noMic.unsupported' };
	}
	const audio: MediaTrackConstraints | boolean = micId ? { deviceId: { exact: micId } } : true;
	let cameraError: unknown = null;
	if (cameraId !== 'none') {
		try {
			const video = { ...CAMERA_CAPTURE, ...(cameraId ? { deviceId: { exact: cameraId } } : {}) };
			return { kind: 'ready', stream: await navigator.mediaDevices.getUserMedia({ audio, video }), cameraNote: null };
		} catch (error) {
			// Which of the two failed is not said: try the microphone alone to find out.
			cameraError = error;
		}
	}
	try {
		const stream = await navigator.mediaDevices.getUserMedia({ audio });
		return { kind: 'ready', stream, cameraNote: cameraId === 'none' ? 'join.noCamera.chosen' : cameraProblem(cameraError) };
	} catch (error) {
		console.warn('pre-join: no microphone', cameraError, error);
		return { kind: 'blocked', message: microphoneProblem(error) };
	}
}

function deviceLabel(t: ReturnType<typeof useI18n>['t'], device: MediaDeviceInfo, index: number, kind: MessageKey): string {
	return device.label || t('join.device.numbered', { kind: t(kind), n: index + 1 });
}

/** The microphone's level, 0–100, ten times a second, for the operator to see that it hears them. */
function useLevel(stream: MediaStream | null): number {
	const [level, setLevel] = useState(0);
	useEffect(() => {
		const track = stream?.getAudioTracks()[0];
		if (!track) {
			setLevel(0);
			return undefined;
		}
		const context = new AudioContext();
		const analyser = context.createAnalyser();
		analyser.fftSize = 512;
		context.createMediaStreamSource(new MediaStream([track])).connect(analyser);
		const data = new Uint8Array(analyser.fftSize);
		const timer = setInterval(() => {
			analyser.getByteTimeDomainData(data);
			let peak = 0;
			for (const v of data) {
				peak = Math.max(peak, Math.abs(v - 128));
			}
			setLevel(Math.min(100, Math.round((peak / 128) * 100)));
		}, 100);
		return () => {
			clearInterval(timer);
			void context.close();
		};
	}, [stream]);
	return level;
}

/**
 * The meeting card, then camera and microphone preview with a level meter, device choice and a
 * speaker test. Mounted only once the link or meeting was checked, so no camera is asked for a
 * meeting that cannot be joined.
 */
export function PreJoin({ info, onReady }: { info: MeetingInfo; onReady: (stream: MediaStream) => void }) {
	const { t } = useI18n();
	const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
	const [cameraId, setCameraId] = useState('');
	const [micId, setMicId] = useState('');
	const [speakerId, setSpeakerId] = useState(() => localStorage.getItem(SPEAKER_STORAGE_KEY) ?? '');
	const [attempt, setAttempt] = useState(0);
	const [media, setMedia] = useState<Media>({ kind: 'starting' });
	const [chime, setChime] = useState<'idle' | 'playing' | 'failed'>('idle');
	const video = useRef<HTMLVideoElement>(null);
	const handedOver = useRef(false);
	const stream = media.kind === 'ready' ? media.stream : null;
	const level = useLevel(stream);
	const videoTrack = stream?.getVideoTracks()[0];
	const audioTrack = stream?.getAudioTracks()[0];

	useEffect(() => {
		let cancelled = false;
		let opened: MediaStream | null = null;
		setMedia({ kind: 'starting' });
		void openMedia(cameraId, micId).then(async (result) => {
			if (cancelled) {
				stopAll(result.kind === 'ready' ? result.stream : null);
				return;
			}
			opened = result.kind === 'ready' ? result.stream : null;
			setMedia(result);
			// Labels are given only once a device was allowed: read the list after opening.
			setDevices(await navigator.mediaDevices.enumerateDevices().catch(() => []));
		});
		return () => {
			cancelled = true;
			if (!handedOver.current) {
				stopAll(opened);
			}
		};
	}, [cameraId, micId, attempt]);

	useEffect(() => {
		const refresh = () => void navigator.mediaDevices.enumerateDevices().then(setDevices, () => undefined);
		navigator.mediaDevices?.addEventListener('devicechange', refresh);
		return () => navigator.mediaDevices?.removeEventListener('devicechange', refresh);
	}, []);

	useEffect(() => {
		if (video.current) {
			video.current.srcObject = videoTrack ? new MediaStream([videoTrack]) : null;
		}
	}, [videoTrack]);

	const cameras = devices.filter((d) => d.kind === 'videoinput' && d.deviceId);
	const mics = devices.filter((d) => d.kind === 'audioinput' && d.deviceId);
	const speakers = devices.filter((d) => d.kind === 'audiooutput' && d.deviceId);
	const cameraValue = media.kind === 'ready' && !videoTrack ? 'none' : cameraId || (videoTrack?.getSettings().deviceId ?? '');
	const micValue = micId || (audioTrack?.getSettings().deviceId ?? '');

	const testSpeaker = () => {
		setChime('playing');
		playChime(speakerId).then(
			() => setChime('idle'),
			(error: unknown) => {
				console.warn('speaker test failed', error);
				setChime('failed');
			}
		);
	};

	const cameraSelect = (
		<label>
			{t('join.camera')}
			<select value={cameraValue} onChange={(e) => setCameraId(e.target.value)} data-testid="camera-select" disabled={media.kind === 'starting'}>
				{!cameraValue && <option value="">{t('join.device.default')}</option>}
				{cameras.map((d, i) => (
					<option key={d.deviceId} value={d.deviceId}>
						{deviceLabel(t, d, i, 'join.camera')}
					</option>
				))}
				<option value="none">{t('join.camera.none')}</option>
			</select>
		</label>
	);
	const micSelect = (
		<label>
			{t('join.microphone')}
			<select value={micValue} onChange={(e) => setMicId(e.target.value)} data-testid="mic-select" disabled={media.kind === 'starting'}>
				{!mics.some((d) => d.deviceId === micValue) && <option value={micValue}>{t('join.device.default')}</option>}
				{mics.map((d, i) => (
					<option key={d.deviceId} value={d.deviceId}>
						{deviceLabel(t, d, i, 'join.microphone')}
					</option>
				))}
			</select>
		</label>
	);
	const speakerSelect = speakerChoiceSupported() && speakers.length > 0 && (
		<label>
			{t('join.speaker')}
			<select
				value={speakers.some((d) => d.deviceId === speakerId) ? speakerId : ''}
				data-testid="speaker-select"
				onChange={(e) => {
					setSpeakerId(e.target.value);
					localStorage.setItem(SPEAKER_STORAGE_KEY, e.target.value);
				}}
			>
				<option value="">{t('join.device.default')}</option>
				{speakers
					.filter((d) => d.deviceId !== 'default')
					.map((d, i) => (
						<option key={d.deviceId} value={d.deviceId}>
							{deviceLabel(t, d, i, 'join.speaker')}
						</option>
					))}
			</select>
		</label>
	);

	// Preview and devices on the left; the meeting, what is missing and "Vào họp" on the right, in
	// view without scrolling on a 1280×600 laptop screen.
	return (
		<section className="card wide prejoin-card" aria-labelledby="prejoin-title" data-testid="prejoin" data-media={media.kind} data-camera={videoTrack ? 'on' : 'off'}>
			<h2 id="prejoin-title" className="sr-status">
				{t('join.prejoin.title')}
			</h2>
			<div className="prejoin">
				<div className="prejoin-left">
					<div className="prejoin-preview">
						{videoTrack ? (
							<video ref={video} autoPlay playsInline muted aria-label={t('join.preview')} data-testid="prejoin-preview" />
						) : (
							<div className="preview-off" data-testid="prejoin-preview-off">
								{t(media.kind === 'starting' ? 'join.starting' : 'join.preview.off')}
							</div>
						)}
					</div>
					<div className="prejoin-devices">
						{cameraSelect}
						{micSelect}
						{speakerSelect}
					</div>
				</div>
				<div className="form prejoin-right">
					<MeetingCard info={info} />
					<JoinAs info={info} />
					{media.kind === 'ready' && media.cameraNote && (
						<p role="status" className="prejoin-note" data-testid="no-camera-note" data-note={media.cameraNote}>
							{t(media.cameraNote)}
						</p>
					)}
					{media.kind === 'blocked' && (
						<div role="alert" className="prejoin-blocked" data-testid="no-microphone" data-note={media.message}>
							<strong>{t('join.noMic.title')}</strong>
							<p>{t(media.message)}</p>
						</div>
					)}
					<button
						type="button"
						className="primary big"
						disabled={!stream}
						data-testid="enter-room"
						onClick={() => {
							if (stream) {
								handedOver.current = true;
								onReady(stream);
							}
						}}
					>
						{t('join.enter')}
					</button>
					{(media.kind === 'blocked' || (media.kind === 'ready' && media.cameraNote && cameraId !== 'none')) && (
						<button type="button" className="retry" data-testid="media-retry" onClick={() => setAttempt((n) => n + 1)}>
							{t('join.retry')}
						</button>
					)}
					<label>
						{t('join.level')}
						<meter min={0} max={100} value={level} aria-label={t('join.level')} />
						<span className="hint">{t('join.level.hint')}</span>
					</label>
					<div className="speaker-test">
						<button type="button" data-testid="speaker-test" data-state={chime} disabled={chime === 'playing'} onClick={testSpeaker}>
							{t('join.speakerTest')}
						</button>
						<span className="hint" role="status">
							{t(chime === 'playing' ? 'join.speakerTest.playing' : chime === 'failed' ? 'join.speakerTest.failed' : 'join.speakerTest.hint')}
						</span>
					</div>
				</div>
			</div>
		</section>
	);
}
