import type { FastifyPluginAsync } from 'fastify';
import { echoTestLimits, registerEchoTestHandlers, type EchoTestContext } from './echo-test.handlers.ts';

const echoTest: FastifyPluginAsync = async (fastify) => {
	const ctx: EchoTestContext = { workerPool: fastify.workerPool, active: new Map<object, string>(), limits: { ...echoTestLimits } };
	fastify.io.on('connection', (socket) => registerEchoTestHandlers(socket, ctx));
};

export default echoTest;
