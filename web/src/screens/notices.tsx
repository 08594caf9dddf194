// Dispatch: the open notices (avisos EME); for one, the visit (day, place,
// two phones — ZB-3/4), observations, and the closing verdict apta / no apta
// with the technician's observations (ZB-8/9).
import { useEffect, useState } from 'preact/hooks';
import { api, type Notice as NoticeT, type NoticePatch } from '../api';
import { deskToday, fmtDate, fmtTime, t } from '../i18n';
import { linkProps } from '../router';
import { Badge, ErrorBox, Field, Notice, fieldError, formError, problemText, useLive } from '../ui';

export function NoticeList({ selected }: { selected: string }) {
  const [state, setState] = useState<'open' | 'closed'>('open');
  const [items, setItems] = useState<NoticeT[]>();
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const names = useCustomerNames(items?.map((n) => n.customer_id) ?? []);
  useLive(
    () => {
      api.notices({ state, limit: 200 }).then(
        (r) => {
          setItems(r.items);
          setError(undefined);
        },
        (e) => setError(problemText(e)),
      );
    },
    [{ entity: 'notice' }],
    [state, tick],
  );
  return (
    <div class="split">
      <section aria-labelledby="notices-title">
        <h1 id="notices-title">{t('notices.title')}</h1>
        <div role="group" aria-label={t('notices.filter')} class="tabs">
          <button type="button" aria-pressed={state === 'open'} onClick={() => setState('open')}>
            {t('notices.open')}
          </button>
          <button type="button" aria-pressed={state === 'closed'} onClick={() => setState('closed')}>
            {t('notices.closed')}
          </button>
        </div>
        <ErrorBox error={error} />
        {items && items.length === 0 && <p>{t('notices.empty')}</p>}
        <ul class="list" data-testid="notice-list">
          {items?.map((n) => (
            <li key={n.number} class={n.number === selected ? 'selected' : ''}>
              <a {...linkProps('/notices/' + n.number)} aria-current={n.number === selected ? 'true' : undefined}>
                <strong>{n.number}</strong> · {names[n.customer_id] ?? t('notices.customer_id', { id: n.customer_id })}
              </a>{' '}
              {n.visit_day ? <span>{t('notices.visit_on', { day: fmtDate(n.visit_day) })}</span> : <Badge kind="warn">{t('notices.no_visit')}</Badge>}
              {n.outcome && <Badge kind={n.outcome === 'apta' ? 'ok' : 'breached'}>{t(n.outcome === 'apta' ? 'notices.apta' : 'notices.no_apta')}</Badge>}
            </li>
          ))}
        </ul>
      </section>
      {selected && <NoticeEditor key={selected} number={selected} onChanged={() => setTick((x) => x + 1)} />}
    </div>
  );
}

// Legal names of the notices' customers (a notice carries only the id).
const nameCache: Record<number, string> = {};
function useCustomerNames(ids: number[]) {
  const [, setN] = useState(0);
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    const missing = [...new Set(ids)].filter((id) => !(id in nameCache));
    if (!missing.length) return;
    Promise.all(
      missing.map((id) =>
        api.customer(id).then(
          (c) => (nameCache[id] = `${c.legal_name} (${c.code})`),
          () => undefined,
        ),
      ),
    ).then(() => setN((x) => x + 1));
  }, [key]);
  return nameCache;
}

function NoticeEditor({ number, onChanged }: { number: string; onChanged: () => void }) {
  const [n, setN] = useState<NoticeT>();
  const [error, setError] = useState<unknown>();
  const [visit, setVisit] = useState({ visit_day: '', location_ref: '', phone_1: '', phone_2: '', observations: '' });
  const [outcome, setOutcome] = useState<'apta' | 'no_apta'>('apta');
  const [techObs, setTechObs] = useState('');
  const [closeError, setCloseError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const adopt = (x: NoticeT) => {
    setN(x);
    setVisit({ visit_day: x.visit_day || '', location_ref: x.location_ref || '', phone_1: x.phone_1 || '', phone_2: x.phone_2 || '', observations: x.observations || '' });
  };
  useEffect(() => {
    api.notice(number).then(adopt, (e) => setError(e));
  }, [number]);
  const save = async (e: Event) => {
    e.preventDefault();
    if (!n) return;
    setError(undefined);
    setDone(undefined);
    const body: NoticePatch = { version: n.version, observations: visit.observations };
    const anyVisit = visit.visit_day || visit.location_ref || visit.phone_1 || visit.phone_2;
    if (anyVisit) Object.assign(body, { visit_day: visit.visit_day, location_ref: visit.location_ref, phone_1: visit.phone_1, phone_2: visit.phone_2 });
    try {
      adopt(await api.patchNotice(number, body));
      setDone(t('notices.saved', { number }));
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const close = async (e: Event) => {
    e.preventDefault();
    if (!n) return;
    setCloseError(undefined);
    try {
      adopt(await api.closeNotice(number, { outcome, observations: techObs || undefined, version: n.version }));
      setDone(t('notices.closed_ok', { number }));
      onChanged();
    } catch (err) {
      setCloseError(err);
    }
  };
  const fields = ['visit_day', 'location_ref', 'phone_1', 'phone_2', 'observations'];
  const set = (k: keyof typeof visit) => (e: Event) => setVisit({ ...visit, [k]: (e.currentTarget as HTMLInputElement).value });
  if (!n) return <section class="card"><ErrorBox error={error ? problemText(error) : undefined} /></section>;
  return (
    <section class="card" aria-labelledby="notice-title" data-testid="notice-editor">
      <h2 id="notice-title">
        {t('notices.notice', { number })} <Badge kind={n.state === 'open' ? 'warn' : 'ok'}>{t(n.state === 'open' ? 'notices.state_open' : 'notices.state_closed')}</Badge>
      </h2>
      <p class="hint">
        {t('notices.created')}: {fmtTime(n.created_at)}
        {n.outcome && ` · ${t(n.outcome === 'apta' ? 'notices.apta' : 'notices.no_apta')}`}
      </p>
      {done && <Notice kind="ok">{done}</Notice>}
      <form class="form" onSubmit={save} noValidate aria-label={t('notices.visit')}>
        <h3>{t('notices.visit')}</h3>
        <fieldset disabled={n.state !== 'open'}>
          <div class="row">
            <Field label={t('notices.visit_day')} error={fieldError(error, 'visit_day')}>
              {(a) => <input {...a} type="date" min={deskToday()} value={visit.visit_day} onInput={set('visit_day')} />}
            </Field>
            <Field label={t('notices.location_ref')} error={fieldError(error, 'location_ref')}>
              {(a) => <input {...a} value={visit.location_ref} onInput={set('location_ref')} />}
            </Field>
          </div>
          <div class="row">
            <Field label={t('notices.phone_1')} error={fieldError(error, 'phone_1')}>
              {(a) => <input {...a} type="tel" value={visit.phone_1} onInput={set('phone_1')} />}
            </Field>
            <Field label={t('notices.phone_2')} error={fieldError(error, 'phone_2')}>
              {(a) => <input {...a} type="tel" value={visit.phone_2} onInput={set('phone_2')} />}
            </Field>
          </div>
          <Field label={t('notices.observations')} error={fieldError(error, 'observations')}>
            {(a) => <textarea {...a} rows={2} value={visit.observations} onInput={set('observations')} />}
          </Field>
          <ErrorBox error={formError(error, fields)} />
          <button type="submit">{t('notices.save')}</button>
        </fieldset>
      </form>
      {n.state === 'open' && (
        <form class="form" onSubmit={close} noValidate aria-label={t('notices.close_title')}>
          <h3>{t('notices.close_title')}</h3>
          <fieldset>
            <legend>{t('notices.outcome')}</legend>
            <label class="check">
              <input type="radio" name="outcome" value="apta" checked={outcome === 'apta'} onChange={() => setOutcome('apta')} /> {t('notices.apta')}
            </label>
            <label class="check">
              <input type="radio" name="outcome" value="no_apta" checked={outcome === 'no_apta'} onChange={() => setOutcome('no_apta')} /> {t('notices.no_apta')}
            </label>
          </fieldset>
          <Field label={t('notices.tech_observations')} required={outcome === 'no_apta'} error={fieldError(closeError, 'observations')}>
            {(a) => <textarea {...a} name="tech_observations" rows={2} value={techObs} onInput={(e) => setTechObs(e.currentTarget.value)} />}
          </Field>
          <ErrorBox error={formError(closeError, ['observations'])} />
          <button type="submit" class="primary">
            {t('notices.close')}
          </button>
        </form>
      )}
      {n.state === 'closed' && !!n.technician_observations && (
        <p>
          {t('notices.tech_observations')}: {n.technician_observations}
        </p>
      )}
    </section>
  );
}
