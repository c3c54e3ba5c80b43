/**
 * Where the speaker chosen on the pre-join screen is remembered, for the room's audio elements
 * (setSinkId) and the next pre-join.
 */
export const SPEAKER_STORAGE_KEY = 'giaoban.speakerId';

type SinkElement = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

/** Whether this browser can send a page's sound to a chosen output device (Chromium can, Firefox on request). */
export function speakerChoiceSupported(): boolean {
	return typeof (HTMLMediaElement.prototype as Partial<SinkElement>).setSinkId === 'function';
}

/**
 * A short rising chime (three notes, under a second) through an <audio> element on the chosen
 * output: what the operator hears is what the meeting's sound will come out of. No sound file to
 * ship; Web Audio makes it.
 */
export async function playChime(sinkId: string): Promise<void> {
	const context = new AudioContext();
	const audio: SinkElement = new Audio();
	try {
		const destination = context.createMediaStreamDestination();
		const start = context.currentTime + 0.05;
		[660, 880, 1320].forEach((frequency, i) => {
			const oscillator = context.createOscillator();
			const gain = context.createGain();
			const at = start + i * 0.25;
			oscillator.frequency.value = frequency;
			// A soft attack and decay: no click at either end.
			gain.gain.setValueAtTime(0, at);
			gain.gain.linearRampToValueAtTime(0.35, at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.001, at + 0.22);
			oscillator.connect(gain).connect(destination);
			oscillator.start(at);
			oscillator.stop(at + 0.23);
		});
		audio.srcObject = destination.stream;
		if (sinkId && audio.setSinkId) {
			await audio.setSinkId(sinkId);
		}
		await audio.play();
		await new Promise((resolve) => setTimeout(resolve, 900));
	} finally {
		audio.pause();
		audio.srcObject = null;
		await context.close();
	}
}
