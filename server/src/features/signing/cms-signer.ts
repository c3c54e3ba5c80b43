import { Signer } from '@signpdf/utils';
import forge from 'node-forge';
import type { OpenedPkcs12 } from './pkcs12.ts';

/**
 * The issuer's attributes as forge must be given them to write them back unchanged. forge keeps a
 * parsed UTF8String as its raw UTF-8 bytes but encodes the value to UTF-8 again when it writes a
 * name, so the signer's issuer-and-serial in @signpdf's P12Signer names a certificate that does
 * not exist whenever the issuer has a Vietnamese name ("Sông Lô"): pdfsig then reports "Unknown
 * Validation Failure" and finds no signer.
 */
function issuerForForge(cert: forge.pki.Certificate): forge.pki.CertificateField[] {
	return cert.issuer.attributes.map((attribute) => {
		if ((attribute.valueTagClass as number | undefined) !== forge.asn1.Type.UTF8 || typeof attribute.value !== 'string') {
			return attribute;
		}
		try {
			return { ...attribute, value: forge.util.decodeUtf8(attribute.value) };
		} catch {
			return attribute;
		}
	});
}

/**
 * A detached CMS signature (SHA-256, signed attributes contentType, signingTime, messageDigest)
 * over what @signpdf hands it: @signpdf/signer-p12's P12Signer with the issuer name fixed
 * (issuerForForge) and the PKCS#12 opened once, by loadPkcs12, not on every signature.
 */
export class Pkcs12CmsSigner extends Signer {
	readonly #key: OpenedPkcs12;

	constructor(key: OpenedPkcs12) {
		super();
		this.#key = key;
	}

	override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
		const p7 = forge.pkcs7.createSignedData();
		p7.content = forge.util.createBuffer(pdfBuffer.toString('binary'));
		for (const cert of this.#key.certificates) {
			p7.addCertificate(cert);
		}
		// The attribute order matters to some EU validators (as in P12Signer).
		const signer = {
			key: this.#key.privateKey,
			issuer: issuerForForge(this.#key.certificate),
			serialNumber: this.#key.certificate.serialNumber,
			digestAlgorithm: forge.pki.oids['sha256']!,
			authenticatedAttributes: [
				{ type: forge.pki.oids['contentType']!, value: forge.pki.oids['data']! },
				{ type: forge.pki.oids['signingTime']!, value: (signingTime ?? new Date()) as unknown as string },
				{ type: forge.pki.oids['messageDigest']! },
			],
		};
		// forge's types know only `certificate`; its code takes issuer and serialNumber as well (pkcs7.js addSigner).
		p7.addSigner(signer as unknown as Parameters<typeof p7.addSigner>[0]);
		p7.sign({ detached: true });
		return Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary');
	}
}
