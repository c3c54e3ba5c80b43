import type { ReactNode } from 'react';
import type { Awareness } from 'y-protocols/awareness';
import type * as Y from 'yjs';
import { useI18n } from '../i18n/index.tsx';
import { YField } from './y-field.tsx';
import { FORM_ORIGIN, newRow, readText, removeRow, useYRows } from './y-hooks.ts';

/** What every row editor takes from the form. */
export type RowForm = { doc: Y.Doc; awareness: Awareness; editable: boolean };

/**
 * One column of a row part (attendance, tasks, recipients). Its header is also the field's label
 * for screen readers, since the cell shows no label of its own.
 */
export type RowColumn = {
	header: string;
	/** What the cell shows before the field, or instead of it when there is no field. */
	render?: (row: Y.Map<unknown>) => ReactNode;
	/** The row key edited in this cell; its test id is `<part>-<name>` and its presence key the part's. */
	field?: {
		name: string;
		kind?: 'text' | 'textarea' | 'date';
		list?: string;
		/** More changes in the same transaction as the value (a task's `machine` flag, its unit id). */
		also?: (row: Y.Map<unknown>, value: string) => void;
	};
};

/** How rows come and go. */
export type RowRules = {
	/** Names the row on its remove button, for screen readers. */
	removeName: (row: Y.Map<unknown>) => string;
	addLabel: string;
	/** A new row's fields; called per click, so each row gets its own id. */
	blank: () => Record<string, unknown>;
};

type PartProps = {
	form: RowForm;
	/** The Y.Doc root's name: the table's test id prefix and the presence key of its fields. */
	part: string;
	array: Y.Array<unknown>;
	columns: RowColumn[];
	rules: RowRules;
};

/** A table of rows with a remove button per row and an add button below, while editable. */
export function YRowTable({ form, part, array, columns, rules, rowAttributes }: PartProps & { rowAttributes?: (row: Y.Map<unknown>) => { testId?: string; className?: string } }) {
	const rows = useYRows(array);
	return (
		<>
			<table className="minutes-table" data-testid={`${part}-table`}>
				<thead>
					<tr>
						{columns.map((column) => (
							<th key={column.header}>{column.header}</th>
						))}
						{form.editable && <th />}
					</tr>
				</thead>
				<tbody>
					{rows.map((row, index) => {
						const attributes = rowAttributes?.(row);
						return (
							<tr key={readText(row, 'id') || index} data-testid={attributes?.testId} className={attributes?.className}>
								{columns.map((column) => (
									<td key={column.header}>
										<Cell form={form} part={part} row={row} column={column} />
									</td>
								))}
								{form.editable && (
									<td>
										<RemoveRowButton form={form} array={array} row={row} name={rules.removeName(row)} />
									</td>
								)}
							</tr>
						);
					})}
				</tbody>
			</table>
			<AddRowButton form={form} array={array} label={rules.addLabel} blank={rules.blank} />
		</>
	);
}

/** The same as a list: `<ul class="<part>" data-testid="<part>">`, one item per row. */
export function YRowList({ form, part, array, columns, rules }: PartProps) {
	const rows = useYRows(array);
	return (
		<>
			<ul className={part} data-testid={part}>
				{rows.map((row, index) => (
					<li key={readText(row, 'id') || index}>
						{columns.map((column) => (
							<Cell key={column.header} form={form} part={part} row={row} column={column} />
						))}
						{form.editable && <RemoveRowButton form={form} array={array} row={row} name={rules.removeName(row)} />}
					</li>
				))}
			</ul>
			<AddRowButton form={form} array={array} label={rules.addLabel} blank={rules.blank} />
		</>
	);
}

function Cell({ form, part, row, column }: { form: RowForm; part: string; row: Y.Map<unknown>; column: RowColumn }) {
	const { field } = column;
	const also = field?.also;
	return (
		<>
			{column.render?.(row)}
			{field && (
				<YField
					doc={form.doc}
					map={row}
					name={field.name}
					label={column.header}
					kind={field.kind ?? 'text'}
					editable={form.editable}
					awareness={form.awareness}
					presence={part}
					list={field.list}
					alsoOnCommit={also && ((value) => also(row, value))}
					showLabel={false}
					testId={`${part}-${field.name}`}
				/>
			)}
		</>
	);
}

function RemoveRowButton({ form, array, row, name }: { form: RowForm; array: Y.Array<unknown>; row: Y.Map<unknown>; name: string }) {
	const { t } = useI18n();
	return (
		<button type="button" className="row-remove" aria-label={t('minutesEditor.row.removeLabel', { name })} onClick={() => form.doc.transact(() => removeRow(array, row), FORM_ORIGIN)}>
			×
		</button>
	);
}

/** Appends a row (nothing while not editable). */
export function AddRowButton({ form, array, label, blank }: { form: RowForm; array: Y.Array<unknown>; label: string; blank: () => Record<string, unknown> }) {
	if (!form.editable) {
		return null;
	}
	return (
		<button type="button" onClick={() => form.doc.transact(() => array.push([newRow(blank())]), FORM_ORIGIN)}>
			{label}
		</button>
	);
}
