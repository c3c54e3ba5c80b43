/** The last non-empty lines of a program's stderr, for an error message (never a whole dump). */
export function lastLines(text: string, count = 3): string {
	return text
		.split('\n')
		.map((line) => line.trim())
		.filter((line) => line !== '')
		.slice(-count)
		.join(' | ');
}
