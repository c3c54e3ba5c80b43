import { useMemo, useRef, useState, type FormEvent } from 'react';
import { HOST_UNIT_KINDS, isMemberKind, MEMBER_UNIT_KINDS, type ManagedUnit, type UnitCreateInput, type UnitKind, type UnitMergeInput, type UnitUpdateInput } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { useFieldErrors, type FieldErrors } from './field-errors.tsx';
import { UnitImport } from './unit-import.tsx';
import { kindKey, matches, suggestAuthority } from './unit-labels.ts';

const collator = new Intl.Collator('vi');
const CODE = /^[A-Za-z0-9._-]+$/;

/** Rules of the unit inputs, in words, for a schema refusal that names only the field. */
const UNIT_HINTS: Partial<Record<string, MessageKey>> = { code: 'units.codeRule', name: 'units.nameRule', authority: 'units.authorityRule' };

/** Active units first, then in Vietnamese dictionary order. */
function byActiveThenName(a: ManagedUnit, b: ManagedUnit): number {
	return Number(b.active) - Number(a.active) || collator.compare(a.name, b.name);
}

type Notice = { kind: 'done' | 'error'; text: string } | null;

/** The checks the server makes too, on the unit inputs. */
function checkUnit(t: ReturnType<typeof useI18n>['t'], input: { name: string; authority: string; code: string }): FieldErrors {
	const errors: FieldErrors = {};
	if (input.name.trim() === '') {
		errors['name'] = t('errors.field.required');
	}
	if (input.authority.trim() === '') {
		errors['authority'] = t('errors.field.required');
	}
	if (input.code.trim() !== '' && !CODE.test(input.code.trim())) {
		errors['code'] = t('units.codeRule');
	}
	return errors;
}

/** The units tab: the administrator's own unit at the top, the units below it, and what can be done to them. */
export function UnitsPage({ units, reload }: { units: ManagedUnit[]; reload: () => void }) {
	const { t } = useI18n();
	const { user } = useSession();
	const [query, setQuery] = useState('');
	const [notice, setNotice] = useState<Notice>(null);
	const [panel, setPanel] = useState<'add' | 'merge' | 'import' | null>(null);
	const byId = useMemo(() => new Map(units.map((u) => [u.id, u])), [units]);
	const own = units.find((u) => u.id === user?.unit.id) ?? units.find((u) => u.parentId === null || !byId.has(u.parentId)) ?? null;

	const children = useMemo(() => {
		const map = new Map<string | null, ManagedUnit[]>();
		for (const unit of units) {
			const parent = unit.parentId !== null && byId.has(unit.parentId) ? unit.parentId : null;
			map.set(parent, [...(map.get(parent) ?? []), unit]);
		}
		for (const list of map.values()) {
			list.sort(byActiveThenName);
		}
		return map;
	}, [units, byId]);

	/** Whether a unit or one below it matches the search: the tree keeps the path to every match. */
	const visible = useMemo(() => {
		const shown = new Set<string>();
		const visit = (unit: ManagedUnit): boolean => {
			const below = (children.get(unit.id) ?? []).map(visit).some(Boolean);
			const hit = below || matches(query, unit.name, unit.code, unit.authority, t(kindKey(unit.kind)));
			if (hit) {
				shown.add(unit.id);
			}
			return hit;
		};
		(children.get(null) ?? []).forEach(visit);
		return shown;
	}, [children, query, t]);

	const changed = (text: string) => {
		setNotice({ kind: 'done', text });
		reload();
	};

	const rows: { unit: ManagedUnit; depth: number }[] = [];
	const walk = (unit: ManagedUnit, depth: number) => {
		if (visible.has(unit.id)) {
			rows.push({ unit, depth });
		}
		(children.get(unit.id) ?? []).forEach((child) => walk(child, depth + 1));
	};
	// The own unit first, then any other root (defensive: GET /api/units returns one tree).
	const roots = [...(children.get(null) ?? [])].sort((a, b) => Number(b.id === own?.id) - Number(a.id === own?.id));
	roots.forEach((root) => walk(root, 0));
	const members = units.filter((u) => u.id !== own?.id);
	const activeMembers = members.filter((u) => u.active).length;

	return (
		<div className="units-admin">
			<div className="toolbar">
				<label className="search">
					<span className="visually-hidden">{t('units.search')}</span>
					<input type="search" placeholder={t('units.search')} value={query} onChange={(e) => setQuery(e.target.value)} data-testid="unit-search" />
				</label>
				<span className="meta" data-testid="unit-count">
					{t('units.count', { active: activeMembers, total: members.length })}
				</span>
				<div className="actions">
					{(['add', 'merge', 'import'] as const).map((p) => (
						<button key={p} type="button" aria-expanded={panel === p} className={panel === p ? 'primary' : ''} onClick={() => setPanel(panel === p ? null : p)} data-testid={`units-${p}`}>
							{t(`units.panel.${p}`)}
						</button>
					))}
				</div>
			</div>
			{notice && (
				<p role={notice.kind === 'error' ? 'alert' : 'status'} className={notice.kind === 'error' ? 'inline-error' : 'inline-done'} data-testid="units-notice">
					{notice.text}
				</p>
			)}
			{panel === 'add' && own && <AddUnitForm parent={own} onAdded={(unit) => changed(t('units.added', { name: unit.name }))} />}
			{panel === 'merge' && <MergePanel units={units} onMerged={(text) => changed(text)} />}
			{panel === 'import' && own && <UnitImport parent={own} onImported={(count) => changed(t('import.done', { count }))} />}
			<div className="table-scroll">
				<table className="admin-table units-table" data-testid="units-table">
					<thead>
						<tr>
							<th scope="col">{t('units.col.name')}</th>
							<th scope="col">{t('units.col.kind')}</th>
							<th scope="col">{t('units.col.code')}</th>
							<th scope="col">{t('units.col.state')}</th>
							<th scope="col" className="number">
								{t('units.col.accounts')}
							</th>
							<th scope="col">
								<span className="visually-hidden">{t('units.col.actions')}</span>
							</th>
						</tr>
					</thead>
					<tbody>
						{rows.map(({ unit, depth }) => (
							<UnitRow key={unit.id} unit={unit} depth={depth} own={unit.id === own?.id} byId={byId} onChanged={changed} onError={(text) => setNotice({ kind: 'error', text })} />
						))}
					</tbody>
				</table>
			</div>
			{rows.length === 0 && <p>{t('units.noMatch')}</p>}
		</div>
	);
}

function UnitRow({
	unit,
	depth,
	own,
	byId,
	onChanged,
	onError,
}: {
	unit: ManagedUnit;
	depth: number;
	own: boolean;
	byId: Map<string, ManagedUnit>;
	onChanged: (text: string) => void;
	onError: (text: string) => void;
}) {
	const { t } = useI18n();
	const confirm = useConfirm();
	const errorText = useErrorText();
	const [editing, setEditing] = useState(false);
	const [busy, setBusy] = useState(false);
	const mergedInto = unit.mergedIntoId ? byId.get(unit.mergedIntoId)?.name : undefined;
	const mergedFrom = unit.mergedFromIds.map((id) => byId.get(id)?.name).filter((name): name is string => name !== undefined);

	const toggle = async () => {
		const deactivate = unit.active;
		const answer = await confirm({
			title: t(deactivate ? 'units.deactivate.title' : 'units.activate.title', { name: unit.name }),
			message: t(deactivate ? 'units.deactivate.message' : 'units.activate.message', { name: unit.name, accounts: unit.accountCount }),
			choices: [{ value: 'yes', label: t(deactivate ? 'units.deactivate' : 'units.activate'), danger: deactivate, testId: 'confirm-unit-toggle' }],
		});
		if (answer !== 'yes') {
			return;
		}
		setBusy(true);
		try {
			await api<ManagedUnit>('POST', `/api/units/${encodeURIComponent(unit.id)}/${deactivate ? 'deactivate' : 'activate'}`);
			onChanged(t(deactivate ? 'units.deactivated' : 'units.activated', { name: unit.name }));
		} catch (error) {
			onError(t('units.actionFailed', { name: unit.name, message: errorText(error) }));
		} finally {
			setBusy(false);
		}
	};

	if (editing) {
		return (
			<tr data-unit={unit.name} className="editing">
				<td colSpan={6}>
					<EditUnitForm
						unit={unit}
						onDone={(updated) => {
							setEditing(false);
							if (updated) {
								onChanged(t('units.saved', { name: updated.name }));
							}
						}}
					/>
				</td>
			</tr>
		);
	}
	return (
		<tr data-unit={unit.name} data-active={unit.active} className={unit.active ? '' : 'inactive'}>
			<th scope="row" style={{ paddingLeft: `${0.7 + depth * 1.5}rem` }}>
				<span className="unit-name">{unit.name}</span>
				{own && <span className="tag own">{t('units.own')}</span>}
				<span className="meta block">{unit.authority}</span>
				{mergedInto && <span className="meta block">{t('units.mergedInto', { name: mergedInto })}</span>}
				{mergedFrom.length > 0 && <span className="meta block">{t('units.mergedFrom', { names: mergedFrom.join(', ') })}</span>}
			</th>
			<td>{t(kindKey(unit.kind))}</td>
			<td className="code">{unit.code ?? '—'}</td>
			<td>
				<span className={`tag ${unit.active ? 'active' : 'inactive'}`}>{t(unit.active ? 'units.active' : 'units.inactive')}</span>
			</td>
			<td className="number">{unit.accountCount}</td>
			<td className="row-actions">
				{/* One's own unit is edited from the unit above it; the root has none above. */}
				{(!own || unit.parentId === null) && (
					<button type="button" className="small" onClick={() => setEditing(true)} aria-label={t('units.editLabel', { name: unit.name })}>
						{t('units.edit')}
					</button>
				)}
				{!own && (unit.active || !unit.mergedIntoId) && (
					<button
						type="button"
						className={`small ${unit.active ? 'danger' : ''}`}
						disabled={busy}
						onClick={() => void toggle()}
						aria-label={t(unit.active ? 'units.deactivateLabel' : 'units.activateLabel', { name: unit.name })}
						data-testid="unit-toggle"
					>
						{t(unit.active ? 'units.deactivate' : 'units.activate')}
					</button>
				)}
			</td>
		</tr>
	);
}

/** The level, name, issuing body and code of a unit, shared by the add and edit forms. */
function UnitFields({
	kinds,
	value,
	onChange,
	fields,
	idPrefix,
}: {
	kinds: readonly UnitKind[];
	value: { kind: UnitKind; name: string; authority: string; code: string; authorityEdited: boolean };
	onChange: (next: { kind: UnitKind; name: string; authority: string; code: string; authorityEdited: boolean }) => void;
	fields: ReturnType<typeof useFieldErrors>;
	idPrefix: string;
}) {
	const { t } = useI18n();
	return (
		<div className="unit-fields">
			<label>
				{t('units.kind')}
				<select name="kind" value={value.kind} onChange={(e) => onChange({ ...value, kind: e.target.value as UnitKind })} {...fields.props('kind')}>
					{kinds.map((k) => (
						<option key={k} value={k}>
							{t(kindKey(k))}
						</option>
					))}
				</select>
				{fields.message('kind')}
			</label>
			<label>
				{t('units.name')}
				<input
					name="name"
					value={value.name}
					maxLength={120}
					placeholder={t('units.namePlaceholder')}
					onChange={(e) => {
						fields.clear('name');
						onChange({ ...value, name: e.target.value, authority: value.authorityEdited ? value.authority : suggestAuthority(e.target.value) });
					}}
					{...fields.props('name')}
				/>
				{fields.message('name')}
			</label>
			<label>
				{t('units.authority')}
				<input
					name="authority"
					value={value.authority}
					maxLength={160}
					onChange={(e) => {
						fields.clear('authority');
						onChange({ ...value, authority: e.target.value, authorityEdited: true });
					}}
					{...fields.props('authority', `${idPrefix}-authority-hint`)}
				/>
				<span className="hint" id={`${idPrefix}-authority-hint`}>
					{t('units.authorityHint')}
				</span>
				{fields.message('authority')}
			</label>
			<label>
				{t('units.codeOptional')}
				<input
					name="code"
					value={value.code}
					maxLength={20}
					spellCheck={false}
					onChange={(e) => {
						fields.clear('code');
						onChange({ ...value, code: e.target.value });
					}}
					{...fields.props('code')}
				/>
				{fields.message('code')}
			</label>
		</div>
	);
}

function AddUnitForm({ parent, onAdded }: { parent: ManagedUnit; onAdded: (unit: ManagedUnit) => void }) {
	const { t } = useI18n();
	const formRef = useRef<HTMLFormElement>(null);
	const fields = useFieldErrors(formRef, 'unit-add');
	const empty = { kind: 'commune' as UnitKind, name: '', authority: '', code: '', authorityEdited: false };
	const [value, setValue] = useState(empty);
	const [busy, setBusy] = useState(false);

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		fields.reset();
		const errors = checkUnit(t, value);
		if (Object.keys(errors).length > 0) {
			fields.show(errors);
			return;
		}
		setBusy(true);
		try {
			const input: UnitCreateInput = {
				parentId: parent.id,
				kind: value.kind as UnitCreateInput['kind'],
				name: value.name.trim(),
				authority: value.authority.trim(),
				...(value.code.trim() ? { code: value.code.trim() } : {}),
			};
			const unit = await api<ManagedUnit>('POST', '/api/units', input);
			setValue(empty);
			onAdded(unit);
		} catch (error) {
			fields.showServerError(error, UNIT_HINTS);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form ref={formRef} className="form admin-form panel" onSubmit={(e) => void submit(e)} aria-labelledby="unit-add-title" noValidate data-testid="unit-add-form">
			<h3 id="unit-add-title">{t('units.addTitle', { parent: parent.name })}</h3>
			<UnitFields kinds={MEMBER_UNIT_KINDS} value={value} onChange={setValue} fields={fields} idPrefix="unit-add" />
			{fields.summary()}
			<div className="actions">
				<button type="submit" className="primary" disabled={busy} data-testid="unit-add-submit">
					{t('units.addSubmit')}
				</button>
			</div>
		</form>
	);
}

function EditUnitForm({ unit, onDone }: { unit: ManagedUnit; onDone: (updated: ManagedUnit | null) => void }) {
	const { t } = useI18n();
	const formRef = useRef<HTMLFormElement>(null);
	const fields = useFieldErrors(formRef, `unit-edit-${unit.id}`);
	const [value, setValue] = useState({ kind: unit.kind, name: unit.name, authority: unit.authority, code: unit.code ?? '', authorityEdited: true });
	const [busy, setBusy] = useState(false);
	const kinds = isMemberKind(unit.kind) ? MEMBER_UNIT_KINDS : HOST_UNIT_KINDS;

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		fields.reset();
		const errors = checkUnit(t, value);
		if (Object.keys(errors).length > 0) {
			fields.show(errors);
			return;
		}
		const input: UnitUpdateInput = {};
		if (value.kind !== unit.kind) {
			input.kind = value.kind;
		}
		if (value.name.trim() !== unit.name) {
			input.name = value.name.trim();
		}
		if (value.authority.trim() !== unit.authority) {
			input.authority = value.authority.trim();
		}
		const code = value.code.trim() === '' ? null : value.code.trim();
		if (code !== unit.code) {
			input.code = code;
		}
		if (Object.keys(input).length === 0) {
			onDone(null);
			return;
		}
		setBusy(true);
		try {
			onDone(await api<ManagedUnit>('PATCH', `/api/units/${encodeURIComponent(unit.id)}`, input));
		} catch (error) {
			fields.showServerError(error, UNIT_HINTS);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form ref={formRef} className="form admin-form inline-edit" onSubmit={(e) => void submit(e)} aria-label={t('units.editLabel', { name: unit.name })} noValidate data-testid="unit-edit-form">
			<UnitFields kinds={kinds} value={value} onChange={setValue} fields={fields} idPrefix={`unit-edit-${unit.id}`} />
			{fields.summary()}
			<div className="actions">
				<button type="submit" className="primary" disabled={busy}>
					{t('units.save')}
				</button>
				<button type="button" onClick={() => onDone(null)}>
					{t('common.cancel')}
				</button>
			</div>
		</form>
	);
}

/**
 * Merging units as the 2025 reform did: the target first, then the units merged into it, among its
 * siblings. The confirmation names what moves (accounts, meetings to come), that their administrators
 * become viewers, and what stays (history).
 */
function MergePanel({ units, onMerged }: { units: ManagedUnit[]; onMerged: (text: string) => void }) {
	const { t } = useI18n();
	const confirm = useConfirm();
	const errorText = useErrorText();
	const candidates = units.filter((u) => u.active && isMemberKind(u.kind)).sort((a, b) => collator.compare(a.name, b.name));
	const [targetId, setTargetId] = useState('');
	const [sources, setSources] = useState<Set<string>>(new Set());
	const [error, setError] = useState<string | null>(null);
	const [busy, setBusy] = useState(false);
	const target = candidates.find((u) => u.id === targetId);
	const siblings = target ? candidates.filter((u) => u.id !== target.id && u.parentId === target.parentId) : [];

	const merge = async () => {
		if (!target || sources.size === 0) {
			return;
		}
		const names = siblings.filter((u) => sources.has(u.id)).map((u) => u.name);
		const answer = await confirm({
			title: t('units.merge.title', { target: target.name }),
			message: t('units.merge.message', { sources: names.join(', '), target: target.name }),
			choices: [{ value: 'merge', label: t('units.merge.confirm'), danger: true, testId: 'confirm-merge' }],
		});
		if (answer !== 'merge') {
			return;
		}
		setBusy(true);
		setError(null);
		try {
			await api<ManagedUnit>('POST', `/api/units/${encodeURIComponent(target.id)}/merge`, { sourceIds: [...sources] } satisfies UnitMergeInput);
			setSources(new Set());
			onMerged(t('units.merged', { sources: names.join(', '), target: target.name }));
		} catch (e) {
			setError(errorText(e));
		} finally {
			setBusy(false);
		}
	};

	return (
		<section className="form admin-form panel" aria-labelledby="merge-title" data-testid="merge-panel">
			<h3 id="merge-title">{t('units.merge.heading')}</h3>
			<p className="hint">{t('units.merge.intro')}</p>
			<label>
				{t('units.merge.target')}
				<select
					value={targetId}
					onChange={(e) => {
						setTargetId(e.target.value);
						setSources(new Set());
					}}
					data-testid="merge-target"
				>
					<option value="">{t('units.merge.pickTarget')}</option>
					{candidates.map((u) => (
						<option key={u.id} value={u.id}>
							{u.name}
						</option>
					))}
				</select>
			</label>
			{target && (
				<fieldset>
					<legend>{t('units.merge.sources', { target: target.name })}</legend>
					{siblings.length === 0 && <p>{t('units.merge.noSiblings')}</p>}
					<div className="units">
						{siblings.map((u) => (
							<label key={u.id} className="inline">
								<input
									type="checkbox"
									value={u.id}
									checked={sources.has(u.id)}
									onChange={(e) => {
										const next = new Set(sources);
										if (e.target.checked) {
											next.add(u.id);
										} else {
											next.delete(u.id);
										}
										setSources(next);
									}}
								/>
								{u.name}
							</label>
						))}
					</div>
				</fieldset>
			)}
			{error && (
				<p role="alert" className="error">
					{error}
				</p>
			)}
			<div className="actions">
				<button type="button" className="primary" disabled={busy || !target || sources.size === 0} onClick={() => void merge()} data-testid="merge-submit">
					{t('units.merge.submit')}
				</button>
			</div>
		</section>
	);
}
