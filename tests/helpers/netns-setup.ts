import { setUpMediaNetwork } from './media-path.ts';

/** Global setup of the namespace project: builds the media network once per run. */
export default function setup(): void {
	setUpMediaNetwork();
}
