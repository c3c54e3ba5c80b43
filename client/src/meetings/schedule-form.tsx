import { useEffect, useState, type FormEvent } from 'react';
import type { Chair } from '#shared/api/accounts.ts';
import type { JoinLink, MeetingInput, MeetingWithLinks } from '#shared/api/meetings.ts';
import type { District, UnitSummary } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import { navigate } from '../router.tsx';

/** Join links are shown once, right after scheduling; the detail page reads them from here. */
export const freshLinks = new Map<string, JoinLink[]>();

function localInput(date: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function ScheduleForm() {
	const { t } = useI18n();
	const [communes, setCommunes] = useState<UnitSummary[]>([]);
	const [chairs, setChairs] = useState<Chair[]>([]);
	const start = new Date(Date.now() + 3600_000);
	start.setMinutes(0, 0, 0);
	const [form, setForm] = useState({
		title: '',
		description: '',
		location: '',
		startsAt: localInput(start),
		endsAt: localInput(new Date(start.getTime() + 2 * 3600_000)),
		chairId: '',
	});
	const [agenda, setAgenda] = useState<MeetingInput['agenda']>([{ title: '', presenter: '', durationMinutes: 15 }]);
	const [invited, setInvited] = useState<Set<string>>(new Set());
	// On unless switched off: the recording is what the minutes are written from.
	const [recordingEnabled, setRecordingEnabled] = useState(true);
	const [error, setError] = useState<string | null>(null);

	useEffect(() => {
		void api<District>('GET', '/api/district').then((d) => setCommunes(d.communes));
		void api<Chair[]>('GET', '/api/accounts/chairs').then((list) => {
			setChairs(list);
			setForm((f) => ({ ...f, chairId: f.chairId || (list[0]?.id ?? '') }));
		});
	}, []);

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		setError(null);
		try {
			const input: MeetingInput = {
				...form,
				startsAt: new Date(form.startsAt).toISOString(),
				endsAt: new Date(form.endsAt).toISOString(),
				agenda: agenda.filter((a) => a.title.trim() !== ''),
				invitedUnitIds: [...invited],
				recordingEnabled,
			};
			const result = await api<MeetingWithLinks>('POST', '/api/meetings', input);
			freshLinks.set(result.meeting.id, result.joinLinks);
			navigate(`/meetings/${result.meeting.id}`);
		} catch (e) {
			setError(e instanceof Error ? e.message : String(e));
		}
	};

	const set = (key: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [key]: e.target.value });

	return (
		<form className="card wide form" onSubmit={(e) => void submit(e)} aria-labelledby="schedule-title">
			<h2 id="schedule-title">{t('schedule.title')}</h2>
			<label>
				{t('schedule.name')}
				<input name="title" value={form.title} onChange={set('title')} required maxLength={200} />
			</label>
			<label>
				{t('schedule.description')}
				<textarea name="description" value={form.description} onChange={set('description')} maxLength={5000} />
			</label>
			<div className="grid3">
				<label>
					{t('schedule.location')}
					<input name="location" value={form.location} onChange={set('location')} maxLength={200} />
				</label>
				<label>
					{t('schedule.start')}
					<input name="startsAt" type="datetime-local" value={form.startsAt} onChange={set('startsAt')} required />
				</label>
				<label>
					{t('schedule.end')}
					<input name="endsAt" type="datetime-local" value={form.endsAt} onChange={set('endsAt')} required />
				</label>
			</div>
			<label>
				{t('schedule.chair')}
				<select name="chairId" value={form.chairId} onChange={set('chairId')} required>
					{chairs.map((c) => (
						<option key={c.id} value={c.id}>
							{c.displayName}
						</option>
					))}
				</select>
			</label>
			<fieldset>
				<legend>{t('schedule.agenda')}</legend>
				{agenda.map((item, i) => (
					<div className="agenda-row" key={i}>
						<input
							aria-label={`${t('schedule.agendaTitle')} ${i + 1}`}
							placeholder={t('schedule.agendaTitle')}
							value={item.title}
							onChange={(e) => setAgenda(agenda.map((a, j) => (j === i ? { ...a, title: e.target.value } : a)))}
						/>
						<input
							aria-label={`${t('schedule.presenter')} ${i + 1}`}
							placeholder={t('schedule.presenter')}
							value={item.presenter}
							onChange={(e) => setAgenda(agenda.map((a, j) => (j === i ? { ...a, presenter: e.target.value } : a)))}
						/>
						<input
							aria-label={`${t('schedule.minutes')} ${i + 1}`}
							type="number"
							min={1}
							max={480}
							value={item.durationMinutes}
							onChange={(e) => setAgenda(agenda.map((a, j) => (j === i ? { ...a, durationMinutes: Number(e.target.value) } : a)))}
						/>
						<button type="button" onClick={() => setAgenda(agenda.filter((_, j) => j !== i))}>
							{t('schedule.removeItem')}
						</button>
					</div>
				))}
				<button type="button" onClick={() => setAgenda([...agenda, { title: '', presenter: '', durationMinutes: 15 }])}>
					{t('schedule.addItem')}
				</button>
			</fieldset>
			<fieldset>
				<legend>{t('schedule.invited')}</legend>
				<label className="inline">
					<input
						type="checkbox"
						checked={invited.size === communes.length && communes.length > 0}
						onChange={(e) => setInvited(new Set(e.target.checked ? communes.map((c) => c.id) : []))}
					/>
					{t('schedule.all')}
				</label>
				<div className="units">
					{communes.map((c) => (
						<label key={c.id} className="inline">
							<input
								type="checkbox"
								name="invited"
								value={c.id}
								checked={invited.has(c.id)}
								onChange={(e) => {
									const next = new Set(invited);
									if (e.target.checked) {
										next.add(c.id);
									} else {
										next.delete(c.id);
									}
									setInvited(next);
								}}
							/>
							{c.name}
						</label>
					))}
				</div>
			</fieldset>
			<label className="inline">
				<input type="checkbox" name="recordingEnabled" checked={recordingEnabled} onChange={(e) => setRecordingEnabled(e.target.checked)} />
				{t('schedule.recording')}
			</label>
			{error && (
				<p role="alert" className="error">
					{t('common.error', { message: error })}
				</p>
			)}
			<button type="submit" className="primary">
				{t('schedule.submit')}
			</button>
		</form>
	);
}
