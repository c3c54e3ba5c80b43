import { useEffect, useRef, useState } from 'react';
import type { ParticipantView } from '#shared/protocol/index.ts';
import { useI18n } from '../i18n/index.tsx';
import { request, type AppSocket } from '../signaling/socket.ts';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { Icon } from './icons.tsx';

type SiteEvent = 'floor:grant' | 'chair:mute' | 'chair:ask-unmute';

/**
 * The chair's actions on one site behind one button, so that a row stays one line at 30+ sites:
 * the everyday ones first, removal apart and in red, asking first.
 */
export function SiteMenu({ participant, socket, act }: { participant: ParticipantView; socket: AppSocket; act: (fn: () => Promise<unknown>) => () => void }) {
	const { t } = useI18n();
	const confirm = useConfirm();
	const [open, setOpen] = useState(false);
	const root = useRef<HTMLSpanElement>(null);
	const opener = useRef<HTMLButtonElement>(null);
	useEffect(() => {
		if (!open) {
			return undefined;
		}
		const outside = (event: PointerEvent) => {
			if (!root.current?.contains(event.target as Node)) {
				setOpen(false);
			}
		};
		document.addEventListener('pointerdown', outside);
		const first = root.current?.querySelector<HTMLElement>('[role=menuitem]');
		first?.focus();
		root.current?.querySelector('[role=menu]')?.scrollIntoView({ block: 'nearest' });
		return () => document.removeEventListener('pointerdown', outside);
	}, [open]);
	const close = () => {
		setOpen(false);
		opener.current?.focus();
	};
	const item = (event: SiteEvent, label: string, testId: string) => (
		<button
			type="button"
			role="menuitem"
			data-testid={testId}
			onClick={() => {
				close();
				act(() => request(socket, event, { participantId: participant.id }))();
			}}
		>
			{label}
		</button>
	);
	const remove = async () => {
		close();
		const choice = await confirm({
			title: t('room.confirm.remove.title', { unit: participant.unitName }),
			message: t('room.confirm.remove.message'),
			choices: [{ value: 'remove', label: t('room.confirm.remove.ok'), danger: true, testId: 'confirm-remove' }],
		});
		if (choice === 'remove') {
			await request(socket, 'chair:remove', { participantId: participant.id });
		}
	};
	return (
		<span
			className="site-menu"
			ref={root}
			onKeyDown={(event) => {
				if (event.key === 'Escape' && open) {
					event.stopPropagation();
					close();
				}
				if ((event.key === 'ArrowDown' || event.key === 'ArrowUp') && open) {
					event.preventDefault();
					const items = [...(root.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
					const at = items.indexOf(document.activeElement as HTMLElement);
					items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
				}
			}}
		>
			<button
				ref={opener}
				type="button"
				className="small menu-opener"
				data-testid="site-menu"
				aria-haspopup="menu"
				aria-expanded={open}
				aria-label={t('room.menu.label', { unit: participant.unitName })}
				onClick={() => setOpen((o) => !o)}
			>
				<Icon name="more" />
				<span aria-hidden="true">{t('room.menu.open')}</span>
			</button>
			{open && (
				<span className="menu" role="menu" aria-label={t('room.menu.label', { unit: participant.unitName })}>
					{item('floor:grant', t('room.grant'), 'grant')}
					{item('chair:mute', t('room.mute'), 'mute')}
					{item('chair:ask-unmute', t('room.askUnmute'), 'ask-unmute')}
					<span className="menu-separator" role="separator" />
					<button type="button" role="menuitem" className="danger" data-testid="remove" onClick={act(remove)}>
						{t('room.menu.remove')}
					</button>
				</span>
			)}
		</span>
	);
}
