import { UnavailableError } from '../../lib/errors.ts';

/**
 * Why a transcription could not run. The first five need an operator (configure a model, run the
 * setup, fix the recording) and fail the same way on every retry; 'failed' (whisper-cli crashed or
 * stopped without a result) may succeed on another try.
 */
export type TranscriptionProblem = 'no-model' | 'model-missing' | 'model-invalid' | 'no-program' | 'bad-audio' | 'failed';

/** Transcription is unavailable (code 'unavailable', 503); the message says what to do. */
export class TranscriptionError extends UnavailableError {
	readonly problem: TranscriptionProblem;

	constructor(problem: TranscriptionProblem, message: string) {
		super(message);
		this.problem = problem;
	}

	/** Whether trying the same work again may succeed without anyone changing anything. */
	get retryable(): boolean {
		return this.problem === 'failed';
	}
}
