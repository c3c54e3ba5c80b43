import type { FastifyPluginAsync } from 'fastify';
import type { Peer } from '../../sfu/peer.ts';
import { registerEchoTestHandlers } from './echo-test.handlers.ts';

const echoTest: FastifyPluginAsync = async (fastify) => {
	const ctx = { workerPool: fastify.workerPool, active: new Set<Peer>(), maxSessions: 50 };
	fastify.io.on('connection', (socket) => registerEchoTestHandlers(socket, ctx));
};

export default echoTest;
