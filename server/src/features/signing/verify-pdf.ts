import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import type { PdfSignatureView } from '#shared/api/signatures.ts';
import { commonName, oneLineName } from './certificate-name.ts';
import { child, content, DerError, expectTag, readDer, readOid, readTime, whole, type DerNode } from './der.ts';
import { dictionaryText, pdfDateToIso } from './pdf-text.ts';

export type PdfSignatureInfo = PdfSignatureView;

const OID = {
	signedData: '1.2.840.113549.1.7.2',
	contentType: '1.2.840.113549.1.9.3',
	messageDigest: '1.2.840.113549.1.9.4',
	signingTime: '1.2.840.113549.1.9.5',
	rsassaPss: '1.2.840.113549.1.1.10',
};

/** Digest algorithms by OID, as node:crypto names them (the bare algorithm and the RSA/ECDSA combined forms CMS signers write). */
const DIGESTS: Record<string, string> = {
	'1.3.14.3.2.26': 'sha1',
	'2.16.840.1.101.3.4.2.1': 'sha256',
	'2.16.840.1.101.3.4.2.2': 'sha384',
	'2.16.840.1.101.3.4.2.3': 'sha512',
	'2.16.840.1.101.3.4.2.4': 'sha224',
	'1.2.840.113549.1.1.5': 'sha1',
	'1.2.840.113549.1.1.11': 'sha256',
	'1.2.840.113549.1.1.12': 'sha384',
	'1.2.840.113549.1.1.13': 'sha512',
	'1.2.840.113549.1.1.14': 'sha224',
};

type SignatureSpot = {
	byteRange: [number, number, number, number];
	/** The bytes between the two ranges: the /Contents hex string, angle brackets included. */
	dictionary: Buffer;
};

/** Where the object holding `at` starts ("12 0 obj"), looked for in the 64 KiB before it; `at` itself when none. */
function lastObjectStart(text: string, at: number): number {
	const from = Math.max(0, at - 65536);
	const pattern = /\d+\s+\d+\s+obj\b/g;
	const window = text.slice(from, at);
	let last = -1;
	for (let match = pattern.exec(window); match; match = pattern.exec(window)) {
		last = match.index;
	}
	return last === -1 ? at : from + last;
}

/** Every /ByteRange with four numbers, once each (an object rewritten by a later update repeats it). */
function findSignatures(pdf: Buffer): SignatureSpot[] {
	const spots = new Map<string, SignatureSpot>();
	const text = pdf.toString('latin1');
	const pattern = /\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g;
	for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
		const byteRange = [Number(match[1]), Number(match[2]), Number(match[3]), Number(match[4])] as [number, number, number, number];
		const key = byteRange.join(' ');
		if (spots.has(key)) {
			continue;
		}
		// The signature dictionary: from its "obj" to its "endobj". The /Contents hex in between
		// holds only hex digits, so neither word can occur inside it.
		const objStart = lastObjectStart(text, match.index);
		const objEnd = text.indexOf('endobj', match.index);
		const dictionary = pdf.subarray(objStart, objEnd === -1 ? pdf.length : objEnd);
		spots.set(key, { byteRange, dictionary });
	}
	// Signing order: each later signature covers more of the file.
	return [...spots.values()].sort((a, b) => a.byteRange[2] + a.byteRange[3] - (b.byteRange[2] + b.byteRange[3]));
}

type SignerInfo = {
	issuerAndSerial: { issuer: Buffer; serial: Buffer } | null;
	digest: string;
	signedAttributes: { der: Buffer; messageDigest: Buffer | null; signingTime: Date | null } | null;
	signatureAlgorithm: string;
	signature: Buffer;
};

type ParsedCms = { certificates: { der: Buffer; issuer: Buffer; serial: Buffer }[]; signer: SignerInfo };

/** The DER of the CMS in /Contents: the hex is padded with zeros up to the placeholder's size. */
function cmsBytes(pdf: Buffer, from: number, to: number): Buffer {
	if (pdf[from] !== 0x3c || pdf[to - 1] !== 0x3e) {
		throw new DerError('the bytes the ByteRange leaves out are not a hex string');
	}
	const hex = pdf.subarray(from + 1, to - 1).toString('latin1').replace(/\s+/g, '');
	if (!/^[0-9a-fA-F]*$/.test(hex)) {
		throw new DerError('the signature contents are not hexadecimal');
	}
	const bytes = Buffer.from(hex.length % 2 === 0 ? hex : `${hex}0`, 'hex');
	const top = readDer(bytes);
	return bytes.subarray(0, top.end);
}

function parseCms(der: Buffer): ParsedCms {
	const contentInfo = expectTag(readDer(der), 0x30, 'ContentInfo');
	if (readOid(der, child(contentInfo, 0, 'content type')) !== OID.signedData) {
		throw new DerError('the signature is not CMS SignedData');
	}
	const signedData = expectTag(child(expectTag(child(contentInfo, 1, 'content'), 0xa0, 'content'), 0, 'SignedData'), 0x30, 'SignedData');
	const certificates: ParsedCms['certificates'] = [];
	let signerInfos: DerNode | undefined;
	for (const node of signedData.children.slice(3)) {
		if (node.tag === 0xa0) {
			for (const cert of node.children) {
				if (cert.tag !== 0x30) {
					continue; // attribute or other certificate formats: not X.509
				}
				const tbs = child(cert, 0, 'tbsCertificate');
				const offset = tbs.children[0]?.tag === 0xa0 ? 1 : 0;
				certificates.push({ der: whole(der, cert), serial: content(der, child(tbs, offset, 'serial number')), issuer: whole(der, child(tbs, offset + 2, 'issuer')) });
			}
		} else if (node.tag === 0x31) {
			signerInfos = node;
		}
	}
	const info = expectTag(child(expectTag(signerInfos ?? ({} as DerNode), 0x31, 'signerInfos'), 0, 'SignerInfo'), 0x30, 'SignerInfo');
	const sid = child(info, 1, 'signer identifier');
	const issuerAndSerial = sid.tag === 0x30 ? { issuer: whole(der, child(sid, 0, 'issuer')), serial: content(der, child(sid, 1, 'serial')) } : null;
	const digestOid = readOid(der, child(child(info, 2, 'digest algorithm'), 0, 'digest algorithm'));
	const digest = DIGESTS[digestOid];
	if (!digest) {
		throw new DerError(`unsupported digest algorithm ${digestOid}`);
	}
	let at = 3;
	let signedAttributes: SignerInfo['signedAttributes'] = null;
	if (info.children[at]?.tag === 0xa0) {
		const attrs = info.children[at]!;
		// Signed over as an explicit SET OF (RFC 5652 5.4): the same bytes with the SET tag.
		const attrsDer = Buffer.from(whole(der, attrs));
		attrsDer[0] = 0x31;
		let messageDigest: Buffer | null = null;
		let signingTime: Date | null = null;
		for (const attr of attrs.children) {
			const type = readOid(der, child(attr, 0, 'attribute type'));
			const value = child(child(attr, 1, 'attribute values'), 0, 'attribute value');
			if (type === OID.messageDigest) {
				messageDigest = content(der, expectTag(value, 0x04, 'messageDigest'));
			} else if (type === OID.signingTime) {
				signingTime = readTime(der, value);
			}
		}
		signedAttributes = { der: attrsDer, messageDigest, signingTime };
		at += 1;
	}
	const signatureAlgorithm = readOid(der, child(child(info, at, 'signature algorithm'), 0, 'signature algorithm'));
	const signature = content(der, expectTag(child(info, at + 1, 'signature'), 0x04, 'signature'));
	return { certificates, signer: { issuerAndSerial, digest, signedAttributes, signatureAlgorithm, signature } };
}

function oneSignature(pdf: Buffer, spot: SignatureSpot, index: number): PdfSignatureInfo {
	const [a, b, c, d] = spot.byteRange;
	const reason = dictionaryText(spot.dictionary, 'Reason') ?? '';
	const location = dictionaryText(spot.dictionary, 'Location') ?? '';
	const claimedTime = pdfDateToIso(dictionaryText(spot.dictionary, 'M'));
	const base: PdfSignatureInfo = {
		index,
		signerName: dictionaryText(spot.dictionary, 'Name') ?? '',
		issuer: '',
		serialNumber: '',
		signedAt: claimedTime,
		reason,
		location,
		valid: false,
		coversWholeDocument: a === 0 && c + d === pdf.length,
		certificateValidAtSigning: false,
	};
	if (a !== 0 || b <= 0 || c <= b || c + d > pdf.length) {
		return { ...base, coversWholeDocument: false, error: `ByteRange [${spot.byteRange.join(' ')}] does not fit the file` };
	}
	try {
		const cms = parseCms(cmsBytes(pdf, b, c));
		const { signer } = cms;
		// The signer's certificate: named by issuer and serial, or (a subject key identifier) whichever key verifies.
		const named = signer.issuerAndSerial
			? cms.certificates.filter((cert) => cert.serial.equals(signer.issuerAndSerial!.serial) && cert.issuer.equals(signer.issuerAndSerial!.issuer))
			: cms.certificates;
		if (named.length === 0) {
			return { ...base, error: 'The signature does not carry the signer’s certificate' };
		}
		if (signer.signatureAlgorithm === OID.rsassaPss) {
			return { ...base, error: 'RSASSA-PSS signatures are not supported' };
		}
		const signedBytes = Buffer.concat([pdf.subarray(0, b), pdf.subarray(c, c + d)]);
		const documentDigest = createHash(signer.digest).update(signedBytes).digest();
		const attributes = signer.signedAttributes;
		const dataSigned = attributes ? attributes.der : signedBytes;
		const digestMatches = attributes ? attributes.messageDigest?.equals(documentDigest) === true : true;
		let certificate: X509Certificate | null = null;
		let signatureVerifies = false;
		for (const candidate of named) {
			const cert = new X509Certificate(candidate.der);
			certificate ??= cert;
			if (verifySignature(signer.digest, dataSigned, cert.publicKey, signer.signature)) {
				certificate = cert;
				signatureVerifies = true;
				break;
			}
		}
		const cert = certificate!;
		const signedAt = attributes?.signingTime?.toISOString() ?? claimedTime;
		// At the time the signer claims, or now when it claims none.
		const at = signedAt ? new Date(signedAt) : new Date();
		const problems = [digestMatches ? '' : 'The signed bytes were changed after signing', signatureVerifies ? '' : 'The signature does not verify with the signer’s certificate'].filter(Boolean);
		return {
			...base,
			signerName: commonName(cert.subject),
			issuer: oneLineName(cert.issuer),
			serialNumber: cert.serialNumber.toUpperCase(),
			signedAt,
			valid: digestMatches && signatureVerifies,
			certificateValidAtSigning: at >= cert.validFromDate && at <= cert.validToDate,
			...(problems.length > 0 ? { error: problems.join('; ') } : {}),
		};
	} catch (error) {
		return { ...base, error: `The signature cannot be read: ${(error as Error).message}` };
	}
}

/**
 * Every signature of a PDF, in signing order (index from 1, as pdfsig counts): who signed, when
 * they say, and whether the bytes they signed are unchanged and the CMS signature verifies with
 * their certificate. Trust in the certificate (a chain to a known CA, revocation) is NOT judged
 * here: `certificateValidAtSigning` only compares the signing time with the certificate's dates.
 */
export function verifyPdfSignatures(pdf: Buffer): PdfSignatureInfo[] {
	return findSignatures(pdf).map((spot, i) => oneSignature(pdf, spot, i + 1));
}
