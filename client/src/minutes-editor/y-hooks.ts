import { useCallback, useRef, useSyncExternalStore } from 'react';
import * as Y from 'yjs';

/** Origin of the form's own changes (any origin other than the provider's is queued and sent). */
export const FORM_ORIGIN = 'minutes-form';

const versions = new WeakMap<Y.AbstractType<unknown>, number>();

/** Re-renders on every change inside `type` (deep); returns a number that changes with it. */
export function useYVersion(type: Y.AbstractType<unknown>): number {
	const subscribe = useCallback(
		(notify: () => void) => {
			const observer = (): void => {
				versions.set(type, (versions.get(type) ?? 0) + 1);
				notify();
			};
			type.observeDeep(observer);
			return () => type.unobserveDeep(observer);
		},
		[type]
	);
	return useSyncExternalStore(subscribe, () => versions.get(type) ?? 0);
}

/** The rows (Y.Map) of an array part, re-rendered on any change in them; rows that are not maps are skipped. */
export function useYRows(array: Y.Array<unknown>): Y.Map<unknown>[] {
	const version = useYVersion(array as Y.AbstractType<unknown>);
	const cache = useRef<{ version: number; rows: Y.Map<unknown>[] } | null>(null);
	if (cache.current?.version !== version) {
		cache.current = { version, rows: array.toArray().filter((row): row is Y.Map<unknown> => row instanceof Y.Map) };
	}
	return cache.current.rows;
}

/** A plain field's text: a string, or a Y.Text (which the server also reads); anything else is "". */
export function readText(map: Y.Map<unknown>, key: string): string {
	const value = map.get(key);
	if (typeof value === 'string') {
		return value;
	}
	return value instanceof Y.Text ? value.toJSON() : '';
}

/** Sets a plain field, editing a Y.Text in place when the field is one. No write when unchanged. */
export function writeText(map: Y.Map<unknown>, key: string, value: string): void {
	const current = map.get(key);
	if (current instanceof Y.Text) {
		if (current.toJSON() !== value) {
			current.delete(0, current.length);
			current.insert(0, value);
		}
		return;
	}
	if (current !== value) {
		map.set(key, value);
	}
}

/** Removes one row, found by identity (its index may have moved by others' edits). */
export function removeRow(array: Y.Array<unknown>, row: Y.Map<unknown>): void {
	const index = array.toArray().indexOf(row);
	if (index >= 0) {
		array.delete(index, 1);
	}
}

/** A new row map with the given fields. */
export function newRow(fields: Record<string, unknown>): Y.Map<unknown> {
	const row = new Y.Map<unknown>();
	for (const [key, value] of Object.entries(fields)) {
		row.set(key, value);
	}
	return row;
}
