// Queue views shared by the tickets, cases and notices screens: saved views
// with their counts, sortable columns, rows walked with j/k and opened with
// Enter, and the SLA countdown (time left to a target, amber from 75% of it,
// red once breached) that follows the server's clock, live.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api';
import { fmtDuration, fmtTime, t } from './i18n';
import { onChange } from './live';
import { linkProps } from './router';
import { ShortcutList } from './ui';

// ---- The server's clock ---------------------------------------------------
// "Now" as the server sees it: the browser's clock plus the offset read from
// GET /api/v1/clock (a training server runs a virtual clock; a real one has no
// such route and the offset stays 0). Re-read when the clock moves.
let offset = 0;
let asked = false;
let listening = false;
const tickers = new Set<() => void>();
function readClock() {
  api.clock().then(
    (c) => {
      offset = new Date(c.now).getTime() - Date.now();
      tickers.forEach((f) => f());
    },
    (e) => {
      // No such route (a real clock): the browser's. Else (a desk switch
      // dropped the answer, the connection): asked again next time.
      if (!(e instanceof ApiError && e.status === 404)) asked = false;
    },
  );
}
export function serverNow(): number {
  if (!asked) {
    asked = true;
    readClock();
    if (!listening) {
      listening = true;
      onChange((c) => {
        if (c?.entity === 'clock') readClock();
      });
    }
  }
  return Date.now() + offset;
}

// The server's now, re-rendering the caller every 15 s and when the clock moves.
export function useNow(): number {
  const [, redraw] = useState(0);
  useEffect(() => {
    const f = () => redraw((n) => n + 1);
    tickers.add(f);
    const id = window.setInterval(f, 15000);
    return () => {
      tickers.delete(f);
      window.clearInterval(id);
    };
  }, []);
  return serverNow();
}

// ---- SLA countdown --------------------------------------------------------
export type SlaLevel = 'ok' | 'warn' | 'breached' | 'met';

// Where a target stands at `now`: breached past `due`, amber from 75% of the
// time between `start` and `due`.
export function slaLevel(start: string | undefined, due: string, now: number, breached = false): SlaLevel {
  const d = new Date(due).getTime();
  if (breached || now >= d) return 'breached';
  const s = start ? new Date(start).getTime() : NaN;
  if (!isNaN(s) && d > s && (now - s) / (d - s) >= 0.75) return 'warn';
  return 'ok';
}

// Time left to `due` (or past it), coloured by slaLevel; `label` says which
// target ("Respuesta", "Solución", a case's follow-up). Reusable anywhere a
// ticket or case appears.
export function SlaCountdown(props: { start?: string; due: string | null | undefined; breached?: boolean; met?: boolean; label?: string; level?: SlaLevel }) {
  const now = useNow();
  if (!props.due) return <span class="sla none">—</span>;
  if (props.met) return <span class="sla met" data-sla="met">{t('sla.met')}</span>;
  const level = props.level ?? slaLevel(props.start, props.due, now, props.breached);
  const left = new Date(props.due).getTime() - now;
  const text = left >= 0 ? t('sla.left', { time: fmtDuration(left) }) : t('sla.over', { time: fmtDuration(left) });
  return (
    <span class={'sla ' + level} data-sla={level} title={`${props.label ? props.label + ': ' : ''}${fmtTime(props.due)}`}>
      {props.label && <span class="sla-label">{props.label} · </span>}
      {level === 'breached' && <span aria-hidden="true">● </span>}
      {level === 'warn' && <span aria-hidden="true">▲ </span>}
      {text}
    </span>
  );
}

// ---- Saved views ----------------------------------------------------------
export interface View<T> {
  id: string;
  label: string;
  test: (row: T) => boolean;
}

// The view chosen last on this screen (localStorage), else the first.
export function useView(screen: string, ids: string[]): [string, (id: string) => void] {
  const key = 'atiende.view.' + screen;
  const [id, setId] = useState(() => {
    try {
      const v = localStorage.getItem(key);
      return v && ids.includes(v) ? v : ids[0];
    } catch {
      return ids[0];
    }
  });
  const pick = (v: string) => {
    try {
      localStorage.setItem(key, v);
    } catch {
      /* storage disabled */
    }
    setId(v);
  };
  return [ids.includes(id) ? id : ids[0], pick];
}

// The views as toggle buttons, each with its count: "Atrasados 3".
export function ViewBar<T>(props: { views: View<T>[]; rows: T[] | undefined; current: string; onPick: (id: string) => void; label: string }) {
  return (
    <div class="views" role="group" aria-label={props.label} data-testid="views">
      {props.views.map((v) => {
        const n = props.rows ? props.rows.filter(v.test).length : undefined;
        return (
          <button key={v.id} type="button" data-view={v.id} aria-pressed={props.current === v.id} onClick={() => props.onPick(v.id)}>
            {v.label}
            {n !== undefined && (
              <span class="count" data-testid="view-count">
                <span class="sr-only"> (</span>
                {n}
                <span class="sr-only">)</span>
              </span>
            )}
          </button>
        );
      })}
    </div>
  );
}

// ---- Sortable table with keyboard rows ---------------------------------------
export interface Column<T> {
  id: string;
  label: string;
  // Ascending order; absent: the column does not sort.
  sort?: (a: T, b: T) => number;
  cell: (row: T) => ComponentChildren;
  class?: string;
}

export function byText<T>(f: (r: T) => string | null | undefined) {
  return (a: T, b: T) => (f(a) ?? '').localeCompare(f(b) ?? '');
}
export function byNumber<T>(f: (r: T) => number | null | undefined) {
  // Missing values last.
  return (a: T, b: T) => (f(a) ?? Infinity) - (f(b) ?? Infinity);
}
export function byTime<T>(f: (r: T) => string | null | undefined) {
  return byNumber<T>((r) => {
    const v = f(r);
    return v ? new Date(v).getTime() : null;
  });
}

type Sort = { column: string; desc: boolean } | null;

// A dense table: sticky header, sortable columns (a button in each header,
// aria-sort on it), the first column's link opens the row. j / k move between
// rows (the row's link takes the focus), Enter opens it; not while typing in
// a field.
export function QueueTable<T>(props: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (r: T) => string;
  href: (r: T) => string;
  rowClass?: (r: T) => string;
  caption: string;
  testid: string;
  screen: string; // remembers the sort per screen
}) {
  const key = 'atiende.sort.' + props.screen;
  const [sort, setSort] = useState<Sort>(() => {
    try {
      return JSON.parse(localStorage.getItem(key) ?? 'null') as Sort;
    } catch {
      return null;
    }
  });
  const sortBy = (column: string) => {
    const next: Sort = sort?.column === column ? { column, desc: !sort.desc } : { column, desc: false };
    setSort(next);
    try {
      localStorage.setItem(key, JSON.stringify(next));
    } catch {
      /* storage disabled */
    }
  };
  const col = props.columns.find((c) => c.id === sort?.column && c.sort);
  const rows = col ? [...props.rows].sort((a, b) => (sort!.desc ? -1 : 1) * col.sort!(a, b)) : props.rows;
  const body = useRef<HTMLTableSectionElement>(null);
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.altKey || e.ctrlKey || e.metaKey || e.defaultPrevented) return;
      const el = e.target as HTMLElement;
      if (el.closest('input, textarea, select, [contenteditable="true"], dialog')) return;
      if (e.key !== 'j' && e.key !== 'k') return;
      const links = [...(body.current?.querySelectorAll<HTMLAnchorElement>('tr > td:first-child a') ?? [])];
      if (!links.length) return;
      e.preventDefault();
      const at = links.indexOf(document.activeElement as HTMLAnchorElement);
      const next = at < 0 ? 0 : Math.max(0, Math.min(links.length - 1, at + (e.key === 'j' ? 1 : -1)));
      links[next].focus();
      links[next].closest('tr')?.scrollIntoView({ block: 'nearest' });
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
  return (
    <div class="table-wrap">
      <ShortcutList
        items={[
          { keys: 'j / k', label: t('shortcuts.rows') },
          { keys: 'Enter', label: t('shortcuts.open_row') },
        ]}
      />
      <table class="queue dense" data-testid={props.testid}>
        <caption class="sr-only">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th
                key={c.id}
                scope="col"
                class={c.class}
                aria-sort={sort?.column === c.id && c.sort ? (sort.desc ? 'descending' : 'ascending') : undefined}
              >
                {c.sort ? (
                  <button type="button" class="sort" data-column={c.id} onClick={() => sortBy(c.id)}>
                    {c.label}
                    <span aria-hidden="true" class="arrow">
                      {sort?.column === c.id ? (sort.desc ? '▼' : '▲') : '↕'}
                    </span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody ref={body}>
          {rows.map((r) => (
            <tr key={props.rowKey(r)} class={props.rowClass?.(r)}>
              {props.columns.map((c, i) => (
                <td key={c.id} class={c.class}>
                  {i === 0 ? (
                    <a {...linkProps(props.href(r))}>{c.cell(r)}</a>
                  ) : (
                    c.cell(r)
                  )}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

// How long ago `iso` was, shortly ("3 h 05 min"), by the server's clock.
export function Age({ since }: { since: string | null | undefined }) {
  const now = useNow();
  if (!since) return <>—</>;
  return (
    <time dateTime={since} title={fmtTime(since)}>
      {fmtDuration(now - new Date(since).getTime())}
    </time>
  );
}

// Keeps a list's filter on screen: a label and a <select> of values seen.
export function PickFilter(props: { id: string; label: string; value: string; values: string[]; onPick: (v: string) => void; any: string; none?: string }) {
  return (
    <span class="pick">
      <label for={props.id}>{props.label}</label>
      <select id={props.id} value={props.value} onChange={(e) => props.onPick(e.currentTarget.value)}>
        <option value="">{props.any}</option>
        {props.none && <option value="-">{props.none}</option>}
        {props.values.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    </span>
  );
}
