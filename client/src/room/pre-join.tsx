import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../i18n/index.tsx';
import { CAMERA_CAPTURE } from '../media/camera.ts';
import { mediaErrorMessage } from '../ui/media-errors.ts';

/** Camera and microphone preview with a level meter and device choice, before joining. */
export function PreJoin({ onReady }: { onReady: (stream: MediaStream) => void }) {
	const { t } = useI18n();
	const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
	const [cameraId, setCameraId] = useState('');
	const [micId, setMicId] = useState('');
	const [stream, setStream] = useState<MediaStream | null>(null);
	const [level, setLevel] = useState(0);
	const [error, setError] = useState<string | null>(null);
	const video = useRef<HTMLVideoElement>(null);
	const handedOver = useRef(false);

	useEffect(() => {
		let cancelled = false;
		let current: MediaStream | null = null;
		const constraints: MediaStreamConstraints = {
			audio: micId ? { deviceId: { exact: micId } } : true,
			video: cameraId === 'none' ? false : { ...CAMERA_CAPTURE, ...(cameraId ? { deviceId: { exact: cameraId } } : {}) },
		};
		navigator.mediaDevices
			.getUserMedia(constraints)
			.then(async (s) => {
				if (cancelled) {
					s.getTracks().forEach((tr) => tr.stop());
					return;
				}
				current = s;
				setError(null);
				setStream(s);
				setDevices(await navigator.mediaDevices.enumerateDevices());
			})
			.catch((e: unknown) => {
				const key = mediaErrorMessage(e);
				setError(key ? t(key) : t('common.error', { message: String(e) }));
			});
		return () => {
			cancelled = true;
			if (!handedOver.current) {
				current?.getTracks().forEach((tr) => tr.stop());
			}
		};
	}, [cameraId, micId, t]);

	useEffect(() => {
		if (video.current) {
			video.current.srcObject = stream;
		}
		const track = stream?.getAudioTracks()[0];
		if (!track) {
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

	return (
		<section className="card wide" aria-labelledby="prejoin-title">
			<h2 id="prejoin-title">{t('prejoin.title')}</h2>
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
			<div className="prejoin">
				<video ref={video} autoPlay playsInline muted aria-label={t('prejoin.camera')} />
				<div className="form">
					<label>
						{t('prejoin.camera')}
						<select value={cameraId} onChange={(e) => setCameraId(e.target.value)}>
							<option value="">—</option>
							{devices
								.filter((d) => d.kind === 'videoinput')
								.map((d, i) => (
									<option key={d.deviceId || i} value={d.deviceId}>
										{d.label || `${t('prejoin.camera')} ${i + 1}`}
									</option>
								))}
							<option value="none">{t('prejoin.noCamera')}</option>
						</select>
					</label>
					<label>
						{t('prejoin.microphone')}
						<select value={micId} onChange={(e) => setMicId(e.target.value)}>
							<option value="">—</option>
							{devices
								.filter((d) => d.kind === 'audioinput')
								.map((d, i) => (
									<option key={d.deviceId || i} value={d.deviceId}>
										{d.label || `${t('prejoin.microphone')} ${i + 1}`}
									</option>
								))}
						</select>
					</label>
					<label>
						{t('prejoin.level')}
						<meter min={0} max={100} value={level} aria-label={t('prejoin.level')} />
					</label>
					<button
						type="button"
						className="primary"
						disabled={!stream}
						data-testid="enter-room"
						onClick={() => {
							if (stream) {
								handedOver.current = true;
								onReady(stream);
							}
						}}
					>
						{t('prejoin.enter')}
					</button>
				</div>
			</div>
		</section>
	);
}
