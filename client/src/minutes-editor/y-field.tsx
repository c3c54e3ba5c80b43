import { useEffect, useId, useRef, useState } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { useI18n } from '../i18n/index.tsx';
import { FORM_ORIGIN, readText, useYVersion, writeText } from './y-hooks.ts';

/**
 * A short plain field of the minutes (a name, a date, the symbol) bound to a Y.Map key.
 *
 * Why a Y.Map value set per commit (debounced while typing, and on leaving the field) rather than
 * a Y.Text: these fields are short and edited by one person at a time (the presence chips say who
 * is in which field); the canonical mapping keeps them plain strings; and turning a string into a
 * Y.Text on first edit would itself be a last-writer-wins race. What a Y.Map cannot merge is
 * never dropped silently: when someone else changes the field while this user has unsaved text
 * in it, saving pauses and both versions are shown until the user picks one.
 */

/** A field's text is stored this long after the last keystroke (and at once when leaving the field). */
const COMMIT_MS = 400;

export type FieldKind = 'text' | 'textarea' | 'date' | 'datetime';

/** Vietnam is UTC+7 all year: an instant shown and entered as Vietnamese wall-clock time. */
const VN_OFFSET_MS = 7 * 3600_000;

function instantToLocal(value: string): string {
	const time = Date.parse(value);
	return value === '' || Number.isNaN(time) ? '' : new Date(time + VN_OFFSET_MS).toISOString().slice(0, 16);
}

function localToInstant(value: string): string {
	const time = Date.parse(`${value}:00+07:00`);
	return value === '' || Number.isNaN(time) ? '' : new Date(time).toISOString();
}

type Props = {
	doc: Y.Doc;
	map: Y.Map<unknown>;
	name: string;
	label: string;
	kind?: FieldKind;
	editable: boolean;
	awareness: Awareness;
	/** Presence key ("header.summary", "tasks", "agenda:<id>"). */
	presence: string;
	/** More changes in the same Yjs transaction as the value (a task's `machine` flag, its unit id). */
	alsoOnCommit?: (value: string) => void;
	list?: string;
	testId?: string;
	/** Show the label visually (else it is for screen readers only, as in a table cell). */
	showLabel?: boolean;
};

export function YField({ doc, map, name, label, kind = 'text', editable, awareness, presence, alsoOnCommit, list, testId, showLabel = true }: Props) {
	const { t } = useI18n();
	const id = useId();
	useYVersion(map as Y.AbstractType<unknown>);
	const stored = readText(map, name);
	const toInput = kind === 'datetime' ? instantToLocal : (v: string) => v;
	const fromInput = kind === 'datetime' ? localToInstant : (v: string) => v;
	/** What the user typed and has not committed or abandoned, in the input's own format. */
	const [draft, setDraft] = useState<string | null>(null);
	/** The stored value the draft started from (or was last committed as). */
	const base = useRef(stored);
	const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
	const focused = useRef(false);
	const conflict = draft !== null && stored !== base.current && stored !== fromInput(draft) ? stored : null;

	const commit = (input: string, force = false): boolean => {
		if (timer.current !== null) {
			clearTimeout(timer.current);
			timer.current = null;
		}
		const value = fromInput(input);
		if (!force && readText(map, name) !== base.current && readText(map, name) !== value) {
			// Someone else changed it meanwhile: wait for the user's choice (the note shows both).
			return false;
		}
		doc.transact(() => {
			writeText(map, name, value);
			alsoOnCommit?.(value);
		}, FORM_ORIGIN);
		base.current = value;
		return true;
	};

	useEffect(
		() => () => {
			if (timer.current !== null) {
				clearTimeout(timer.current);
			}
		},
		[]
	);

	const onChange = (input: string): void => {
		if (draft === null) {
			base.current = stored;
		}
		setDraft(input);
		if (timer.current !== null) {
			clearTimeout(timer.current);
		}
		timer.current = setTimeout(() => {
			timer.current = null;
			commit(input);
		}, COMMIT_MS);
	};

	const onFocus = (): void => {
		focused.current = true;
		awareness.setLocalStateField('field', presence);
	};

	const onBlur = (): void => {
		focused.current = false;
		if ((awareness.getLocalState() as { field?: unknown } | null)?.field === presence) {
			awareness.setLocalStateField('field', null);
		}
		if (draft !== null && commit(draft)) {
			setDraft(null);
		}
	};

	const shown = draft ?? toInput(stored);
	const common = {
		id,
		value: shown,
		disabled: !editable,
		onFocus,
		onBlur,
		'data-testid': testId,
		'data-field': presence,
		'aria-invalid': conflict !== null ? true : undefined,
	};
	return (
		<div className={`minutes-field${conflict !== null ? ' has-conflict' : ''}`}>
			<label htmlFor={id} className={showLabel ? undefined : 'visually-hidden'}>
				{label}
			</label>
			{kind === 'textarea' ? (
				<textarea {...common} rows={2} onChange={(e) => onChange(e.target.value)} />
			) : (
				<input {...common} type={kind === 'datetime' ? 'datetime-local' : kind} list={list} onChange={(e) => onChange(e.target.value)} />
			)}
			{conflict !== null && (
				<p className="field-conflict" role="alert" data-testid="field-conflict">
					{t('minutesEditor.conflict', { value: kind === 'datetime' ? instantToLocal(conflict).replace('T', ' ') : conflict })}{' '}
					<button
						type="button"
						onClick={() => {
							if (draft !== null && commit(draft, true) && !focused.current) {
								setDraft(null);
							}
						}}
					>
						{t('minutesEditor.conflict.keepMine')}
					</button>{' '}
					<button
						type="button"
						onClick={() => {
							base.current = stored;
							setDraft(null);
						}}
					>
						{t('minutesEditor.conflict.takeTheirs')}
					</button>
				</p>
			)}
		</div>
	);
}

/** A yes/no field (present or absent), stored at once. */
export function YCheckbox({ doc, map, name, label, editable, testId }: { doc: Y.Doc; map: Y.Map<unknown>; name: string; label: string; editable: boolean; testId?: string }) {
	useYVersion(map as Y.AbstractType<unknown>);
	return (
		<label className="minutes-check">
			<input
				type="checkbox"
				checked={map.get(name) === true}
				disabled={!editable}
				data-testid={testId}
				onChange={(e) => doc.transact(() => map.set(name, e.target.checked), FORM_ORIGIN)}
			/>
			<span className="visually-hidden">{label}</span>
		</label>
	);
}

/** A whole number (minutes attended), stored when the field is left. */
export function YCount({ doc, map, name, label, editable }: { doc: Y.Doc; map: Y.Map<unknown>; name: string; label: string; editable: boolean }) {
	useYVersion(map as Y.AbstractType<unknown>);
	const value = map.get(name);
	const stored = typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
	const [draft, setDraft] = useState<string | null>(null);
	return (
		<label className="minutes-count">
			<span className="visually-hidden">{label}</span>
			<input
				type="number"
				min={0}
				step={1}
				value={draft ?? String(stored)}
				disabled={!editable}
				onChange={(e) => setDraft(e.target.value)}
				onBlur={() => {
					const next = Number.parseInt(draft ?? '', 10);
					if (draft !== null && Number.isInteger(next) && next >= 0 && next !== stored) {
						doc.transact(() => map.set(name, next), FORM_ORIGIN);
					}
					setDraft(null);
				}}
			/>
		</label>
	);
}
