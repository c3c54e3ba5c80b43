import fp from 'fastify-plugin';
import { SigningKeys } from './signing-keys.ts';

export { isIncrementalUpdateOf } from './incremental-update.ts';
export { openPkcs12, SigningKeyError, type SigningCertificateInfo } from './pkcs12.ts';
export { signPdf, type SignatureDetails, type SignerKey } from './sign-pdf.ts';
export { installSigningKey, SigningKeys, trimPassphrase, type SigningKey } from './signing-keys.ts';
export { verifyPdfSignatures, type PdfSignatureInfo } from './verify-pdf.ts';

declare module 'fastify' {
	interface FastifyInstance {
		/** The units' signing certificates the operator installed under SIGNING_DIR. */
		signingKeys: SigningKeys;
	}
}

/** fastify.signingKeys, app-wide (fastify-plugin) for the minutes workflow. */
export default fp(
	async (fastify) => {
		fastify.decorate('signingKeys', new SigningKeys(fastify.config.signingDir, { logger: fastify.log }));
	},
	{ name: 'signing-keys', dependencies: ['config'] }
);
