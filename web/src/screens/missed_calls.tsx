// The desk's missed calls (issue 17, docs/telephony.md): the calls nobody
// answered, the one that rang first on top. Enter on a row's "Devolver
// llamada" (focused on arrival; ↑/↓ move between rows) opens the call
// workspace for that number (`/call/<id>`), who is calling identified as in a
// screen pop; the call the agent logs there names it, which marks it handled.
// "Nada que hacer" marks one handled without a call.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type TelephonyCall } from '../api';
import { fmtTime, t, type Key } from '../i18n';
import { fmtPhone } from '../phone';
import { navigate } from '../router';
import { ErrorBox, Notice, problemText, usePoll } from '../ui';

function waited(c: TelephonyCall) {
  if (!c.ringing_at || !c.ended_at) return '—';
  const s = Math.max(0, Math.round((Date.parse(c.ended_at) - Date.parse(c.ringing_at)) / 1000));
  return s < 60 ? t('missed.seconds', { n: s }) : t('missed.minutes', { m: Math.floor(s / 60), s: s % 60 });
}

function causeLabel(cause: string | null | undefined) {
  if (!cause) return '—';
  return t(('missed.cause.' + cause) as Key) || cause;
}

export function MissedCalls() {
  const [items, setItems] = useState<TelephonyCall[]>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  const table = useRef<HTMLTableSectionElement>(null);
  const focused = useRef(false);

  const load = () =>
    api.missedCalls({ limit: 100 }).then(
      (r) => {
        setItems(r.items);
        setError(undefined);
      },
      (e) => {
        if ((e as Error).name !== 'AbortError') setError(problemText(e));
      },
    );
  // The change feed does not tell agents of telephony records: poll.
  usePoll(load, 10000, []);
  // On arrival the first call back is one Enter away.
  useLayoutEffect(() => {
    if (focused.current || !items?.length) return;
    focused.current = true;
    table.current?.querySelector<HTMLButtonElement>('button.callback')?.focus();
  }, [items]);

  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const rows = Array.from(table.current?.querySelectorAll<HTMLButtonElement>('button.callback') ?? []);
    const row = (document.activeElement as HTMLElement | null)?.closest('tr');
    const i = rows.findIndex((b) => b.closest('tr') === row);
    if (i < 0) return;
    e.preventDefault();
    rows[(i + (e.key === 'ArrowDown' ? 1 : rows.length - 1)) % rows.length]?.focus();
  };
  const handled = async (c: TelephonyCall) => {
    try {
      await api.markCallHandled(c.id);
      setDone(t('missed.handled', { number: fmtPhone(c.from) }));
      await load();
      table.current?.querySelector<HTMLButtonElement>('button.callback')?.focus();
    } catch (e) {
      setError(problemText(e));
    }
  };

  return (
    <section aria-labelledby="missed-title" data-testid="missed-calls">
      <h1 id="missed-title">{t('missed.title')}</h1>
      <p class="hint">{t('missed.hint')}</p>
      <ErrorBox error={error} />
      {done && <Notice kind="ok">{done}</Notice>}
      {!items ? (
        <p>{t('common.loading')}</p>
      ) : items.length === 0 ? (
        <p data-testid="missed-empty">{t('missed.empty')}</p>
      ) : (
        <table class="missed">
          <caption class="sr-only">{t('missed.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('missed.number')}</th>
              <th scope="col">{t('missed.rang_at')}</th>
              <th scope="col">{t('missed.waited')}</th>
              <th scope="col">{t('missed.queue')}</th>
              <th scope="col">{t('missed.cause')}</th>
              <th scope="col">
                <span class="sr-only">{t('missed.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody ref={table} onKeyDown={onKey}>
            {items.map((c) => (
              <tr key={c.id} data-call={c.id}>
                <td>
                  <strong>{c.from ? fmtPhone(c.from) : t('pop.hidden_number')}</strong>
                </td>
                <td>{fmtTime(c.ringing_at)}</td>
                <td>{waited(c)}</td>
                <td>{c.queue ?? '—'}</td>
                <td>{causeLabel(c.cause)}</td>
                <td class="actions">
                  <button type="button" class="primary callback" onClick={() => navigate('/call/' + c.id)}>
                    {t('missed.call_back')} <kbd>Enter</kbd>
                  </button>{' '}
                  <button type="button" onClick={() => void handled(c)}>
                    {t('missed.nothing')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
