import { Type, type Static } from 'typebox';

/** One digital signature found in a PDF, as server/src/features/signing reads it. */
export const PdfSignatureView = Type.Object({
	/** 1 for the first signature in signing order (as pdfsig counts). */
	index: Type.Integer({ minimum: 1 }),
	/** The signer certificate's common name (the /Name of the signature when the certificate cannot be read). */
	signerName: Type.String(),
	/** The certificate issuer's distinguished name, e.g. "CN=…, O=…, C=VN". */
	issuer: Type.String(),
	/** The certificate's serial number in upper-case hex. */
	serialNumber: Type.String(),
	/** When the signer says it signed (CMS signingTime, else the signature's /M), ISO 8601; null when neither is given. */
	signedAt: Type.Union([Type.String(), Type.Null()]),
	reason: Type.String(),
	location: Type.String(),
	/** The signed bytes are unchanged and the signature verifies with the signer's certificate (trust in the certificate is not judged). */
	valid: Type.Boolean(),
	/** The signature covers the file to its end: false for a signature with later updates after it. */
	coversWholeDocument: Type.Boolean(),
	/** The signing time (or now, when none is given) lies within the certificate's validity dates. */
	certificateValidAtSigning: Type.Boolean(),
	/** Why the signature is not valid, when it is not. */
	error: Type.Optional(Type.String()),
});
export type PdfSignatureView = Static<typeof PdfSignatureView>;
