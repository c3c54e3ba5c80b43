/**
 * A minimal DER/BER reader that keeps byte offsets. The CMS signature is computed over the exact
 * bytes of the signed attributes, so they are taken from the file as they are rather than
 * re-encoded (node-forge's asn1 re-encodes, which is only safe for perfect DER).
 */
export type DerNode = {
	/** The identifier octet: class, constructed bit and tag number (tags > 30 are not used by CMS). */
	tag: number;
	/** Offset of the identifier octet. */
	start: number;
	/** Offset of the first content byte. */
	contentStart: number;
	/** Offset after the last content byte (before an end-of-contents marker). */
	contentEnd: number;
	/** Offset after the whole element, end-of-contents marker included. */
	end: number;
	children: DerNode[];
};

export class DerError extends Error {}

const MAX_DEPTH = 40;

export function readDer(data: Buffer, offset = 0, limit = data.length, depth = 0): DerNode {
	if (depth > MAX_DEPTH) {
		throw new DerError('ASN.1 nested too deeply');
	}
	if (offset + 2 > limit) {
		throw new DerError(`ASN.1 element truncated at ${offset}`);
	}
	const tag = data[offset]!;
	if ((tag & 0x1f) === 0x1f) {
		throw new DerError(`ASN.1 high tag number at ${offset} is not supported`);
	}
	let position = offset + 1;
	const first = data[position++]!;
	const constructed = (tag & 0x20) !== 0;
	if (first === 0x80) {
		// Indefinite length (BER): children up to an end-of-contents marker 00 00.
		if (!constructed) {
			throw new DerError(`indefinite length on a primitive ASN.1 element at ${offset}`);
		}
		const children: DerNode[] = [];
		for (;;) {
			if (position + 2 > limit) {
				throw new DerError(`ASN.1 element at ${offset} has no end-of-contents marker`);
			}
			if (data[position] === 0 && data[position + 1] === 0) {
				return { tag, start: offset, contentStart: offset + 2, contentEnd: position, end: position + 2, children };
			}
			const child = readDer(data, position, limit, depth + 1);
			children.push(child);
			position = child.end;
		}
	}
	let length = first;
	if (first > 0x80) {
		const count = first & 0x7f;
		if (count > 4) {
			throw new DerError(`ASN.1 length too large at ${offset}`);
		}
		length = 0;
		for (let i = 0; i < count; i += 1) {
			if (position >= limit) {
				throw new DerError(`ASN.1 length truncated at ${offset}`);
			}
			length = length * 256 + data[position++]!;
		}
	}
	const contentStart = position;
	const contentEnd = contentStart + length;
	if (contentEnd > limit) {
		throw new DerError(`ASN.1 element at ${offset} runs past its container`);
	}
	const children: DerNode[] = [];
	if (constructed) {
		let at = contentStart;
		while (at < contentEnd) {
			const child = readDer(data, at, contentEnd, depth + 1);
			children.push(child);
			at = child.end;
		}
	}
	return { tag, start: offset, contentStart, contentEnd, end: contentEnd, children };
}

export function content(data: Buffer, node: DerNode): Buffer {
	return data.subarray(node.contentStart, node.contentEnd);
}

export function whole(data: Buffer, node: DerNode): Buffer {
	return data.subarray(node.start, node.end);
}

/** The value of a constructed node's child, or a DerError naming what was expected. */
export function child(node: DerNode, index: number, what: string): DerNode {
	const found = node.children[index];
	if (!found) {
		throw new DerError(`ASN.1: ${what} is missing`);
	}
	return found;
}

export function expectTag(node: DerNode, tag: number, what: string): DerNode {
	if (node.tag !== tag) {
		throw new DerError(`ASN.1: ${what} has tag 0x${node.tag.toString(16)}, expected 0x${tag.toString(16)}`);
	}
	return node;
}

/** Dotted object identifier (X.690 8.19). */
export function readOid(data: Buffer, node: DerNode): string {
	expectTag(node, 0x06, 'object identifier');
	const bytes = content(data, node);
	const parts: number[] = [];
	let value = 0;
	for (const byte of bytes) {
		value = value * 128 + (byte & 0x7f);
		if ((byte & 0x80) === 0) {
			if (parts.length === 0) {
				const first = value < 80 ? Math.floor(value / 40) : 2;
				parts.push(first, value - first * 40);
			} else {
				parts.push(value);
			}
			value = 0;
		}
	}
	return parts.join('.');
}

/** UTCTime or GeneralizedTime as a Date (the forms CMS signers write: seconds, Z or offset). */
export function readTime(data: Buffer, node: DerNode): Date {
	const text = content(data, node).toString('latin1');
	let match: RegExpExecArray | null;
	if (node.tag === 0x17) {
		match = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})$/.exec(text);
		if (match) {
			const yy = Number(match[1]);
			// X.509: 50–99 are 19xx, 00–49 are 20xx.
			return timeOf(String(yy >= 50 ? 1900 + yy : 2000 + yy), match.slice(2, 7), undefined, match[7]!);
		}
	} else if (node.tag === 0x18) {
		match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:[.,](\d+))?(Z|[+-]\d{4})?$/.exec(text);
		if (match) {
			return timeOf(match[1]!, match.slice(2, 7), match[7], match[8] ?? 'Z');
		}
	}
	throw new DerError(`ASN.1: not a time: ${JSON.stringify(text)}`);
}

function timeOf(year: string, [month, day, hour, minute, second]: (string | undefined)[], fraction: string | undefined, zone: string): Date {
	const offset = zone === 'Z' ? 'Z' : `${zone.slice(0, 3)}:${zone.slice(3)}`;
	const ms = fraction ? `.${fraction.padEnd(3, '0').slice(0, 3)}` : '';
	const date = new Date(`${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}${ms}${offset}`);
	if (Number.isNaN(date.getTime())) {
		throw new DerError('ASN.1: invalid time');
	}
	return date;
}
