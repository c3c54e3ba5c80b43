import forge from 'node-forge';

export type TestCertificate = {
	/** PKCS#12 (DER) holding the key and the certificate. */
	p12: Buffer;
	passphrase: string;
	/** The certificate alone, PEM, e.g. for `openssl cms -verify -certfile`. */
	certificatePem: string;
	serialNumber: string;
};

export type TestCertificateOptions = {
	commonName?: string;
	organization?: string;
	passphrase?: string;
	/** Defaults: from yesterday, for one year. */
	notBefore?: Date;
	notAfter?: Date;
	serialNumber?: string;
	/** '3des' is what older CA tools write; the default is forge's AES-128. */
	algorithm?: 'aes128' | 'aes256' | '3des';
};

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * 10 random bytes as even-length hex whose first byte is 0x10–0x7f: positive and minimal in DER
 * (an odd length or a leading 00 makes forge write an issuer-and-serial that matches no certificate).
 */
function randomSerial(): string {
	const bytes = Buffer.from(forge.random.getBytesSync(10), 'binary');
	bytes[0] = (bytes[0]! & 0x6f) | 0x10;
	return bytes.toString('hex');
}

/**
 * A self-signed RSA 2048 signing certificate in a PKCS#12, made at test time with node-forge
 * (nothing secret lives in the repository). The subject is written as UTF8String, as Vietnamese
 * CAs do, so that names with diacritics survive the round trip.
 */
export function makeTestCertificate(options: TestCertificateOptions = {}): TestCertificate {
	const passphrase = options.passphrase ?? 'mat-khau-thu';
	const keys = forge.pki.rsa.generateKeyPair({ bits: 2048, e: 0x10001 });
	const cert = forge.pki.createCertificate();
	cert.publicKey = keys.publicKey;
	const serialNumber = options.serialNumber ?? randomSerial();
	cert.serialNumber = serialNumber;
	const now = Date.now();
	cert.validity.notBefore = options.notBefore ?? new Date(now - DAY_MS);
	cert.validity.notAfter = options.notAfter ?? new Date(now + 365 * DAY_MS);
	const subject = [
		{ shortName: 'CN', value: options.commonName ?? 'Nguyễn Văn A', valueTagClass: forge.asn1.Type.UTF8 },
		{ shortName: 'O', value: options.organization ?? 'UBND xã Sông Lô', valueTagClass: forge.asn1.Type.UTF8 },
		{ shortName: 'C', value: 'VN' },
	] as forge.pki.CertificateField[];
	cert.setSubject(subject);
	cert.setIssuer(subject);
	cert.setExtensions([
		{ name: 'basicConstraints', cA: false },
		{ name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
	]);
	cert.sign(keys.privateKey, forge.md.sha256.create());
	const asn1 = forge.pkcs12.toPkcs12Asn1(keys.privateKey, [cert], passphrase, { algorithm: options.algorithm ?? 'aes128' });
	return {
		p12: Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'),
		passphrase,
		certificatePem: forge.pki.certificateToPem(cert),
		serialNumber,
	};
}
