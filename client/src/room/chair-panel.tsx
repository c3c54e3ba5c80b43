import type { RoomSnapshot } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { request, type AppSocket } from '../signaling/socket.ts';
import { useConfirm } from '../ui/confirm-dialog.tsx';

/**
 * The chair's room-wide actions: mute everyone, lock, pause the recording, end the meeting (asking
 * first), and whether communes entering from now on start muted (large meetings).
 */
export function ChairPanel({ snapshot, socket, act }: { snapshot: RoomSnapshot; socket: AppSocket; act: (fn: () => Promise<unknown>) => () => void }) {
	const { t } = useI18n();
	const confirm = useConfirm();
	const end = async () => {
		const choice = await confirm({
			title: t('room.confirm.end.title'),
			message: t('room.confirm.end.message'),
			choices: [{ value: 'end', label: t('room.end'), danger: true, testId: 'confirm-end' }],
		});
		if (choice === 'end') {
			await request(socket, 'chair:end', {});
		}
	};
	return (
		<section aria-labelledby="chair-title" className="chair-panel">
			<h3 id="chair-title">{t('room.chairControls')}</h3>
			<div className="chair-actions">
				<button type="button" className="small" data-testid="mute-all" onClick={act(() => request(socket, 'chair:mute-all', {}))}>
					{t('room.muteAll')}
				</button>
				<button type="button" className="small" data-testid="toggle-lock" data-locked={String(snapshot.locked)} onClick={act(() => request(socket, 'chair:lock', { locked: !snapshot.locked }))}>
					{snapshot.locked ? t('room.unlock') : t('room.lock')}
				</button>
				{snapshot.recording.enabled && (
					<button type="button" className="small" data-testid="toggle-recording" onClick={act(() => request(socket, 'chair:recording', { paused: !snapshot.recording.paused }))}>
						{snapshot.recording.paused ? t('room.recording.resume') : t('room.recording.pause')}
					</button>
				)}
				<button type="button" className="small danger" data-testid="end-meeting" onClick={act(end)}>
					{t('room.end')}
				</button>
			</div>
			{/* Shows the room's setting, not a local one: it changes when the server says so. */}
			<label className="inline join-muted" title={t('room.joinMuted.hint')}>
				<input
					type="checkbox"
					data-testid="join-muted"
					checked={snapshot.settings.joinMuted}
					onChange={(e) => act(() => request(socket, 'chair:join-muted', { joinMuted: e.target.checked }))()}
				/>
				{t('room.joinMuted')}
			</label>
		</section>
	);
}
