// Search-as-you-type over the customer master (NM-2) as an ARIA combobox:
// ↑/↓ move, Enter picks; every keystroke asks the server (the previous
// request is cancelled). No match offers the derivation to Assurance (NM-3).
// Enter and the derivation act on the results of what is typed: pressed while
// they are on their way (a fast typist), they wait for them instead of acting
// on the results of a few letters ago.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type Caller, type Customer, type CustomerSearch } from '../api';
import { t } from '../i18n';
import { Badge, ErrorBox, Field, fieldError, formError, problemText, useAltKeys } from '../ui';
import type { CallState } from './call';

// The answer to what was typed (`query`).
interface Results {
  query: string;
  count: number;
  items: Customer[];
  derive_to?: CustomerSearch['derive_to'];
}

// When the last keystroke happened, to measure results painted after it
// (bench/web_speed.mjs reads window.atiendeSearchPaintMs).
let keystrokeAt = 0;
declare global {
  interface Window {
    atiendeSearchPaintMs?: number[];
  }
}

export function CustomerSearch(props: {
  onChoose: (c: Customer) => void;
  onDerived: (message: string) => void;
  call: CallState;
  setCaller: (c: Caller) => void;
}) {
  const [q, setQ] = useState('');
  const [res, setRes] = useState<Results | null>(null);
  const [active, setActive] = useState(0);
  const [error, setError] = useState<string>();
  const [deriveError, setDeriveError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [nameMissing, setNameMissing] = useState(false);
  const ctrl = useRef<AbortController>();
  // Enter or Alt+A came before the results of what is typed.
  const pending = useRef<'enter' | 'derive' | null>(null);
  const latest = useRef({ enter: (_r: Results, _i: number) => {}, derive: async (_r: Results) => {} });
  const input = useRef<HTMLInputElement>(null);

  useLayoutEffect(() => input.current?.focus(), []);
  useEffect(() => {
    if (!res || !keystrokeAt) return;
    requestAnimationFrame(() => {
      (window.atiendeSearchPaintMs ??= []).push(performance.now() - keystrokeAt);
    });
  }, [res]);

  const search = (v: string) => {
    setQ(v);
    keystrokeAt = performance.now();
    ctrl.current?.abort();
    pending.current = null; // typing on after Enter: it meant something else
    setError(undefined);
    if (!v.trim()) {
      setRes(null);
      return;
    }
    const c = new AbortController();
    ctrl.current = c;
    api.searchCustomers(v, c.signal).then(
      (r) => {
        if (c.signal.aborted) return;
        const got = { query: v, count: r.count ?? r.items.length, items: r.items, derive_to: r.derive_to };
        setRes(got);
        setActive(0);
        const then = pending.current;
        pending.current = null;
        // This render's functions are stale by now (the caller's name may have
        // been typed meanwhile): the latest ones act.
        if (then === 'enter') latest.current.enter(got, 0);
        else if (then === 'derive') void latest.current.derive(got);
      },
      (e) => {
        if ((e as Error).name === 'AbortError') return;
        pending.current = null;
        setError(problemText(e));
      },
    );
  };

  const pick = (c: Customer) => {
    setRes(null);
    props.onChoose(c);
  };
  const derive = async (from: Results | null = res) => {
    if (!from || from.count > 0) return;
    const caller = props.call.caller;
    if (!caller.name.trim()) {
      setNameMissing(true);
      document.getElementById('derive-caller')?.focus();
      return;
    }
    if (from === res && from.query !== q) {
      pending.current = 'derive'; // logged with the company as typed, once its results say no match
      return;
    }
    setBusy(true);
    setNameMissing(false);
    setDeriveError(undefined);
    try {
      const r = await api.recordCall({
        customer_id: null,
        type: 'other',
        outcome: 'derived_assurance',
        caller: { ...caller, company: caller.company || from.query },
        started_at: props.call.startedAt,
        telephony_call_id: props.call.telephonyId,
      });
      const notSent = r?.handoff?.status === 'not_sent';
      props.onDerived(notSent ? t('call.derived_not_sent') : t('call.derived'));
    } catch (e) {
      setDeriveError(e);
    } finally {
      setBusy(false);
    }
  };
  useAltKeys({ a: () => void derive() });
  // Enter on these results: pick the active one, or with none derive (the
  // caller's name first).
  const enter = (r: Results, index: number) => {
    if (r.items.length) pick(r.items[index] ?? r.items[0]);
    else if (props.call.caller.name.trim()) void derive(r);
    else document.getElementById('derive-caller')?.focus();
  };

  latest.current = { enter, derive };

  const onKey = (e: KeyboardEvent) => {
    const n = res?.items.length ?? 0;
    if (e.key === 'ArrowDown' && n) {
      e.preventDefault();
      setActive((a) => (a + 1) % n);
    } else if (e.key === 'ArrowUp' && n) {
      e.preventDefault();
      setActive((a) => (a - 1 + n) % n);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      // No match a few letters ago: no match now either (the caller's name is
      // asked at once, and a derivation still waits for the current text).
      if (res && (res.query === q || !res.items.length)) enter(res, active);
      else if (q.trim()) pending.current = 'enter';
    } else if (e.key === 'Escape') {
      setRes(null);
    }
  };

  const open = !!res && res.items.length > 0;
  const nameErr = nameMissing ? t('call.caller_needed') : fieldError(deriveError, 'caller.name');
  return (
    <div class="search">
      <label for="customer-search" class="big">
        {t('search.label')}
      </label>
      <input
        id="customer-search"
        ref={input}
        role="combobox"
        aria-expanded={open}
        aria-controls="customer-results"
        aria-autocomplete="list"
        aria-activedescendant={open ? `customer-opt-${active}` : undefined}
        aria-describedby="search-hint"
        autoComplete="off"
        spellcheck={false}
        value={q}
        onInput={(e) => search(e.currentTarget.value)}
        onKeyDown={onKey}
      />
      <p class="hint" id="search-hint">
        {t('search.hint')}
      </p>
      <ErrorBox error={error} />
      <ul id="customer-results" role="listbox" aria-label={t('search.results')} hidden={!open}>
        {open &&
          res!.items.map((c, i) => {
            const critical = c.criticality && c.criticality.toLowerCase().startsWith('priorit');
            return (
              <li
                id={`customer-opt-${i}`}
                key={c.id}
                role="option"
                aria-selected={i === active}
                class={i === active ? 'active' : ''}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => pick(c)}
              >
                <strong>{c.legal_name}</strong> {critical && <Badge kind="critical">{t('customer.critical')}</Badge>}
                {c.blocks.map((b) => (
                  <Badge key={b} kind="block">
                    {t('customer.block', { block: b })}
                  </Badge>
                ))}
                <span class="meta">
                  {c.group || '—'} · {c.technology || '—'}
                </span>
              </li>
            );
          })}
      </ul>
      {res && res.count === 0 && (
        <div class="nomatch card" role="region" aria-label={t('search.nomatch_title')}>
          <p role="status">{t('search.nomatch', { q: res.query })}</p>
          <Field id="derive-caller" label={t('call.caller_name')} required error={nameErr}>
            {(a) => (
              <input
                {...a}
                autoComplete="off"
                value={props.call.caller.name}
                onInput={(e) => props.setCaller({ ...props.call.caller, name: e.currentTarget.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    void derive();
                  }
                }}
              />
            )}
          </Field>
          <ErrorBox error={formError(deriveError, ['caller.name'])} />
          <button type="button" class="primary" disabled={busy} onClick={() => void derive()} aria-keyshortcuts="Alt+A">
            {t('search.derive')} <kbd>Alt+A</kbd>
          </button>
        </div>
      )}
    </div>
  );
}
