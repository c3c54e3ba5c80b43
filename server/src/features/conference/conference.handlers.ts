import type { LeaveReason } from '#shared/api/meetings.ts';
import type { NotificationName, NotificationOf } from '#shared/protocol/index.ts';
import { onDisconnect, onRequest } from '../../lib/define-handler.ts';
import { InvalidStateError } from '../../lib/errors.ts';
import { asWire } from '../../lib/wire.ts';
import type { AppSocket } from '../../plugins/app/socket-io.ts';
import type { MeetingsRepository } from '../meetings/meetings.repository.ts';
import { bindPeer } from '../media/socket-peer.ts';
import type { Conference } from './conference.ts';
import type { ConferenceRegistry } from './conference-registry.ts';
import { resolveJoin } from './join-resolver.ts';

export type ConferenceContext = { registry: ConferenceRegistry; meetings: MeetingsRepository };

type Membership = { conference: Conference; participantId: string };

const memberships = new WeakMap<AppSocket, Membership>();

function membershipOf(socket: AppSocket): Membership {
	const membership = memberships.get(socket);
	if (!membership || membership.conference.closed || !membership.conference.participant(membership.participantId)) {
		throw new InvalidStateError('Join the meeting first', { reason: 'not_in_meeting' });
	}
	return membership;
}

async function leaveCurrent(socket: AppSocket, reason: LeaveReason): Promise<void> {
	const membership = memberships.get(socket);
	if (!membership) {
		return;
	}
	memberships.delete(socket);
	await membership.conference.leave(membership.participantId, reason);
}

/**
 * The room:*, floor:*, chair:* and waiting:* requests of one socket. define-handler runs them one
 * at a time per socket; the Conference orders them across sockets.
 */
export function registerConferenceHandlers(socket: AppSocket, ctx: ConferenceContext): void {
	const notify = <K extends NotificationName>(event: K, payload: NotificationOf<K>): void => {
		// Active-speaker hints may be dropped under load; everything else is delivered in order.
		const target = event === 'room:active-speaker' ? socket.volatile : socket;
		(target as unknown as { emit: (e: string, p: unknown) => boolean }).emit(event, payload);
		if (event === 'room:closed') {
			memberships.delete(socket);
		}
	};
	const connection = { id: socket.id, notify, address: socket.data.address };

	onRequest(socket, 'room:join', async (request) => {
		const target = await resolveJoin(ctx.meetings, socket.data.user, request);
		await leaveCurrent(socket, 'left');
		// Asked again in the room's queue: the link or invitation may be revoked while this waits.
		const recheck = async (): Promise<void> => {
			await resolveJoin(ctx.meetings, socket.data.user, request);
		};
		const { conference, result } = await ctx.registry.join(target.meeting.id, target.identity, connection, recheck);
		if (result.status === 'waiting') {
			memberships.set(socket, { conference, participantId: result.id });
			return { status: 'waiting' as const, participantId: result.id, meetingTitle: conference.title };
		}
		const { participant } = result;
		memberships.set(socket, { conference, participantId: participant.id });
		bindPeer(socket, participant.peer, 'conference');
		socket.data.log.info({ meetingId: conference.meetingId, unitId: participant.unitId, participantId: participant.id }, 'site joined');
		return {
			status: 'joined' as const,
			participantId: participant.id,
			routerRtpCapabilities: asWire(conference.routerRtpCapabilities),
			snapshot: conference.snapshotFor(participant.id),
		};
	});

	onRequest(socket, 'room:leave', async () => {
		await leaveCurrent(socket, 'left');
		return {};
	});

	onRequest(socket, 'room:set-state', async ({ audioOnly }) => {
		const { conference, participantId } = membershipOf(socket);
		await conference.setState(participantId, { audioOnly });
		return {};
	});

	onRequest(socket, 'producer:pause', async ({ producerId }) => {
		const { conference, participantId } = membershipOf(socket);
		await conference.setOwnProducerPaused(participantId, producerId, true);
		return {};
	});

	onRequest(socket, 'producer:resume', async ({ producerId }) => {
		const { conference, participantId } = membershipOf(socket);
		await conference.setOwnProducerPaused(participantId, producerId, false);
		return {};
	});

	onRequest(socket, 'room:resync', async () => {
		const { conference, participantId } = membershipOf(socket);
		return conference.snapshotFor(participantId, { fresh: true });
	});

	onRequest(socket, 'room:receive', async ({ rtpCapabilities }) => {
		const { conference, participantId } = membershipOf(socket);
		await conference.receive(participantId, asWire(rtpCapabilities));
		return {};
	});

	onRequest(socket, 'room:view', async (view) => {
		const { conference, participantId } = membershipOf(socket);
		return { thumbnails: await conference.view(participantId, view) };
	});

	onRequest(socket, 'chair:join-muted', async ({ joinMuted }) => {
		const { conference, participantId } = membershipOf(socket);
		await conference.setJoinMuted(participantId, joinMuted);
		return {};
	});

	onRequest(socket, 'floor:request', async () => {
		const { conference, participantId } = membershipOf(socket);
		return { position: await conference.requestFloor(participantId) };
	});

	onRequest(socket, 'floor:cancel', async () => {
		const { conference, participantId } = membershipOf(socket);
		await conference.cancelFloor(participantId);
		return {};
	});

	// Chair actions on one target site: the Conference checks that the caller is the chair.
	const onTarget =
		(act: (conference: Conference, chairId: string, targetId: string) => Promise<void>) =>
		async ({ participantId: targetId }: { participantId: string }): Promise<Record<string, never>> => {
			const { conference, participantId } = membershipOf(socket);
			await act(conference, participantId, targetId);
			return {};
		};
	onRequest(socket, 'floor:grant', onTarget((c, chairId, targetId) => c.grantFloor(chairId, targetId)));
	onRequest(socket, 'floor:skip', onTarget((c, chairId, targetId) => c.skipFloor(chairId, targetId)));
	onRequest(socket, 'floor:decline', onTarget((c, chairId, targetId) => c.declineFloor(chairId, targetId)));
	onRequest(socket, 'chair:mute', onTarget((c, chairId, targetId) => c.mute(chairId, targetId)));
	onRequest(socket, 'chair:ask-unmute', onTarget((c, chairId, targetId) => c.askUnmute(chairId, targetId)));
	onRequest(socket, 'chair:remove', onTarget((c, chairId, targetId) => c.remove(chairId, targetId)));
	onRequest(socket, 'waiting:admit', onTarget((c, chairId, targetId) => c.admit(chairId, targetId)));
	onRequest(socket, 'waiting:deny', onTarget((c, chairId, targetId) => c.deny(chairId, targetId)));

	onRequest(socket, 'floor:end', async () => {
		const { conference, participantId } = membershipOf(socket);
		await conference.endFloor(participantId);
		return {};
	});

	onRequest(socket, 'chair:mute-all', async () => {
		const { conference, participantId } = membershipOf(socket);
		return { muted: await conference.muteAll(participantId) };
	});

	onRequest(socket, 'chair:lock', async ({ locked }) => {
		const { conference, participantId } = membershipOf(socket);
		await conference.lock(participantId, locked);
		return {};
	});

	onRequest(socket, 'chair:recording', async ({ paused }) => {
		const { conference, participantId } = membershipOf(socket);
		await conference.pauseRecording(participantId, paused);
		return {};
	});

	onRequest(socket, 'chair:end', async () => {
		const { conference, participantId } = membershipOf(socket);
		await conference.end(participantId);
		return {};
	});

	// Runs after every request the socket sent before it: a join still in progress completes first
	// and is then left, instead of leaving a site behind that nobody will ever disconnect.
	onDisconnect(socket, () => leaveCurrent(socket, socket.data.serverClosing ? 'server-restart' : 'disconnected'));
}
