/** The end of a PDF's last "%%EOF" marker, or -1. */
function endOfLastEof(pdf: Buffer): number {
	const at = pdf.lastIndexOf('%%EOF', undefined, 'latin1');
	return at === -1 ? -1 : at + 5;
}

/**
 * Whether `signed` is `original` with an incremental update appended (what a signature made
 * elsewhere, e.g. with a USB token, must be): it starts with exactly the original's bytes and
 * goes on with a complete update ending in its own %%EOF. The original's line ending after its
 * final %%EOF may be left out (signers trim it before appending), nothing else.
 */
export function isIncrementalUpdateOf(signed: Buffer, original: Buffer): boolean {
	const eof = endOfLastEof(original);
	if (eof === -1) {
		return false;
	}
	const tail = original.subarray(eof);
	if (!/^[\r\n]*$/.test(tail.toString('latin1'))) {
		return false;
	}
	if (!signed.subarray(0, eof).equals(original.subarray(0, eof))) {
		return false;
	}
	// Either the whole original, line ending included, or the original without it.
	const prefixLength = signed.subarray(eof, original.length).equals(tail) ? original.length : eof;
	const update = signed.subarray(prefixLength);
	return update.length > 0 && /%%EOF[\r\n]*$/.test(update.subarray(-16).toString('latin1')) && update.includes('startxref', 0, 'latin1');
}
