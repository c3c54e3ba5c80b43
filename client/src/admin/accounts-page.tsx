import { useCallback, useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import type { Account, AccountCreateInput, AccountSecret, AccountUpdateInput, PasswordResetInput } from '#shared/api/accounts.ts';
import { RESET_LINK_HOURS } from '#shared/api/accounts.ts';
import type { UserRole } from '#shared/api/auth.ts';
import { isMemberKind, type ManagedUnit } from '#shared/api/units.ts';
import { api } from '../api/http.ts';
import { useSession } from '../auth/session.tsx';
import { useI18n } from '../i18n/index.tsx';
import type { MessageKey } from '../i18n/vi.ts';
import { useConfirm } from '../ui/confirm-dialog.tsx';
import { useErrorText } from '../ui/error-text.ts';
import { formatDateTime } from '../ui/format-date.ts';
import { useFieldErrors, type FieldErrors } from './field-errors.tsx';
import { SecretBox } from './secret-box.tsx';
import { matches, roleKey } from './unit-labels.ts';

const collator = new Intl.Collator('vi');
const USERNAME = /^[a-z0-9][a-z0-9._-]{2,63}$/;
const ACCOUNT_HINTS: Partial<Record<string, MessageKey>> = {
	username: 'accounts.usernameRule',
	displayName: 'accounts.displayNameRule',
	role: 'accounts.roleRule',
};

/**
 * The roles that make sense for a unit: a member unit (commune, ward…) has its conference-point
 * operator (and read-only viewers); the host unit has its administrators, chairs and secretaries.
 */
export function rolesFor(unit: ManagedUnit | undefined): UserRole[] {
	if (!unit) {
		return [];
	}
	return isMemberKind(unit.kind) ? ['commune_operator', 'viewer'] : ['admin', 'chair', 'secretary', 'viewer'];
}

type StateKey = 'accounts.state.disabled' | 'accounts.state.mustChange' | 'accounts.state.active';

function stateOf(account: Account): StateKey {
	return account.disabled ? 'accounts.state.disabled' : account.mustChangePassword ? 'accounts.state.mustChange' : 'accounts.state.active';
}

/** A secret from the last reply, shown once. */
type Shown = { title: string; secret: string; note?: string };

/** The accounts tab: who may sign in for which unit, with which role. */
export function AccountsPage({ units }: { units: ManagedUnit[] }) {
	const { t } = useI18n();
	const errorText = useErrorText();
	const [accounts, setAccounts] = useState<Account[] | null>(null);
	const [loadError, setLoadError] = useState<unknown>(null);
	const [unitFilter, setUnitFilter] = useState('');
	const [query, setQuery] = useState('');
	const [creating, setCreating] = useState(false);
	const [shown, setShown] = useState<Shown | null>(null);
	const [notice, setNotice] = useState<{ kind: 'done' | 'error'; text: string } | null>(null);

	const load = useCallback(() => {
		api<Account[]>('GET', '/api/accounts').then(
			(list) => {
				setAccounts(list);
				setLoadError(null);
			},
			(e: unknown) => setLoadError(e)
		);
	}, []);
	useEffect(load, [load]);

	const sortedUnits = useMemo(() => [...units].sort((a, b) => Number(isMemberKind(a.kind)) - Number(isMemberKind(b.kind)) || collator.compare(a.name, b.name)), [units]);
	const activeUnits = sortedUnits.filter((u) => u.active);
	const list = (accounts ?? [])
		.filter((a) => unitFilter === '' || a.unit.id === unitFilter)
		.filter((a) => matches(query, a.displayName, a.username, a.unit.name))
		.sort((a, b) => collator.compare(a.unit.name, b.unit.name) || collator.compare(a.displayName, b.displayName));

	const replaced = (account: Account) => setAccounts((current) => (current ?? []).map((a) => (a.id === account.id ? account : a)));

	return (
		<div className="accounts-admin">
			<div className="toolbar">
				<label>
					<span className="visually-hidden">{t('accounts.filterUnit')}</span>
					<select value={unitFilter} onChange={(e) => setUnitFilter(e.target.value)} data-testid="account-unit-filter" aria-label={t('accounts.filterUnit')}>
						<option value="">{t('accounts.allUnits')}</option>
						{sortedUnits.map((u) => (
							<option key={u.id} value={u.id}>
								{u.name}
							</option>
						))}
					</select>
				</label>
				<label className="search">
					<span className="visually-hidden">{t('accounts.search')}</span>
					<input type="search" placeholder={t('accounts.search')} value={query} onChange={(e) => setQuery(e.target.value)} data-testid="account-search" />
				</label>
				<div className="actions">
					<button type="button" aria-expanded={creating} className={creating ? 'primary' : ''} onClick={() => setCreating(!creating)} data-testid="accounts-add">
						{t('accounts.add')}
					</button>
				</div>
			</div>
			{shown && <SecretBox title={shown.title} secret={shown.secret} {...(shown.note ? { note: shown.note } : {})} onClose={() => setShown(null)} />}
			{notice && (
				<p role={notice.kind === 'error' ? 'alert' : 'status'} className={notice.kind === 'error' ? 'inline-error' : 'inline-done'} data-testid="accounts-notice">
					{notice.text}
				</p>
			)}
			{creating && (
				<CreateAccountForm
					units={activeUnits}
					preferredUnitId={unitFilter}
					onCreated={(secret) => {
						setAccounts((current) => [...(current ?? []), secret.account]);
						setNotice(null);
						setShown({
							title: t('accounts.created', { name: secret.account.displayName, username: secret.account.username }),
							secret: secret.temporaryPassword ?? '',
							note: t('accounts.temporaryNote'),
						});
					}}
				/>
			)}
			{loadError !== null && (
				<p role="alert" className="inline-error">
					{t('admin.loadFailed', { message: errorText(loadError) })}{' '}
					<button type="button" onClick={load}>
						{t('list.retry')}
					</button>
				</p>
			)}
			{accounts === null ? (
				loadError === null && <p>{t('admin.loading')}</p>
			) : (
				<div className="table-scroll">
					<table className="admin-table accounts-table" data-testid="accounts-table">
						<thead>
							<tr>
								<th scope="col">{t('accounts.col.name')}</th>
								<th scope="col">{t('accounts.col.username')}</th>
								<th scope="col">{t('accounts.col.unit')}</th>
								<th scope="col">{t('accounts.col.role')}</th>
								<th scope="col">{t('accounts.col.state')}</th>
								<th scope="col">
									<span className="visually-hidden">{t('units.col.actions')}</span>
								</th>
							</tr>
						</thead>
						<tbody>
							{list.map((account) => (
								<AccountRow
									key={account.id}
									account={account}
									units={units}
									activeUnits={activeUnits}
									onChanged={(updated, text) => {
										replaced(updated);
										setNotice(text ? { kind: 'done', text } : null);
									}}
									onSecret={(secret) => {
										replaced(secret.account);
										setNotice(null);
										setShown(
											secret.resetPath
												? {
														title: t('accounts.reset.linkTitle', { name: secret.account.displayName }),
														secret: new URL(secret.resetPath, location.origin).href,
														note: t('accounts.reset.linkNote', { time: secret.expiresAt ? formatDateTime(secret.expiresAt) : '', hours: RESET_LINK_HOURS }),
													}
												: {
														title: t('accounts.reset.temporaryTitle', { name: secret.account.displayName, username: secret.account.username }),
														secret: secret.temporaryPassword ?? '',
														note: t('accounts.temporaryNote'),
													}
										);
									}}
									onError={(text) => setNotice({ kind: 'error', text })}
								/>
							))}
						</tbody>
					</table>
					{list.length === 0 && <p>{t('accounts.noMatch')}</p>}
				</div>
			)}
		</div>
	);
}

function AccountRow({
	account,
	units,
	activeUnits,
	onChanged,
	onSecret,
	onError,
}: {
	account: Account;
	units: ManagedUnit[];
	activeUnits: ManagedUnit[];
	onChanged: (account: Account, text: string | null) => void;
	onSecret: (secret: AccountSecret) => void;
	onError: (text: string) => void;
}) {
	const { t } = useI18n();
	const { user } = useSession();
	const confirm = useConfirm();
	const errorText = useErrorText();
	const [editing, setEditing] = useState(false);
	const [busy, setBusy] = useState(false);
	const self = user?.id === account.id;
	const path = `/api/accounts/${encodeURIComponent(account.id)}`;

	const run = async (action: () => Promise<void>) => {
		setBusy(true);
		try {
			await action();
		} catch (error) {
			onError(t('accounts.actionFailed', { name: account.displayName, message: errorText(error) }));
		} finally {
			setBusy(false);
		}
	};

	const toggle = async () => {
		const disable = !account.disabled;
		const answer = await confirm({
			title: t(disable ? 'accounts.disable.title' : 'accounts.enable.title', { name: account.displayName }),
			message: t(disable ? 'accounts.disable.message' : 'accounts.enable.message', { name: account.displayName, username: account.username }),
			choices: [{ value: 'yes', label: t(disable ? 'accounts.disable' : 'accounts.enable'), danger: disable, testId: 'confirm-account-toggle' }],
		});
		if (answer === 'yes') {
			await run(async () => {
				const updated = await api<Account>('POST', `${path}/${disable ? 'disable' : 'enable'}`);
				onChanged(updated, t(disable ? 'accounts.disabled' : 'accounts.enabled', { name: updated.displayName }));
			});
		}
	};

	const reset = async () => {
		const mode = await confirm<PasswordResetInput['mode']>({
			title: t('accounts.reset.title', { name: account.displayName }),
			message: t('accounts.reset.message', { name: account.displayName, hours: RESET_LINK_HOURS }),
			choices: [
				{ value: 'temporary', label: t('accounts.reset.temporary'), testId: 'confirm-reset-temporary' },
				{ value: 'link', label: t('accounts.reset.link'), testId: 'confirm-reset-link' },
			],
		});
		if (mode) {
			await run(async () => onSecret(await api<AccountSecret>('POST', `${path}/reset-password`, { mode } satisfies PasswordResetInput)));
		}
	};

	if (editing) {
		return (
			<tr data-account={account.username} className="editing">
				<td colSpan={6}>
					<EditAccountForm
						account={account}
						units={activeUnits}
						onDone={(updated) => {
							setEditing(false);
							if (updated) {
								onChanged(updated, t('accounts.saved', { name: updated.displayName }));
							}
						}}
					/>
				</td>
			</tr>
		);
	}
	const unit = units.find((u) => u.id === account.unit.id);
	return (
		<tr data-account={account.username} data-state={stateOf(account).split('.').pop()} className={account.disabled ? 'inactive' : ''}>
			<th scope="row">{account.displayName}</th>
			<td className="code">{account.username}</td>
			<td>{unit?.name ?? account.unit.name}</td>
			<td>{t(roleKey(account.role))}</td>
			<td>
				<span className={`tag ${account.disabled ? 'inactive' : account.mustChangePassword ? 'pending' : 'active'}`}>{t(stateOf(account))}</span>
			</td>
			<td className="row-actions">
				<button type="button" className="small" onClick={() => setEditing(true)} aria-label={t('accounts.editLabel', { name: account.displayName })}>
					{t('accounts.edit')}
				</button>
				{!self && (
					<>
						<button type="button" className="small" disabled={busy} onClick={() => void reset()} aria-label={t('accounts.resetLabel', { name: account.displayName })} data-testid="account-reset">
							{t('accounts.reset')}
						</button>
						<button
							type="button"
							className={`small ${account.disabled ? '' : 'danger'}`}
							disabled={busy}
							onClick={() => void toggle()}
							aria-label={t(account.disabled ? 'accounts.enableLabel' : 'accounts.disableLabel', { name: account.displayName })}
							data-testid="account-toggle"
						>
							{t(account.disabled ? 'accounts.enable' : 'accounts.disable')}
						</button>
					</>
				)}
			</td>
		</tr>
	);
}

function UnitAndRole({
	units,
	unitId,
	role,
	onChange,
	fields,
}: {
	units: ManagedUnit[];
	unitId: string;
	role: UserRole;
	onChange: (unitId: string, role: UserRole) => void;
	fields: ReturnType<typeof useFieldErrors>;
}) {
	const { t } = useI18n();
	const sensible = rolesFor(units.find((u) => u.id === unitId));
	// An account edited keeps its present role among the choices, sensible or not.
	const roles = sensible.includes(role) ? sensible : [...sensible, role];
	return (
		<>
			<label>
				{t('accounts.unit')}
				<select
					name="unitId"
					value={unitId}
					onChange={(e) => {
						fields.clear('unitId');
						const next = rolesFor(units.find((u) => u.id === e.target.value));
						onChange(e.target.value, next.includes(role) ? role : (next[0] ?? role));
					}}
					data-testid="account-unit"
					{...fields.props('unitId')}
				>
					{units.map((u) => (
						<option key={u.id} value={u.id}>
							{u.name}
						</option>
					))}
				</select>
				{fields.message('unitId')}
			</label>
			<label>
				{t('accounts.role')}
				<select
					name="role"
					value={role}
					onChange={(e) => {
						fields.clear('role');
						onChange(unitId, e.target.value as UserRole);
					}}
					data-testid="account-role"
					{...fields.props('role')}
				>
					{roles.map((r) => (
						<option key={r} value={r}>
							{t(roleKey(r))}
						</option>
					))}
				</select>
				{fields.message('role')}
			</label>
		</>
	);
}

function CreateAccountForm({ units, preferredUnitId, onCreated }: { units: ManagedUnit[]; preferredUnitId: string; onCreated: (secret: AccountSecret) => void }) {
	const { t } = useI18n();
	const formRef = useRef<HTMLFormElement>(null);
	const fields = useFieldErrors(formRef, 'account-add');
	// A member unit first: most accounts are conference-point operators of communes.
	const firstUnit = units.find((u) => u.id === preferredUnitId) ?? units.find((u) => isMemberKind(u.kind)) ?? units[0];
	const [username, setUsername] = useState('');
	const [displayName, setDisplayName] = useState('');
	const [unitId, setUnitId] = useState(firstUnit?.id ?? '');
	const [role, setRole] = useState<UserRole>(rolesFor(firstUnit)[0] ?? 'viewer');
	const [busy, setBusy] = useState(false);

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		fields.reset();
		const errors: FieldErrors = {};
		if (!USERNAME.test(username)) {
			errors['username'] = t('accounts.usernameRule');
		}
		if (displayName.trim() === '') {
			errors['displayName'] = t('errors.field.required');
		}
		if (unitId === '') {
			errors['unitId'] = t('errors.field.required');
		}
		if (Object.keys(errors).length > 0) {
			fields.show(errors);
			return;
		}
		setBusy(true);
		try {
			const secret = await api<AccountSecret>('POST', '/api/accounts', { username, displayName: displayName.trim(), role, unitId } satisfies AccountCreateInput);
			setUsername('');
			setDisplayName('');
			onCreated(secret);
		} catch (error) {
			fields.showServerError(error, ACCOUNT_HINTS);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form ref={formRef} className="form admin-form panel" onSubmit={(e) => void submit(e)} aria-labelledby="account-add-title" noValidate data-testid="account-add-form">
			<h3 id="account-add-title">{t('accounts.addTitle')}</h3>
			<div className="unit-fields">
				<UnitAndRole
					units={units}
					unitId={unitId}
					role={role}
					onChange={(u, r) => {
						setUnitId(u);
						setRole(r);
					}}
					fields={fields}
				/>
				<label>
					{t('accounts.displayName')}
					<input
						name="displayName"
						value={displayName}
						maxLength={120}
						placeholder={t('accounts.displayNamePlaceholder')}
						onChange={(e) => {
							setDisplayName(e.target.value);
							fields.clear('displayName');
						}}
						{...fields.props('displayName')}
					/>
					{fields.message('displayName')}
				</label>
				<label>
					{t('accounts.username')}
					<input
						name="username"
						value={username}
						maxLength={64}
						spellCheck={false}
						autoComplete="off"
						onChange={(e) => {
							setUsername(e.target.value.toLowerCase());
							fields.clear('username');
						}}
						{...fields.props('username', 'account-add-username-hint')}
					/>
					<span className="hint" id="account-add-username-hint">
						{t('accounts.usernameRule')}
					</span>
					{fields.message('username')}
				</label>
			</div>
			<p className="hint">{t('accounts.addHint')}</p>
			{fields.summary()}
			<div className="actions">
				<button type="submit" className="primary" disabled={busy} data-testid="account-add-submit">
					{t('accounts.addSubmit')}
				</button>
			</div>
		</form>
	);
}

function EditAccountForm({ account, units, onDone }: { account: Account; units: ManagedUnit[]; onDone: (updated: Account | null) => void }) {
	const { t } = useI18n();
	const formRef = useRef<HTMLFormElement>(null);
	const fields = useFieldErrors(formRef, `account-edit-${account.id}`);
	const [displayName, setDisplayName] = useState(account.displayName);
	const [unitId, setUnitId] = useState(account.unit.id);
	const [role, setRole] = useState<UserRole>(account.role);
	const [busy, setBusy] = useState(false);
	// The account's own unit stays pickable even when it is no longer active (the list of active units would drop it).
	const choices = units.some((u) => u.id === account.unit.id)
		? units
		: [{ id: account.unit.id, name: account.unit.name, kind: account.unit.kind } as ManagedUnit, ...units];

	const submit = async (event: FormEvent) => {
		event.preventDefault();
		fields.reset();
		if (displayName.trim() === '') {
			fields.show({ displayName: t('errors.field.required') });
			return;
		}
		const input: AccountUpdateInput = {};
		if (displayName.trim() !== account.displayName) {
			input.displayName = displayName.trim();
		}
		if (role !== account.role) {
			input.role = role;
		}
		if (unitId !== account.unit.id) {
			input.unitId = unitId;
		}
		if (Object.keys(input).length === 0) {
			onDone(null);
			return;
		}
		setBusy(true);
		try {
			onDone(await api<Account>('PATCH', `/api/accounts/${encodeURIComponent(account.id)}`, input));
		} catch (error) {
			fields.showServerError(error, ACCOUNT_HINTS);
		} finally {
			setBusy(false);
		}
	};

	return (
		<form ref={formRef} className="form admin-form inline-edit" onSubmit={(e) => void submit(e)} aria-label={t('accounts.editLabel', { name: account.displayName })} noValidate data-testid="account-edit-form">
			<div className="unit-fields">
				<label>
					{t('accounts.displayName')}
					<input
						name="displayName"
						value={displayName}
						maxLength={120}
						onChange={(e) => {
							setDisplayName(e.target.value);
							fields.clear('displayName');
						}}
						{...fields.props('displayName')}
					/>
					{fields.message('displayName')}
				</label>
				<UnitAndRole
					units={choices}
					unitId={unitId}
					role={role}
					onChange={(u, r) => {
						setUnitId(u);
						setRole(r);
					}}
					fields={fields}
				/>
			</div>
			{(role !== account.role || unitId !== account.unit.id) && <p className="hint">{t('accounts.editEndsSessions')}</p>}
			{fields.summary()}
			<div className="actions">
				<button type="submit" className="primary" disabled={busy}>
					{t('accounts.save')}
				</button>
				<button type="button" onClick={() => onDone(null)}>
					{t('common.cancel')}
				</button>
			</div>
		</form>
	);
}
