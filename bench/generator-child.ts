/**
 * The child process of GeneratorProcess (bench/synthetic-media.ts): a Generator driven over IPC,
 * away from the bench process so that the CPU the synthetic sites cost is measured apart.
 */
import { Generator, type GeneratorCommand, type GeneratorReply } from './synthetic-media.ts';

let generator: Generator | undefined;
const reply = (message: GeneratorReply) => process.send!(message);

process.on('message', (command: GeneratorCommand) => {
	if (command.type === 'start') {
		generator?.close();
		generator = new Generator(command.targets);
		generator.start();
		reply({ type: 'started' });
	} else if (command.type === 'reset') {
		generator?.resetCounters();
		reply({ type: 'reset' });
	} else if (generator) {
		generator.stop();
		reply({ type: 'stopped', counts: generator.counts() });
	}
});
// The bench process went away (or closed us): nothing is left to send to.
process.on('disconnect', () => {
	generator?.close();
	process.exit(0);
});
