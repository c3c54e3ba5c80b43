/**
 * The camera is captured at 720p: libwebrtc sends three simulcast layers only from 960×540 up
 * (two at 640×360, dropping the top one), and the large tile needs the top layer.
 */
export const CAMERA_CAPTURE: MediaTrackConstraints = { width: { ideal: 1280 }, height: { ideal: 720 }, frameRate: { ideal: 30 } };

/** Simulcast layers (320×180, 640×360, 1280×720): thumbnails take the lowest, the large tile the top. */
export const CAMERA_ENCODINGS: RTCRtpEncodingParameters[] = [
	{ rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
	{ rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
	{ rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 1_200_000 },
];
