import { X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { commonName, oneLineName } from './certificate-name.ts';
import { InvalidStateError } from '../../lib/errors.ts';

/** What the operator and the minutes page may see of a signing certificate. */
export type SigningCertificateInfo = {
	commonName: string;
	issuer: string;
	serialNumber: string;
	notBefore: string;
	notAfter: string;
};

/**
 * A unit's signing certificate that cannot be used (wrong passphrase, no key, a key type the
 * signer cannot use). The message names the problem but no file path: it may reach the client.
 */
export class SigningKeyError extends InvalidStateError {
	constructor(message: string, options?: ErrorOptions) {
		super(message, { ...options, reason: 'signing_key_missing' });
	}
}

// PKCS#12 bag types (RFC 7292 4.2).
const OIDS = { keyBag: '1.2.840.113549.1.12.10.1.1', shroudedKeyBag: '1.2.840.113549.1.12.10.1.2', certBag: '1.2.840.113549.1.12.10.1.3' };

export type OpenedPkcs12 = {
	privateKey: forge.pki.rsa.PrivateKey;
	/** The certificate of the private key. */
	certificate: forge.pki.Certificate;
	/** Every certificate in the file (the key's and any CA certificates), for the CMS. */
	certificates: forge.pki.Certificate[];
	info: SigningCertificateInfo;
};

/**
 * Opens a PKCS#12 with node-forge, as @signpdf's P12 signer does, and checks that it holds an RSA
 * private key with its certificate; says in plain words what is wrong otherwise.
 */
export function loadPkcs12(p12: Buffer, passphrase: string): OpenedPkcs12 {
	let pfx: forge.pkcs12.Pkcs12Pfx;
	try {
		const asn1 = forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary')));
		pfx = forge.pkcs12.pkcs12FromAsn1(asn1, false, passphrase);
	} catch (error) {
		const message = (error as Error).message;
		if (/MAC could not be verified|Invalid password/i.test(message)) {
			throw new SigningKeyError('The signing certificate does not open with its passphrase (wrong passphrase?)', { cause: error });
		}
		if (/Failed to decrypt/i.test(message)) {
			// forge derives PBES2 keys from the passphrase differently from OpenSSL 3 when it is not ASCII.
			throw new SigningKeyError('The PKCS#12 file cannot be decrypted with this passphrase: if it has non-ASCII characters, export the file again with a passphrase of ASCII letters and digits', { cause: error });
		}
		if (/not RSA/i.test(message)) {
			throw new SigningKeyError('The signing certificate’s key is not RSA: only RSA keys can sign here', { cause: error });
		}
		throw new SigningKeyError(`The signing certificate is not a PKCS#12 file that can be read: ${message}`, { cause: error });
	}
	const bagsOf = (type: string) => pfx.getBags({ bagType: type })[type] ?? [];
	const keyBags = [...bagsOf(OIDS.shroudedKeyBag), ...bagsOf(OIDS.keyBag)];
	const key = keyBags.find((bag) => bag.key)?.key;
	if (!key) {
		throw new SigningKeyError(keyBags.length > 0 ? 'The signing certificate’s key is not RSA: only RSA keys can sign here' : 'The PKCS#12 file holds no private key');
	}
	const certs = bagsOf(OIDS.certBag).flatMap((bag) => (bag.cert ? [bag.cert] : []));
	const cert = certs.find((candidate) => {
		const publicKey = candidate.publicKey as forge.pki.rsa.PublicKey;
		return publicKey.n?.compareTo(key.n) === 0 && publicKey.e?.compareTo(key.e) === 0;
	});
	if (!cert) {
		throw new SigningKeyError('The PKCS#12 file holds no certificate for its private key');
	}
	// Read back by node:crypto, as verifyPdfSignatures reads it (forge leaves UTF8String names as raw bytes).
	const x509 = new X509Certificate(forge.pki.certificateToPem(cert));
	const info = {
		commonName: commonName(x509.subject),
		issuer: oneLineName(x509.issuer),
		serialNumber: x509.serialNumber.toUpperCase(),
		notBefore: x509.validFromDate.toISOString(),
		notAfter: x509.validToDate.toISOString(),
	};
	return { privateKey: key, certificate: cert, certificates: certs, info };
}

/** Checks a PKCS#12 and its passphrase (see loadPkcs12); what may be shown of its certificate. */
export function openPkcs12(p12: Buffer, passphrase: string): SigningCertificateInfo {
	return loadPkcs12(p12, passphrase).info;
}
