/** Line icons drawn in code (no icon font or image files), always beside a word, so hidden from screen readers. */
const PATHS = {
	mic: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8',
	micOff: 'M12 3a3 3 0 0 0-3 3v6a3 3 0 0 0 6 0V6a3 3 0 0 0-3-3zM5 11a7 7 0 0 0 14 0M12 18v3M8 21h8M3 3l18 18',
	camera: 'M3 7h12v10H3zM15 10l6-3v10l-6-3',
	cameraOff: 'M3 7h12v10H3zM15 10l6-3v10l-6-3M2 3l19 18',
	screen: 'M3 4h18v12H3zM8 20h8M12 16v4',
	hand: 'M8 13V5.5a1.5 1.5 0 0 1 3 0V12M11 11V4.5a1.5 1.5 0 0 1 3 0V12M14 11.5V6a1.5 1.5 0 0 1 3 0v8a7 7 0 0 1-7 7h-.5A6.5 6.5 0 0 1 4 15.5V11a1.5 1.5 0 0 1 3 0v3',
	fullscreen: 'M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5',
	exitFullscreen: 'M9 4v5H4M20 9h-5V4M15 20v-5h5M4 15h5v5',
	leave: 'M15 4h4v16h-4M10 8l-4 4 4 4M6 12h10',
	more: 'M5 12h.01M12 12h.01M19 12h.01',
	speaker: 'M4 9v6h4l5 4V5L8 9zM16 9a4 4 0 0 1 0 6M19 6a8 8 0 0 1 0 12',
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name }: { name: IconName }) {
	return (
		<svg className="icon" viewBox="0 0 24 24" width="24" height="24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
			<path d={PATHS[name]} />
		</svg>
	);
}
