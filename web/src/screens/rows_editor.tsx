// A list of records edited as rows of fields (a company's contacts, its
// services): add, remove and change rows; rows left wholly empty are not
// sent. The API names a bad value by its index in what was sent
// ("contacts[1].email"); `useRows` maps that back to the row on screen, so
// the message shows under the field that caused it.
import { useState } from 'preact/hooks';
import { t } from '../i18n';
import { Field, fieldError } from '../ui';

export interface RowColumn<K extends string> {
  key: K;
  label: string;
  type?: 'text' | 'email' | 'tel';
  required?: boolean;
}

// Whether two lists hold the same records, in the same order (by `keys`).
export function sameRows<T>(a: readonly T[], b: readonly T[], keys: readonly (keyof T)[]) {
  return a.length === b.length && a.every((r, i) => keys.every((k) => r[k] === b[i][k]));
}

// A list saved by someone else while this one was being edited: shown next to
// the rows after a conflict's reload, so the next save replaces it knowingly.
export function StoredRows(props: { testId: string; title: string; lines: string[] }) {
  return (
    <div class="box" data-testid={props.testId}>
      <p>{props.title}</p>
      {props.lines.length ? (
        <ul>
          {props.lines.map((l, i) => (
            <li key={i}>{l}</li>
          ))}
        </ul>
      ) : (
        <p class="hint">{t('rows.none')}</p>
      )}
    </div>
  );
}

export function useRows<K extends string>(name: string, columns: readonly RowColumn<K>[], initial: Record<K, string>[]) {
  const [rows, setRows] = useState(() => initial.map((r) => ({ ...r })));
  const [sent, setSent] = useState<number[]>([]); // the row of each record sent
  const blank = () => Object.fromEntries(columns.map((c) => [c.key, ''])) as Record<K, string>;
  const keptRows = () => rows.map((r, i) => (columns.some((c) => r[c.key].trim()) ? i : -1)).filter((i) => i >= 0);
  const apiField = (i: number, k: string) => `${name}[${sent.indexOf(i)}].${k}`;
  return {
    name,
    rows,
    setRows,
    edit: (i: number, k: K, v: string) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [k]: v } : r))),
    add: () => setRows((rs) => [...rs, blank()]),
    remove: (i: number) => {
      setRows((rs) => rs.filter((_, j) => j !== i));
      // The rows below move up: an error the API gave for them follows them.
      setSent((s) => s.map((x) => (x === i ? -1 : x > i ? x - 1 : x)));
    },
    // The rows with something in them (what a save sends).
    filled: () => keptRows().map((i) => rows[i]),
    // What to send; remembers which row is which for the API's errors.
    take: () => {
      const kept = keptRows();
      setSent(kept);
      return kept.map((i) => rows[i]);
    },
    // The API's field for row i's column k, by what was sent.
    apiField,
    // Every field name the API may report for this list (for formError).
    names: () => [name, ...rows.flatMap((_, i) => columns.map((c) => apiField(i, c.key)))],
  };
}

export function RowsFields<K extends string>(props: {
  rows: ReturnType<typeof useRows<K>>;
  columns: readonly RowColumn<K>[];
  idPrefix: string; // ids: `${idPrefix}-${row}-${column}`
  legend: (n: number) => string;
  removeLabel: (n: number) => string;
  addLabel: string;
  error: unknown;
}) {
  const { rows, edit, remove, apiField } = props.rows;
  const add = () => {
    props.rows.add();
    // The new row's first field takes the focus.
    setTimeout(() => document.querySelector<HTMLInputElement>(`#${props.idPrefix}-${rows.length}-${props.columns[0].key}`)?.focus(), 0);
  };
  return (
    <>
      {rows.map((r, i) => (
        <fieldset key={i}>
          <legend>{props.legend(i + 1)}</legend>
          <div class="row">
            {props.columns.map((c) => (
              <Field key={c.key} id={`${props.idPrefix}-${i}-${c.key}`} label={c.label} required={c.required} error={fieldError(props.error, apiField(i, c.key))}>
                {(a) => (
                  <input
                    {...a}
                    name={`${props.rows.name}[${i}].${c.key}`}
                    type={c.type ?? 'text'}
                    autoComplete="off"
                    value={r[c.key]}
                    onInput={(e) => edit(i, c.key, e.currentTarget.value)}
                  />
                )}
              </Field>
            ))}
          </div>
          <button type="button" onClick={() => remove(i)} aria-label={props.removeLabel(i + 1)}>
            {t('contacts.remove')}
          </button>
        </fieldset>
      ))}
      <p>
        <button type="button" onClick={add}>
          {props.addLabel}
        </button>
      </p>
    </>
  );
}
