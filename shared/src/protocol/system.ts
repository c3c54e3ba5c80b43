import { Type } from 'typebox';
import { defineNotifications } from './schema.ts';

export const systemNotifications = defineNotifications({
	/** Sent to every socket when the server begins a graceful shutdown; clients reconnect later. */
	'server:shutting-down': Type.Object({ reconnectAfterMs: Type.Integer() }),
});
