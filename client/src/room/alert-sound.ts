/**
 * A short two-tone beep for the chair's alerts (a site dropped, asks to speak, waits), generated
 * with Web Audio so that no audio file has to load over a weak link. The AudioContext is created on
 * the first alert: by then the chair has clicked "Vào họp", which lets the page play sound.
 */
let context: AudioContext | null = null;

export function playAlert(kind: 'lost' | 'floor' | 'waiting'): void {
	try {
		context ??= new AudioContext();
		if (context.state === 'suspended') {
			void context.resume().catch(() => undefined);
		}
		// A falling pair for a drop (something went wrong), a rising pair for a request.
		const tones = kind === 'lost' ? [880, 660] : [660, 880];
		const start = context.currentTime + 0.02;
		tones.forEach((frequency, i) => {
			const oscillator = context!.createOscillator();
			const gain = context!.createGain();
			const at = start + i * 0.16;
			oscillator.type = 'sine';
			oscillator.frequency.value = frequency;
			gain.gain.setValueAtTime(0.0001, at);
			gain.gain.exponentialRampToValueAtTime(0.25, at + 0.02);
			gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.14);
			oscillator.connect(gain).connect(context!.destination);
			oscillator.start(at);
			oscillator.stop(at + 0.15);
		});
	} catch {
		// No sound (no audio output, a browser without Web Audio): the toast still shows.
	}
}
