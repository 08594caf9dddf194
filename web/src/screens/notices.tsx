// Dispatch: the open notices (avisos EME); for one, the visit (day, place,
// two phones — ZB-3/4), observations, and the closing verdict apta / no apta
// with the technician's observations (ZB-8/9).
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Case, type Notice as NoticeT, type NoticePatch } from '../api';
import { deskToday, fmtDate, fmtTime, t, tp } from '../i18n';
import { Age, QueueTable, ViewBar, byNumber, byText, byTime, useView, type Column, type View } from '../queue';
import { Badge, ConfirmDialog, ErrorBox, Field, Notice, fieldError, formError, problemText, useLive } from '../ui';

export function NoticeList({ selected }: { selected: string }) {
  const [items, setItems] = useState<NoticeT[]>();
  const [closedItems, setClosedItems] = useState<NoticeT[]>();
  const [late, setLate] = useState<Record<string, Case>>({});
  const [error, setError] = useState<string>();
  const [tick, setTick] = useState(0);
  const all = items && closedItems ? [...items, ...closedItems] : items;
  const names = useCustomerNames(all?.map((n) => n.customer_id) ?? []);
  useLive(
    () => {
      Promise.all([api.notices({ state: 'open', limit: 500 }), api.notices({ state: 'closed', limit: 200 })]).then(
        ([o, c]) => {
          setItems(o.items);
          setClosedItems(c.items);
          setError(undefined);
        },
        (e) => setError(problemText(e)),
      );
      // The cases that follow the notices say which are late (ZB-5).
      api.cases({ state: 'open', limit: 500 }).then(
        (r) => {
          const m: Record<string, Case> = {};
          for (const c of r.items) if (c.notice_number && c.overdue && c.overdue.state !== 'none') m[c.notice_number] = c;
          setLate(m);
        },
        () => setLate({}),
      );
    },
    [{ entity: 'notice' }, { entity: 'case' }],
    [tick],
  );
  const lateState = (n: NoticeT) => (n.state === 'open' ? late[n.number]?.overdue?.state : undefined);
  const views: View<NoticeT>[] = [
    { id: 'open', label: t('views.open'), test: (n) => n.state === 'open' },
    { id: 'late', label: t('views.late'), test: (n) => !!lateState(n) },
    { id: 'overdue', label: t('views.overdue'), test: (n) => lateState(n) === 'overdue' },
    { id: 'no_visit', label: t('views.no_visit'), test: (n) => n.state === 'open' && !n.visit_day },
    { id: 'closed', label: t('views.closed'), test: (n) => n.state === 'closed' },
  ];
  const [view, setView] = useView('notices', views.map((v) => v.id));
  const rank = (n: NoticeT) => (lateState(n) === 'overdue' ? 0 : lateState(n) === 'warning' ? 1 : 2);
  const shown = all?.filter(views.find((v) => v.id === view)!.test).sort((a, b) => rank(a) - rank(b));
  const columns: Column<NoticeT>[] = [
    { id: 'number', label: t('notices.number'), sort: byText((n) => n.number), cell: (n) => n.number },
    { id: 'customer', label: t('ticket.customer'), sort: byText((n) => names[n.customer_id]), cell: (n) => names[n.customer_id] ?? t('notices.customer_id', { id: n.customer_id }), class: 'wrap' },
    {
      id: 'visit',
      label: t('notices.visit_day'),
      sort: byText((n) => n.visit_day),
      cell: (n) => (n.visit_day ? fmtDate(n.visit_day) : <Badge kind="warn">{t('notices.no_visit')}</Badge>),
    },
    {
      id: 'state',
      label: t('queue.state'),
      sort: byNumber(rank),
      cell: (n) => {
        const c = late[n.number];
        const s = lateState(n);
        return (
          <>
            {s === 'overdue' && <Badge kind="breached">{tp('cases.overdue', c.overdue?.followups_sent ?? 0)}</Badge>}
            {s === 'warning' && <Badge kind="warn">{t('cases.warning')}</Badge>}
            {!s && n.state === 'open' && t('notices.state_open')}
            {n.outcome && <Badge kind={n.outcome === 'apta' ? 'ok' : 'breached'}>{t(n.outcome === 'apta' ? 'notices.apta' : 'notices.no_apta')}</Badge>}
          </>
        );
      },
    },
    { id: 'age', label: t('queue.age'), sort: byTime((n) => n.created_at), cell: (n) => <Age since={n.created_at} /> },
  ];
  return (
    <div class={selected ? 'split' : undefined}>
      <section aria-labelledby="notices-title">
        <h1 id="notices-title" tabIndex={-1}>
          {t('notices.title')}
        </h1>
        <ViewBar views={views} rows={all} current={view} onPick={setView} label={t('views.label')} />
        <ErrorBox error={error} />
        {shown && shown.length === 0 && <p data-testid="queue-empty">{t('notices.empty')}</p>}
        {shown && shown.length > 0 && (
          <QueueTable
            rows={shown}
            columns={columns}
            rowKey={(n) => n.number}
            href={(n) => '/notices/' + n.number}
            rowClass={(n) => [n.number === selected ? 'selected' : '', lateState(n) === 'overdue' ? 'critical' : lateState(n) === 'warning' ? 'warning' : ''].join(' ')}
            caption={t('notices.title')}
            testid="notice-list"
            screen="notices"
          />
        )}
        <p class="hint keys-hint">{t('views.keys')}</p>
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
  // No verdict preselected: the dispatcher says which (ZB-8/9), and is asked to confirm.
  const [outcome, setOutcome] = useState<'apta' | 'no_apta' | ''>('');
  const [confirming, setConfirming] = useState(false);
  const [outcomeError, setOutcomeError] = useState<string>();
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
  // Checked here first (a verdict; observations for "no apta"), then asked.
  const close = (e: Event) => {
    e.preventDefault();
    if (!n) return;
    setCloseError(undefined);
    setDone(undefined);
    setOutcomeError(undefined);
    if (!outcome) {
      setOutcomeError(t('notices.outcome_required'));
      document.querySelector<HTMLElement>('input[name=outcome]')?.focus();
      return;
    }
    if (outcome === 'no_apta' && !techObs.trim()) {
      setCloseError(new ApiError({ status: 400, code: 'invalid_argument', field: 'observations', detail: 'is required' }));
      document.querySelector<HTMLElement>('textarea[name=tech_observations]')?.focus();
      return;
    }
    setConfirming(true);
  };
  const closeNow = async () => {
    if (!n || !outcome) return;
    try {
      adopt(await api.closeNotice(number, { outcome, observations: techObs || undefined, version: n.version }));
      setOutcome('');
      setTechObs('');
      setDone(t('notices.closed_ok', { number }));
      onChanged();
      setConfirming(false);
      // Once the dialog has closed (it gives the focus back to the button).
      setTimeout(() => document.getElementById('notice-title')?.focus(), 0);
    } catch (err) {
      setCloseError(err);
      setConfirming(false);
    }
  };
  const fields = ['visit_day', 'location_ref', 'phone_1', 'phone_2', 'observations'];
  const set = (k: keyof typeof visit) => (e: Event) => setVisit({ ...visit, [k]: (e.currentTarget as HTMLInputElement).value });
  if (!n) return <section class="card"><ErrorBox error={error ? problemText(error) : undefined} /></section>;
  return (
    <section class="card" aria-labelledby="notice-title" data-testid="notice-editor">
      <h2 id="notice-title" tabIndex={-1}>
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
              <input type="radio" name="outcome" value="apta" checked={outcome === 'apta'} onChange={() => setOutcome('apta')} aria-invalid={outcomeError ? true : undefined} /> {t('notices.apta')}
            </label>
            <label class="check">
              <input type="radio" name="outcome" value="no_apta" checked={outcome === 'no_apta'} onChange={() => setOutcome('no_apta')} /> {t('notices.no_apta')}
            </label>
            {outcomeError && (
              <p class="error" role="alert" id="outcome-err">
                {outcomeError}
              </p>
            )}
          </fieldset>
          <Field label={t('notices.tech_observations')} required={outcome === 'no_apta'} error={fieldError(closeError, 'observations')}>
            {(a) => <textarea {...a} name="tech_observations" rows={2} value={techObs} onInput={(e) => setTechObs(e.currentTarget.value)} />}
          </Field>
          <ErrorBox error={formError(closeError, ['observations', 'outcome'])} />
          <button type="submit" class="primary">
            {t('notices.close')}
          </button>
          {confirming && outcome && (
            <ConfirmDialog
              title={t('notices.confirm_title', { number })}
              text={t('notices.confirm_text', { outcome: t(outcome === 'apta' ? 'notices.apta' : 'notices.no_apta') })}
              confirm={t('notices.confirm')}
              keep={t('notices.keep')}
              testId="notice-confirm"
              onConfirm={closeNow}
              onClose={() => setConfirming(false)}
            />
          )}
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
