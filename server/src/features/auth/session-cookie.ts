import type { FastifyReply, FastifyRequest } from 'fastify';
import { SESSION_TTL_MS } from './auth.service.ts';

export const SESSION_COOKIE = 'giaoban_session';

export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, token: string): void {
	void reply.setCookie(SESSION_COOKIE, token, {
		httpOnly: true,
		sameSite: 'lax',
		path: '/',
		secure: request.protocol === 'https',
		maxAge: SESSION_TTL_MS / 1000,
	});
}

export function clearSessionCookie(reply: FastifyReply): void {
	void reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
