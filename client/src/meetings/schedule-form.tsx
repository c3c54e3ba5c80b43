import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Chair } from '#shared/api/accounts.ts';
import { JOIN_MUTED_FROM_UNITS, type MeetingInput, type MeetingWithLinks } from '#shared/api/meetings.ts';
import type { HostUnit, UnitSummary } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { navigate } from '../router.tsx';
import { errorCause, useErrorText } from '../ui/error-text.ts';
import { freshLinks } from './fresh-links.ts';
import './schedule-form.css';

function fieldErrorId(field: string): string {
	return `schedule-error-${field.replaceAll('/', '-')}`;
}

function localInput(date: Date): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/**
 * The inputs a message can stand beside, in the order of the form: the first one at fault gets
 * the focus. Agenda titles are `agenda/<row>/title`, as the server names them.
 */
const FIELD_ORDER = ['title', 'startsAt', 'endsAt', 'chairId', 'agenda', 'invitedUnitIds', 'recordingEnabled', 'joinMuted'];


/** Field name (as in FIELD_ORDER, or agenda/<row>/title) → its message. */
type FieldErrors = Partial<Record<string, string>> & { title?: string; startsAt?: string; endsAt?: string; chairId?: string };

function fieldRank(field: string): number {
	const rank = FIELD_ORDER.indexOf(field.split('/')[0] ?? field);
	return rank < 0 ? FIELD_ORDER.length : rank;
}

/** The element that shows a field's message: the input itself, or the group for a list of checkboxes. */
function fieldElement(form: HTMLFormElement, field: string): HTMLElement | null {
	return form.querySelector<HTMLElement>(`[data-field="${CSS.escape(field)}"]`);
}

export function ScheduleForm() {
	const { t } = useI18n();
	const errorText = useErrorText();
	const formRef = useRef<HTMLFormElement>(null);
	const focusNext = useRef<string | null>(null);
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
	// Follows the number of invited units until the user ticks or unticks it; then it is theirs.
	const [joinMutedChoice, setJoinMutedChoice] = useState<boolean | null>(null);
	const joinMuted = joinMutedChoice ?? invited.size >= JOIN_MUTED_FROM_UNITS;
	const [error, setError] = useState<string | null>(null);
	const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});

	useEffect(() => {
		void api<HostUnit>('GET', '/api/host-unit').then((d) => setCommunes(d.members));
		void api<Chair[]>('GET', '/api/accounts/chairs').then((list) => {
			setChairs(list);
			setForm((f) => ({ ...f, chairId: f.chairId || (list[0]?.id ?? '') }));
		});
	}, []);

	/** Shows the messages beside their inputs and moves the focus to the first input at fault. */
	const showFieldErrors = (errors: FieldErrors) => {
		focusNext.current = Object.keys(errors).sort((a, b) => fieldRank(a) - fieldRank(b))[0] ?? null;
		setFieldErrors(errors);
	};
	// After React has rendered the message, so that a screen reader reads it with the field (an
	// effect, not requestAnimationFrame: a background tab runs no animation frames).
	useEffect(() => {
		const field = focusNext.current;
		focusNext.current = null;
		if (field && formRef.current) {
			fieldElement(formRef.current, field)?.focus();
		}
	}, [fieldErrors]);

	/** The checks the server makes too, before sending: the message comes at once and in place. */
	const check = (): FieldErrors => {
		const errors: FieldErrors = {};
		const message = (key: MessageKey): string => t(key);
		if (form.title.trim() === '') {
			errors.title = message('errors.reason.title_blank');
		}
		const startsAt = new Date(form.startsAt);
		const endsAt = new Date(form.endsAt);
		if (Number.isNaN(startsAt.getTime())) {
			errors.startsAt = message('errors.field.required');
		}
		if (Number.isNaN(endsAt.getTime())) {
			errors.endsAt = message('errors.field.required');
		} else if (!Number.isNaN(startsAt.getTime())) {
			if (endsAt <= startsAt) {
				errors.endsAt = message('errors.reason.ends_before_start');
			} else if (endsAt.getTime() - startsAt.getTime() > 24 * 3600_000) {
				errors.endsAt = message('errors.reason.meeting_too_long');
			}
		}
		if (form.chairId === '') {
			errors.chairId = message('errors.field.required');
		}
		return errors;
	};

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		setError(null);
		const errors = check();
		if (Object.keys(errors).length > 0) {
			showFieldErrors(errors);
			return;
		}
		setFieldErrors({});
		// Blank agenda rows are left out; the server's agenda/<n> counts the rows sent.
		const sentRows = agenda.flatMap((a, i) => (a.title.trim() === '' ? [] : [i]));
		try {
			const input: MeetingInput = {
				...form,
				startsAt: new Date(form.startsAt).toISOString(),
				endsAt: new Date(form.endsAt).toISOString(),
				agenda: sentRows.map((i) => agenda[i]!),
				invitedUnitIds: [...invited],
				recordingEnabled,
				joinMuted,
			};
			const result = await api<MeetingWithLinks>('POST', '/api/meetings', input);
			freshLinks.set(result.meeting.id, result.joinLinks);
			navigate(`/meetings/${result.meeting.id}`);
		} catch (e) {
			const { field } = errorCause(e);
			const agendaRow = field && /^agenda\/(\d+)\/(\w+)$/.exec(field);
			const shown = agendaRow ? `agenda/${sentRows[Number(agendaRow[1])] ?? 0}/${agendaRow[2]}` : field;
			if (shown && formRef.current && fieldElement(formRef.current, shown)) {
				showFieldErrors({ [shown]: errorText(e) });
			} else {
				setError(errorText(e));
			}
		}
	};

	const set = (key: keyof typeof form) => (e: { target: { value: string } }) => {
		setForm({ ...form, [key]: e.target.value });
		clearField(key);
	};

	/** A corrected field loses its message; the others keep theirs until the next submit. */
	const clearField = (field: string) => {
		setFieldErrors((errors) => {
			if (!(field in errors)) {
				return errors;
			}
			const { [field]: _gone, ...rest } = errors;
			return rest;
		});
	};

	/** aria-invalid and aria-describedby for an input, and the message shown after it. */
	const invalid = (field: string) =>
		fieldErrors[field] === undefined ? { 'data-field': field } : { 'data-field': field, 'aria-invalid': true, 'aria-describedby': fieldErrorId(field) };
	const fieldError = (field: string) =>
		fieldErrors[field] !== undefined && (
			<span className="field-error" id={fieldErrorId(field)} data-testid={`field-error-${field}`}>
				{fieldErrors[field]}
			</span>
		);

	return (
		// noValidate: the browser's own bubbles speak the browser's language, not the page's.
		<form ref={formRef} className="card wide form schedule-form" onSubmit={(e) => void submit(e)} aria-labelledby="schedule-title" noValidate>
			<h2 id="schedule-title">{t('schedule.title')}</h2>
			<label>
				{t('schedule.name')}
				<input name="title" value={form.title} onChange={set('title')} required maxLength={200} {...invalid('title')} />
				{fieldError('title')}
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
					<input name="startsAt" type="datetime-local" value={form.startsAt} onChange={set('startsAt')} required {...invalid('startsAt')} />
					{fieldError('startsAt')}
				</label>
				<label>
					{t('schedule.end')}
					<input name="endsAt" type="datetime-local" value={form.endsAt} onChange={set('endsAt')} required {...invalid('endsAt')} />
					{fieldError('endsAt')}
				</label>
			</div>
			<label>
				{t('schedule.chair')}
				<select name="chairId" value={form.chairId} onChange={set('chairId')} required {...invalid('chairId')}>
					{chairs.map((c) => (
						<option key={c.id} value={c.id}>
							{c.displayName}
						</option>
					))}
				</select>
				{fieldError('chairId')}
			</label>
			<fieldset>
				<legend>{t('schedule.agenda')}</legend>
				{agenda.map((item, i) => (
					<div className="agenda-row" key={i}>
						<input
							aria-label={`${t('schedule.agendaTitle')} ${i + 1}`}
							placeholder={t('schedule.agendaTitle')}
							value={item.title}
							onChange={(e) => {
								setAgenda(agenda.map((a, j) => (j === i ? { ...a, title: e.target.value } : a)));
								clearField(`agenda/${i}/title`);
							}}
							{...invalid(`agenda/${i}/title`)}
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
						{fieldError(`agenda/${i}/title`)}
					</div>
				))}
				<button type="button" onClick={() => setAgenda([...agenda, { title: '', presenter: '', durationMinutes: 15 }])}>
					{t('schedule.addItem')}
				</button>
			</fieldset>
			<fieldset tabIndex={-1} {...invalid('invitedUnitIds')}>
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
				{fieldError('invitedUnitIds')}
			</fieldset>
			<label className="inline">
				<input
					type="checkbox"
					name="recordingEnabled"
					checked={recordingEnabled}
					onChange={(e) => {
						setRecordingEnabled(e.target.checked);
						clearField('recordingEnabled');
					}}
					{...invalid('recordingEnabled')}
				/>
				{t('schedule.recording')}
			</label>
			{fieldError('recordingEnabled')}
			<label className="inline">
				<input
					type="checkbox"
					name="joinMuted"
					data-testid="schedule-join-muted"
					checked={joinMuted}
					onChange={(e) => {
						setJoinMutedChoice(e.target.checked);
						clearField('joinMuted');
					}}
					{...invalid('joinMuted')}
				/>
				{t('schedule.joinMuted')}
			</label>
			{fieldError('joinMuted')}
			{Object.keys(fieldErrors).length > 0 && (
				<p role="alert" className="error" data-testid="form-error">
					{t('errors.form.invalid')}
				</p>
			)}
			{error && (
				<p role="alert" className="error" data-testid="form-error">
					{error}
				</p>
			)}
			<button type="submit" className="primary">
				{t('schedule.submit')}
			</button>
		</form>
	);
}
