/** The common name of a distinguished name as node:crypto prints it (one "KEY=value" per line). */
export function commonName(distinguishedName: string): string {
	const lines = distinguishedName.split('\n');
	const line = lines.find((part) => part.startsWith('CN=')) ?? lines[0] ?? '';
	return line.replace(/^CN=/, '').normalize('NFC');
}

/** A distinguished name on one line, most specific first: "CN=…, O=…, C=VN". */
export function oneLineName(distinguishedName: string): string {
	const parts = distinguishedName.split('\n').filter(Boolean);
	// node:crypto keeps the certificate's order; CAs write C first, forge and some tools CN first.
	const ordered = parts[0]?.startsWith('CN=') ? parts : [...parts].reverse();
	return ordered.join(', ').normalize('NFC');
}
