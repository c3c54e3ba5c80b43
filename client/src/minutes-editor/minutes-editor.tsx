import { useCallback, useEffect, useId, useMemo, useRef, useState, useSyncExternalStore, type ReactNode } from 'react';
import type * as Y from 'yjs';
import { MINUTES_YDOC_ROOTS, agendaFragmentName } from '#shared/minutes/minutes-ydoc.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import { vi, type MessageKey } from '../i18n/vi.ts';
import type { AppSocket } from '../signaling/socket.ts';
import { useErrorText } from '../ui/error-text.ts';
import { MinutesProvider, type ProviderState } from './minutes-provider.ts';
import { colorFor, sectionOf, usePeers, type Peer, type PresenceUser } from './presence.ts';
import { RichTextSection } from './rich-text-section.tsx';
import { YCheckbox, YCount, YField } from './y-field.tsx';
import { readText, useYRows } from './y-hooks.ts';
import { AddRowButton, YRowList, YRowTable, type RowForm } from './y-row-table.tsx';
import './minutes-editor.css';

export type MinutesEditorProps = {
	minutesId: string;
	/** The page's socket (useSocket); null while it is being opened. */
	socket: AppSocket | null;
	/** What the page knows (MinutesView.abilities.canEdit); the server's answer to the join narrows it. */
	canEdit: boolean;
	/** The workflow status changed (minutes:status, or learnt at join): the page reloads its view. */
	onStatus?: (status: string) => void;
	/** For the link of a machine-made paragraph to its transcript line. */
	meetingId?: string;
	/** Where a transcript line is shown; by default the meeting page with ?segment=<id>. */
	segmentHref?: (segmentId: string) => string | null;
};

/**
 * The minutes as a co-edited form: plain parts as fields over the shared Y.Doc (header, session,
 * attendance rows, agenda titles, tasks, signers, recipients) and rich text per agenda item and
 * for the conclusions (TipTap on the item's fragment). Presence shows who edits what; the save
 * state says "Đã lưu" only when the server stored every change.
 */
export function MinutesEditor({ minutesId, socket, canEdit, onStatus, meetingId, segmentHref }: MinutesEditorProps) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const { user, csrfToken } = useSession();
	const [provider, setProvider] = useState<MinutesProvider | null>(null);
	const [attempt, setAttempt] = useState(0);
	// Read when sending, not when the provider is made: the session may renew its token meanwhile.
	const csrf = useRef(csrfToken);
	csrf.current = csrfToken;

	useEffect(() => {
		if (!socket) {
			return undefined;
		}
		const created = new MinutesProvider(socket, minutesId, { csrfToken: () => csrf.current });
		setProvider(created);
		void created.start();
		return () => {
			created.destroy();
			setProvider(null);
		};
	}, [socket, minutesId, attempt]);

	const presenceUser = useMemo<PresenceUser>(
		() => ({ name: user?.displayName ?? '', unit: user?.unit.name ?? '', color: colorFor(user?.id ?? ''), userId: user?.id ?? '' }),
		[user]
	);

	if (!provider) {
		return <p data-testid="minutes-editor-loading">{t('minutesEditor.loading')}</p>;
	}
	return (
		<ProviderView
			key={`${minutesId}:${attempt}`}
			provider={provider}
			canEdit={canEdit}
			onStatus={onStatus}
			user={presenceUser}
			segmentHref={segmentHref ?? ((id) => (meetingId ? `/meetings/${meetingId}?segment=${encodeURIComponent(id)}#transcript` : null))}
			errorText={errorText}
			onRetry={() => setAttempt((n) => n + 1)}
		/>
	);
}

type ViewProps = {
	provider: MinutesProvider;
	canEdit: boolean;
	onStatus: ((status: string) => void) | undefined;
	user: PresenceUser;
	segmentHref: (segmentId: string) => string | null;
	errorText: (error: unknown) => string;
	onRetry: () => void;
};

function ProviderView({ provider, canEdit, onStatus, user, segmentHref, errorText, onRetry }: ViewProps) {
	const { t } = useI18n();
	const state = useSyncExternalStore(provider.subscribe, provider.getState);

	useEffect(() => {
		provider.awareness.setLocalStateField('user', user);
	}, [provider, user]);

	useEffect(() => {
		if (state.phase === 'ready' && state.online) {
			onStatus?.(state.status);
		}
	}, [state.phase, state.online, state.status, onStatus]);

	if (state.phase === 'loading') {
		return <p data-testid="minutes-editor-loading">{t('minutesEditor.loading')}</p>;
	}
	const editable = canEdit && state.canEdit && state.status === 'draft' && state.phase === 'ready';
	const form = <EditorForm provider={provider} state={state} editable={editable} canEdit={canEdit} user={user} segmentHref={segmentHref} errorText={errorText} />;
	if (state.phase === 'failed') {
		return (
			<>
				<div role="alert" className="minutes-editor-failed" data-testid="minutes-editor-failed">
					<p>{t('minutesEditor.loadFailed', { message: errorText(state.error) })}</p>
					<button type="button" onClick={onRetry}>
						{t('minutesEditor.retry')}
					</button>
				</div>
				{/* What was loaded stays readable (and unsent changes visible) while the editor cannot go on. */}
				{provider.doc.getMap(MINUTES_YDOC_ROOTS.meta).size > 0 && form}
			</>
		);
	}
	return form;
}

const STATUS_KEYS: Record<string, MessageKey> = {
	draft: 'minutesEditor.status.draft',
	submitted: 'minutesEditor.status.submitted',
	approved: 'minutesEditor.status.approved',
	signed: 'minutesEditor.status.signed',
	issued: 'minutesEditor.status.issued',
};

function SaveState({ state, errorText }: { state: ProviderState; errorText: (error: unknown) => string }) {
	const { t } = useI18n();
	let kind: 'saved' | 'pending' | 'sending' | 'offline' | 'refused';
	let text: string;
	if (state.error !== null && state.pending > 0) {
		kind = 'refused';
		text = t('minutesEditor.save.refused', { message: errorText(state.error) });
	} else if (!state.online) {
		kind = 'offline';
		text = state.pending > 0 ? `${t('minutesEditor.save.pending', { count: state.pending })} ${t('minutesEditor.save.offline')}` : t('minutesEditor.save.offline');
	} else if (state.sending) {
		kind = 'sending';
		text = t('minutesEditor.save.sending');
	} else if (state.pending > 0) {
		kind = 'pending';
		text = t('minutesEditor.save.pending', { count: state.pending });
	} else {
		kind = 'saved';
		text = t('minutesEditor.save.saved');
	}
	return (
		<p className={`save-state save-${kind}`} role={kind === 'refused' || kind === 'offline' ? 'alert' : 'status'} data-testid="save-state" data-state={kind}>
			{text}
		</p>
	);
}

type FormProps = {
	provider: MinutesProvider;
	state: ProviderState;
	editable: boolean;
	canEdit: boolean;
	user: PresenceUser;
	segmentHref: (segmentId: string) => string | null;
	errorText: (error: unknown) => string;
};

function EditorForm({ provider, state, editable, canEdit, user, segmentHref, errorText }: FormProps) {
	const { t } = useI18n();
	const { doc, awareness } = provider;
	const meta = doc.getMap<unknown>(MINUTES_YDOC_ROOTS.meta);
	const attendanceArray = doc.getArray<unknown>(MINUTES_YDOC_ROOTS.attendance);
	const agendaArray = doc.getArray<unknown>(MINUTES_YDOC_ROOTS.agenda);
	const attendance = useYRows(attendanceArray);
	const agenda = useYRows(agendaArray);
	const signers = useYRows(doc.getArray<unknown>(MINUTES_YDOC_ROOTS.signers));
	const peers = usePeers(awareness);
	const unitsList = useId();

	const fieldLabel = useCallback(
		(field: string): string => {
			if (field.startsWith('agenda:')) {
				const id = field.slice('agenda:'.length).split('.')[0] ?? '';
				const index = agenda.findIndex((row) => readText(row, 'id') === id);
				const title = index >= 0 ? readText(agenda[index]!, 'title') : '';
				return t('minutesEditor.agenda.field', { number: index + 1, title });
			}
			const key = `minutesEditor.field.${field}`;
			const section = `minutesEditor.section.${sectionOf(field)}`;
			return isKey(key) ? t(key) : isKey(section) ? t(section) : field;
		},
		[agenda, t]
	);

	const field = (name: string, kind: 'text' | 'textarea' | 'date' | 'datetime' = 'text') => (
		<YField
			doc={doc}
			map={meta}
			name={name}
			label={t(`minutesEditor.field.${name}` as MessageKey)}
			kind={kind}
			editable={editable}
			awareness={awareness}
			presence={name}
			testId={`field-${name}`}
		/>
	);

	const rowForm: RowForm = { doc, awareness, editable };
	const chips = (section: string) => <PresenceChips peers={peers.filter((peer) => peer.field !== null && sectionOf(peer.field) === section)} fieldLabel={fieldLabel} />;

	// A person's edit of any field makes the task theirs: the "machine" flag goes in the same change.
	const reviewed = (row: Y.Map<unknown>) => {
		if (row.get('machine') === true) {
			row.set('machine', false);
		}
	};
	const unitChosen = (row: Y.Map<unknown>, name: string) => {
		reviewed(row);
		const match = attendance.find((line) => readText(line, 'unitName') === name);
		const unitId = match ? (match.get('unitId') ?? null) : null;
		if (row.get('unitId') !== unitId) {
			row.set('unitId', unitId);
		}
	};
	const machineBadge = (row: Y.Map<unknown>) => {
		const source = row.get('sourceSegmentId');
		const href = typeof source === 'string' ? segmentHref(source) : null;
		return (
			row.get('machine') === true && (
				<span className="machine-badge" data-testid="machine-badge">
					{t('minutesEditor.machine.badge')}
					{href !== null && (
						<>
							{' · '}
							<a href={href} target="_blank" rel="noopener">
								{t('minutesEditor.machine.source')}
							</a>
						</>
					)}
				</span>
			)
		);
	};

	const statusLabel = t(STATUS_KEYS[state.status] ?? 'minutesEditor.status.draft');
	return (
		<div className="minutes-editor" data-testid="minutes-editor" data-editable={editable ? 'true' : 'false'}>
			<div className="minutes-editor-bar">
				<SaveState state={state} errorText={errorText} />
				<PresenceBar peers={peers} fieldLabel={fieldLabel} />
			</div>
			{state.status !== 'draft' && (
				<p className="read-only-note" role="status" data-testid="read-only-note">
					{t('minutesEditor.readOnly.status', { status: statusLabel })}
				</p>
			)}
			{state.status === 'draft' && (!canEdit || !state.canEdit) && state.phase === 'ready' && state.online && (
				<p className="read-only-note" role="status" data-testid="read-only-note">
					{t('minutesEditor.readOnly.rights')}
				</p>
			)}
			<p className="machine-hint">{t('minutesEditor.machine.hint')}</p>

			<Part name="header" chips={chips}>
				<div className="field-grid">
					{field('header.parentBody')}
					{field('header.issuingBody')}
					{field('header.symbol')}
					{field('header.place')}
					{field('header.date', 'date')}
					{field('header.summary', 'textarea')}
				</div>
			</Part>

			<Part name="session" chips={chips}>
				<div className="field-grid">
					{field('session.startedAt', 'datetime')}
					{field('session.endedAt', 'datetime')}
					{field('session.location')}
					{field('session.onlinePoints')}
					{field('session.chair.name')}
					{field('session.chair.title')}
					{field('session.secretary.name')}
					{field('session.secretary.title')}
					{field('session.otherParticipants', 'textarea')}
				</div>
			</Part>

			<Part name="attendance" chips={chips}>
				<YRowTable
					form={rowForm}
					part="attendance"
					array={attendanceArray}
					columns={[
						{ header: t('minutesEditor.attendance.unit'), field: { name: 'unitName' } },
						{
							header: t('minutesEditor.attendance.present'),
							render: (row) => <YCheckbox doc={doc} map={row} name="present" label={t('minutesEditor.attendance.present')} editable={editable} testId="attendance-present" />,
						},
						{ header: t('minutesEditor.attendance.join'), render: (row) => clockTime(readText(row, 'firstJoinAt')) },
						{ header: t('minutesEditor.attendance.leave'), render: (row) => clockTime(readText(row, 'lastLeaveAt')) },
						{
							header: t('minutesEditor.attendance.minutes'),
							render: (row) => <YCount doc={doc} map={row} name="minutesAttended" label={t('minutesEditor.attendance.minutes')} editable={editable} />,
						},
						{ header: t('minutesEditor.attendance.note'), field: { name: 'note' } },
					]}
					rules={{
						removeName: (row) => readText(row, 'unitName'),
						addLabel: t('minutesEditor.attendance.add'),
						blank: () => ({ id: crypto.randomUUID(), unitId: null, unitName: '', present: true, firstJoinAt: '', lastLeaveAt: '', minutesAttended: 0, note: '' }),
					}}
				/>
			</Part>

			<Part name="agenda">
				{agenda.map((row, index) => {
					const id = readText(row, 'id') || `item-${index + 1}`;
					const presence = `agenda:${id}`;
					return (
						<article key={id} className="agenda-item" data-testid="agenda-item" data-item-id={id}>
							<h4>
								{t('minutesEditor.agenda.item', { number: index + 1 })} {chips(presence)}
							</h4>
							<div className="field-grid">
								<YField doc={doc} map={row} name="title" label={t('minutesEditor.agenda.title')} editable={editable} awareness={awareness} presence={`${presence}.title`} testId="agenda-title" />
								<YField doc={doc} map={row} name="presenter" label={t('minutesEditor.agenda.presenter')} editable={editable} awareness={awareness} presence={`${presence}.presenter`} testId="agenda-presenter" />
							</div>
							<p className="rich-label">{t('minutesEditor.agenda.content')}</p>
							<RichTextSection
								provider={provider}
								fragmentName={agendaFragmentName(id)}
								presence={presence}
								label={`${t('minutesEditor.agenda.item', { number: index + 1 })}: ${t('minutesEditor.agenda.content')}`}
								editable={editable}
								user={user}
								segmentHref={segmentHref}
								testId={`rich-${agendaFragmentName(id)}`}
							/>
						</article>
					);
				})}
				<AddRowButton form={rowForm} array={agendaArray} label={t('minutesEditor.agenda.add')} blank={() => ({ id: crypto.randomUUID(), title: '', presenter: '' })} />
			</Part>

			<Part name="conclusions" chips={chips}>
				<RichTextSection
					provider={provider}
					fragmentName={MINUTES_YDOC_ROOTS.conclusions}
					presence="conclusions"
					label={t('minutesEditor.section.conclusions')}
					editable={editable}
					user={user}
					segmentHref={segmentHref}
					testId="rich-conclusions"
				/>
			</Part>

			<Part name="tasks" chips={chips}>
				<datalist id={unitsList}>
					{attendance.map((row, index) => (
						<option key={readText(row, 'id') || index} value={readText(row, 'unitName')} />
					))}
				</datalist>
				<YRowTable
					form={rowForm}
					part="tasks"
					array={doc.getArray<unknown>(MINUTES_YDOC_ROOTS.tasks)}
					rowAttributes={(row) => ({ testId: 'task-row', className: row.get('machine') === true ? 'machine-row' : undefined })}
					columns={[
						{ header: t('minutesEditor.tasks.unit'), render: machineBadge, field: { name: 'unitName', list: unitsList, also: unitChosen } },
						{ header: t('minutesEditor.tasks.text'), field: { name: 'text', kind: 'textarea', also: reviewed } },
						{ header: t('minutesEditor.tasks.deadline'), field: { name: 'deadline', kind: 'date', also: reviewed } },
					]}
					rules={{
						removeName: (row) => readText(row, 'text').slice(0, 40),
						addLabel: t('minutesEditor.tasks.add'),
						blank: () => ({ id: crypto.randomUUID(), unitId: null, unitName: '', text: '', deadline: '', agendaItemId: '', sourceSegmentId: null, machine: false }),
					}}
				/>
			</Part>

			<Part name="signers" chips={chips}>
				<div className="signers">
					{signers.map((row, index) => (
						<fieldset key={index} data-testid={`signer-${readText(row, 'role')}`}>
							<legend>{t(row.get('role') === 'chair' ? 'minutesEditor.signers.chair' : 'minutesEditor.signers.secretary')}</legend>
							<YField doc={doc} map={row} name="title" label={t('minutesEditor.signers.title')} editable={editable} awareness={awareness} presence="signers" testId="signer-title" />
							<YField doc={doc} map={row} name="name" label={t('minutesEditor.signers.name')} editable={editable} awareness={awareness} presence="signers" testId="signer-name" />
						</fieldset>
					))}
				</div>
			</Part>

			<Part name="recipients" chips={chips}>
				<YRowList
					form={rowForm}
					part="recipients"
					array={doc.getArray<unknown>(MINUTES_YDOC_ROOTS.recipients)}
					columns={[{ header: t('minutesEditor.recipients.name'), field: { name: 'name' } }]}
					rules={{ removeName: (row) => readText(row, 'name'), addLabel: t('minutesEditor.recipients.add'), blank: () => ({ id: crypto.randomUUID(), unitId: null, name: '' }) }}
				/>
				<div className="field-grid">{field('archive')}</div>
			</Part>
		</div>
	);
}

type PartName = 'header' | 'session' | 'attendance' | 'agenda' | 'conclusions' | 'tasks' | 'signers' | 'recipients';

/** One part of the form, titled by its section name; `chips` shows who edits in it. */
function Part({ name, chips, children }: { name: PartName; chips?: (section: string) => ReactNode; children: ReactNode }) {
	const { t } = useI18n();
	const title = t(`minutesEditor.section.${name}`);
	return (
		<section className="minutes-part" aria-labelledby={`me-${name}`}>
			<h3 id={`me-${name}`}>
				{chips ? (
					<>
						{title} {chips(name)}
					</>
				) : (
					title
				)}
			</h3>
			{children}
		</section>
	);
}

function isKey(key: string): key is MessageKey {
	return Object.hasOwn(vi, key);
}

/** An instant as Vietnamese wall-clock time "HH:mm", or "" when unknown. */
function clockTime(value: string): string {
	const time = Date.parse(value);
	if (value === '' || Number.isNaN(time)) {
		return '';
	}
	return new Date(time + 7 * 3600_000).toISOString().slice(11, 16);
}

function PresenceChips({ peers, fieldLabel }: { peers: Peer[]; fieldLabel: (field: string) => string }) {
	const { t } = useI18n();
	if (peers.length === 0) {
		return null;
	}
	return (
		<span className="presence-chips">
			{peers.map((peer) => (
				<span key={peer.clientId} className="presence-chip" style={{ borderColor: peer.color }} data-testid="presence-chip">
					{t('minutesEditor.presence.editing', { name: peer.name, field: fieldLabel(peer.field ?? '') })}
				</span>
			))}
		</span>
	);
}

function PresenceBar({ peers, fieldLabel }: { peers: Peer[]; fieldLabel: (field: string) => string }) {
	const { t } = useI18n();
	return (
		<div className="presence-bar" data-testid="presence-bar" aria-live="polite">
			{peers.length === 0 ? (
				<span>{t('minutesEditor.presence.alone')}</span>
			) : (
				<>
					<span>{t('minutesEditor.presence.title')}:</span>
					{peers.map((peer) => (
						<span key={peer.clientId} className="presence-chip" style={{ borderColor: peer.color }} title={peer.unit} data-testid="presence-peer">
							{peer.field
								? t('minutesEditor.presence.editing', { name: peer.name, field: fieldLabel(peer.field) })
								: t('minutesEditor.presence.viewing', { name: peer.name })}
						</span>
					))}
				</>
			)}
		</div>
	);
}
