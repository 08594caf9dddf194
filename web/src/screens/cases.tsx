// The ZB procedure (issue 6) in the console: the supervisor's queue of cases
// (overdue first), a case with its current step's form rendered from the
// procedure file (step.form, step.outcomes), its notice and its timeline;
// the back office's queue of unblocks waiting for confirmation.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Case, type FormField } from '../api';
import { deskToday, fmtDate, fmtTime, t, tp, type Key } from '../i18n';
import { Age, QueueTable, SlaCountdown, ViewBar, byNumber, byText, byTime, useView, type Column, type View } from '../queue';
import { fmtPhone } from '../phone';
import { linkProps } from '../router';
import { Badge, ConfirmDialog, ErrorBox, Field, Notice, fieldError, formError, problemText, useLive } from '../ui';

function OverdueBadge({ c }: { c: Case }) {
  if (c.state === 'closed') return <Badge kind="ok">{c.result?.label ?? t('cases.closed')}</Badge>;
  if (c.overdue?.state === 'overdue') return <Badge kind="breached">{tp('cases.overdue', c.overdue.followups_sent ?? 0)}</Badge>;
  if (c.overdue?.state === 'warning') return <Badge kind="warn">{t('cases.warning')}</Badge>;
  return null;
}

// Time left to the case's follow-up due time, coloured by its overdue state.
export function CaseDue({ c }: { c: Case }) {
  if (c.state === 'closed' || !c.overdue?.due_at) return <>—</>;
  const level = c.overdue.state === 'overdue' ? 'breached' : c.overdue.state === 'warning' ? 'warn' : 'ok';
  return <SlaCountdown due={c.overdue.due_at} level={level} />;
}

// A notice's state and verdict in the user's words.
export function noticeStateText(n: { state: string; outcome?: string | null }) {
  const state = t(n.state === 'open' ? 'notices.state_open' : 'notices.state_closed');
  return n.outcome ? `${state} · ${t(n.outcome === 'apta' ? 'notices.apta' : 'notices.no_apta')}` : state;
}

// "LEGAL NAME (CODE)"; a case whose customer was deleted shows its id.
function customerLabel(c: Case) {
  return c.customer ? `${c.customer.legal_name} (${c.customer.code})` : t('notices.customer_id', { id: c.customer_id });
}

const rank = (c: Case) => (c.state === 'closed' ? 3 : c.overdue?.state === 'overdue' ? 0 : c.overdue?.state === 'warning' ? 1 : 2);

function caseColumns(): Column<Case>[] {
  return [
    { id: 'number', label: t('cases.number'), sort: byText((c) => c.number), cell: (c) => c.number },
    {
      id: 'customer',
      label: t('ticket.customer'),
      sort: byText(customerLabel),
      cell: (c) => (
        <>
          {customerLabel(c)} {c.customer?.regional && <Badge>{t('cases.regional')}</Badge>}
        </>
      ),
    },
    { id: 'step', label: t('cases.step'), sort: byText((c) => c.step?.title), cell: (c) => c.step?.title ?? '—' },
    { id: 'waiting', label: t('cases.waiting_on'), sort: byText((c) => c.step?.roles.join(',')), cell: (c) => c.step?.roles.map((r) => t(('role.' + r) as Key)).join(', ') || '—' },
    { id: 'age', label: t('queue.age'), sort: byTime((c) => c.created_at), cell: (c) => <Age since={c.created_at} /> },
    { id: 'due', label: t('cases.due'), sort: byTime((c) => c.overdue?.due_at), cell: (c) => <CaseDue c={c} /> },
    { id: 'state', label: t('queue.state'), sort: byNumber(rank), cell: (c) => <OverdueBadge c={c} /> },
  ];
}

function useCases(params: Parameters<typeof api.cases>[0], deps: unknown[]) {
  const [items, setItems] = useState<Case[]>();
  const [error, setError] = useState<string>();
  useLive(
    () => {
      api.cases(params).then(
        (r) => {
          setItems(r.items);
          setError(undefined);
        },
        (e) => setError(e instanceof ApiError && e.status === 404 ? t('cases.unavailable') : problemText(e)),
      );
    },
    [{ entity: 'case' }],
    deps,
  );
  return { items, error };
}

// The supervisor's cases: every open case (not only those waiting on the
// supervisor), late ones first, in views with their counts; the closed ones.
export function CaseQueue() {
  const open = useCases({ state: 'open', limit: 500 }, []);
  const closed = useCases({ state: 'closed', limit: 200 }, []);
  const views: View<Case>[] = [
    { id: 'open', label: t('views.open'), test: (c) => c.state === 'open' },
    { id: 'late', label: t('views.late'), test: (c) => c.state === 'open' && (c.overdue?.state === 'overdue' || c.overdue?.state === 'warning') },
    { id: 'overdue', label: t('views.overdue'), test: (c) => c.state === 'open' && c.overdue?.state === 'overdue' },
    { id: 'mine', label: t('views.waiting_me'), test: (c) => c.state === 'open' && !!c.step?.roles.includes('supervisor') },
    { id: 'closed', label: t('views.closed'), test: (c) => c.state === 'closed' },
  ];
  const [view, setView] = useView('cases', views.map((v) => v.id));
  const all = open.items && closed.items ? [...open.items, ...closed.items] : open.items;
  // Late first (overdue, then warning), then the server's order.
  const shown = all?.filter(views.find((v) => v.id === view)!.test).sort((a, b) => rank(a) - rank(b));
  return (
    <section aria-labelledby="cases-title">
      <h1 id="cases-title" tabIndex={-1}>
        {t('cases.title')}
      </h1>
      <ViewBar views={views} rows={all} current={view} onPick={setView} label={t('views.label')} />
      <ErrorBox error={open.error ?? closed.error} />
      {shown && shown.length === 0 && <p data-testid="queue-empty">{t('cases.empty')}</p>}
      {shown && shown.length > 0 && (
        <QueueTable
          rows={shown}
          columns={caseColumns()}
          rowKey={(c) => c.number}
          href={(c) => '/cases/' + c.number}
          rowClass={(c) => (c.overdue?.state === 'overdue' ? 'critical' : c.overdue?.state === 'warning' ? 'warning' : '')}
          caption={t('cases.title')}
          testid="case-queue"
          screen="cases"
        />
      )}
      <p class="hint keys-hint">{t('views.keys')}</p>
    </section>
  );
}

export function UnblockQueue() {
  const { items, error } = useCases({ state: 'open', role: 'back_office' }, []);
  // Shown above the queue: the confirmed case leaves it at the next re-read,
  // and its card with it.
  const [done, setDone] = useState<string>();
  return (
    <section aria-labelledby="unblocks-title">
      <h1 id="unblocks-title">{t('unblocks.title')}</h1>
      <p class="hint">{t('unblocks.hint')}</p>
      <ErrorBox error={error} />
      {items && items.length === 0 && <p>{t('unblocks.empty')}</p>}
      {done && <Notice kind="ok">{done}</Notice>}
      {items?.map((c) => <CaseCard key={c.number} initial={c} onDone={setDone} />)}
    </section>
  );
}

// "today", "today+2", "today-1" (the desk's today) or a date, as a date input's bound.
function relDay(v?: string) {
  if (!v) return undefined;
  const m = /^today([+-]\d+)?$/.exec(v);
  if (!m) return v;
  return deskToday(new Date(Date.now() + Number(m[1] ?? 0) * 86400000));
}

// One input of a step's form, as the procedure file declares it.
function StepField(props: { f: FormField; value: string; onInput: (v: string) => void; error?: string; required: boolean }) {
  const { f } = props;
  return (
    <Field label={f.label} required={props.required} error={props.error}>
      {(a) => {
        const common = { ...a, name: f.name, value: props.value, onInput: (e: Event) => props.onInput((e.currentTarget as HTMLInputElement).value) };
        if (f.type === 'long_text') return <textarea {...common} rows={2} />;
        if (f.type === 'choice')
          return (
            <select {...common} onChange={common.onInput}>
              <option value="">—</option>
              {(f.options ?? []).map((o) => (
                <option key={o} value={o}>
                  {o}
                </option>
              ))}
            </select>
          );
        if (f.type === 'date') return <input {...common} type="date" min={relDay(f.min)} max={relDay(f.max)} />;
        if (f.type === 'phone') return <input {...common} type="tel" autoComplete="off" />;
        return <input {...common} autoComplete="off" />;
      }}
    </Field>
  );
}

// The phones a step's form starts with (issue 15): those the caller gave at
// intake, then the customer's master phone, each once, in the form's phone
// fields in order (phone_1, phone_2). The supervisor corrects what the call says.
function prefilled(c: Case): Record<string, string> {
  const phones = [...(c.intake?.phones ?? []), c.customer?.phone ?? ''].map((p) => p.trim()).filter((p, i, all) => p && all.indexOf(p) === i);
  const out: Record<string, string> = {};
  for (const f of c.step?.form ?? []) if (f.type === 'phone' && phones.length) out[f.name] = phones.shift()!;
  return out;
}

// What the caller said at intake: who, the phones given, the comment.
function IntakeFacts({ c }: { c: Case }) {
  if (!c.intake) return null;
  return (
    <>
      <h3>{t('cases.intake_said')}</h3>
      <dl class="facts" data-testid="case-intake">
        <dt>{t('call.caller_name')}</dt>
        <dd>{c.intake.caller || '—'}</dd>
        <dt>{t('cases.intake_phones')}</dt>
        <dd>{c.intake.phones.length ? c.intake.phones.map(fmtPhone).join(' · ') : '—'}</dd>
        <dt>{t('cases.intake_comment')}</dt>
        <dd class="said">{c.intake.comment || '—'}</dd>
      </dl>
    </>
  );
}

// `confirm`: each outcome is asked first (the back office's unblock lifts the
// block and closes the case: nothing to undo).
function StepForm({ c, onDone, confirm }: { c: Case; onDone: (c: Case) => void; confirm?: boolean }) {
  const step = c.step!;
  const [values, setValues] = useState<Record<string, string>>(() => prefilled(c));
  const [error, setError] = useState<unknown>();
  const [local, setLocal] = useState<Record<string, string>>({});
  const [asking, setAsking] = useState<{ id: string; label: string; requires?: string[] }>();
  const submit = async (outcome: { id: string; label: string; requires?: string[] }, confirmed = false) => {
    setError(undefined);
    // Checked here for a quick answer; the server checks again.
    const missing: Record<string, string> = {};
    for (const name of outcome.requires ?? []) if (!values[name]?.trim()) missing[name] = t('cases.required');
    for (const f of step.form) {
      if (f.distinct_from && values[f.name] && values[f.name] === values[f.distinct_from]) missing[f.name] = t('cases.distinct', { other: step.form.find((x) => x.name === f.distinct_from)?.label ?? f.distinct_from });
    }
    setLocal(missing);
    if (Object.keys(missing).length) {
      document.getElementById('step-form')?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    if (confirm && !confirmed) {
      setAsking(outcome);
      return;
    }
    const fields: Record<string, string> = {};
    for (const f of step.form) if (values[f.name]) fields[f.name] = values[f.name];
    try {
      onDone(await api.caseStep(c.number, step.id, outcome.id, fields));
      setValues({});
      setAsking(undefined);
    } catch (err) {
      setError(err);
      setAsking(undefined);
    }
  };
  const required = new Set(step.outcomes.flatMap((o) => o.requires ?? []));
  const names = step.form.map((f) => f.name).concat(step.form.map((f) => 'fields.' + f.name));
  return (
    <form id="step-form" class="form" onSubmit={(e) => e.preventDefault()} noValidate aria-labelledby="step-title">
      <h3 id="step-title">
        {t('cases.current_step')}: {step.title}
      </h3>
      {step.form.map((f) => (
        <StepField
          key={f.name}
          f={f}
          value={values[f.name] ?? ''}
          required={required.has(f.name)}
          onInput={(v) => setValues({ ...values, [f.name]: v })}
          error={local[f.name] ?? fieldError(error, f.name, 'fields.' + f.name)}
        />
      ))}
      <ErrorBox error={formError(error, names)} />
      <div class="actions">
        {step.outcomes.map((o) => (
          <button key={o.id} type="button" class={o === step.outcomes[0] ? 'primary' : ''} onClick={() => submit(o)}>
            {o.label}
          </button>
        ))}
      </div>
      {asking && (
        <ConfirmDialog
          title={t('cases.confirm_title', { outcome: asking.label })}
          text={t('cases.confirm_text', { number: c.number, customer: customerLabel(c) })}
          confirm={t('cases.confirm', { outcome: asking.label })}
          keep={t('cases.keep')}
          testId="step-confirm"
          onConfirm={() => submit(asking, true)}
          onClose={() => setAsking(undefined)}
        />
      )}
    </form>
  );
}

// Who did it: a user's name, or the engine itself in the user's words.
export function actorText(actor: string) {
  return actor === 'system' ? t('actor.system') : actor;
}

const TL_KINDS = ['intake', 'step', 'call', 'mail', 'timer', 'notice', 'block', 'end'];

// A timeline line in the console's language, from what happened (data.what)
// and its details; steps and the end keep the procedure's own words.
function timelineText(e: NonNullable<Case['timeline']>[number]): string {
  const data = (e.data ?? {}) as Record<string, string>;
  let what = data.what ?? '';
  if (what === 'call') what = data.result === 'contacted' ? 'call_contacted' : 'call_no_contact';
  if (!what) return e.text;
  const key = ('tlw.' + what) as Key;
  const vars: Record<string, string> = { ...data };
  // A notice's verdict in words ("apta" is the engine's code).
  if (vars.outcome === 'apta' || vars.outcome === 'no_apta') vars.outcome = t(vars.outcome === 'apta' ? 'notices.apta' : 'notices.no_apta');
  // Instants and local dates as every other date on screen.
  for (const [k, v] of Object.entries(vars)) {
    if (typeof v !== 'string') continue;
    if (/^\d{4}-\d{2}-\d{2}T/.test(v)) vars[k] = fmtTime(v);
    else if (/^\d{4}-\d{2}-\d{2}$/.test(v)) vars[k] = fmtDate(v);
    // Phones as the desk's country writes them ("+56911112222, +56223456789" too).
    else if (/^\+\d{7,15}(, ?\+\d{7,15})*$/.test(v)) vars[k] = v.split(/, ?/).map(fmtPhone).join(', ');
  }
  const s = t(key, vars);
  return s === key ? e.text : s; // no wording for it: the server's English line
}

function Timeline({ c }: { c: Case }) {
  return (
    <ol class="timeline" data-testid="timeline">
      {(c.timeline ?? []).map((e, i) => (
        <li key={i} class={'tl-' + e.kind}>
          <time>{fmtTime(e.at)}</time> <Badge>{TL_KINDS.includes(e.kind) ? t(('tl.' + e.kind) as Key) : e.kind}</Badge> <strong>{actorText(e.actor)}</strong> {timelineText(e)}
        </li>
      ))}
    </ol>
  );
}

function CaseCard({ initial, onDone }: { initial: Case; onDone: (message: string) => void }) {
  const [c, setC] = useState(initial);
  // Queues list cases without their timeline: it is read when opened, and
  // again when the case changes while open.
  const [open, setOpen] = useState(false);
  const [full, setFull] = useState<Case>();
  const [tlError, setTlError] = useState<string>();
  useEffect(() => {
    if (initial.version !== c.version) setC(initial); // the queue re-read a newer version
  }, [initial.version]);
  useEffect(() => {
    if (!open) return;
    api.case(c.number).then(
      (x) => (setFull(x), setTlError(undefined)),
      (e) => setTlError(problemText(e)),
    );
  }, [open, c.version]);
  return (
    <article class="card" aria-labelledby={'case-' + c.number} data-testid="case">
      <h2 id={'case-' + c.number}>
        {c.number} · {customerLabel(c)} <OverdueBadge c={c} />
      </h2>
      {c.notice && (
        <p>
          {t('cases.notice')}: {c.notice.number} · {c.notice.visit_day ? fmtDate(c.notice.visit_day) : t('notices.no_visit')} · {noticeStateText(c.notice)}
        </p>
      )}
      {c.state === 'open' && c.step?.kind === 'form' && (
        <StepForm
          c={c}
          confirm
          onDone={(x) => {
            setC(x);
            onDone(t('cases.step_done', { number: x.number }));
          }}
        />
      )}
      {c.state === 'open' && c.step && c.step.kind !== 'form' && <p class="hint">{t('cases.waiting', { step: c.step.title })}</p>}
      <details onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>{t('cases.timeline')}</summary>
        <ErrorBox error={tlError} />
        <Timeline c={full && full.version >= c.version ? full : c} />
      </details>
    </article>
  );
}

export function CaseView({ number }: { number: string }) {
  const [c, setC] = useState<Case>();
  const [error, setError] = useState<string>();
  const [done, setDone] = useState<string>();
  useLive(
    () => {
      api.case(number).then(
        (x) => setC((old) => (old && old.version === x.version ? old : x)),
        (e) => setError(problemText(e)),
      );
    },
    [{ entity: 'case', id: number }],
    [number],
  );
  return (
    <section aria-labelledby="case-title">
      <p>
        <a {...linkProps('/cases')}>← {t('cases.back')}</a>
      </p>
      <h1 id="case-title" tabIndex={-1}>{t('cases.case', { number })}</h1>
      <ErrorBox error={error} />
      {c && (
        <div class="split">
          <div class="card">
            <h2>
              {c.procedure_title} · {customerLabel(c)} <OverdueBadge c={c} />
            </h2>
            <p>
              {t('cases.region')}: {c.customer?.region || '—'} {c.customer?.regional && <Badge>{t('cases.regional')}</Badge>}
            </p>
            <IntakeFacts c={c} />
            <h3>{t('cases.notice')}</h3>
            {c.notice ? (
              <dl class="facts" data-testid="case-notice">
                <dt>{t('notices.notice', { number: '' })}</dt>
                <dd>{c.notice.number}</dd>
                <dt>{t('notices.visit_day')}</dt>
                <dd>{fmtDate(c.notice.visit_day)}</dd>
                <dt>{t('notices.location_ref')}</dt>
                <dd>{c.notice.location_ref || '—'}</dd>
                <dt>{t('notices.phone_1')}</dt>
                <dd>{fmtPhone(c.notice.phone_1)}</dd>
                <dt>{t('notices.phone_2')}</dt>
                <dd>{fmtPhone(c.notice.phone_2)}</dd>
                <dt>{t('queue.state')}</dt>
                <dd>{noticeStateText(c.notice)}</dd>
              </dl>
            ) : (
              <p>{t('cases.no_notice')}</p>
            )}
            {c.overdue && c.overdue.state !== 'none' && (
              <p>
                {t('cases.due')}: {fmtTime(c.overdue.due_at)} (<CaseDue c={c} />) · {tp('cases.followups', c.overdue.followups_sent ?? 0)}
              </p>
            )}
            {done && <Notice kind="ok">{done}</Notice>}
            {c.state === 'open' && c.step?.kind === 'form' && (
              <StepForm
                key={c.step.id + c.version}
                c={c}
                onDone={(x) => {
                  setC(x);
                  setDone(t('cases.step_done', { number: x.number }));
                }}
              />
            )}
            {c.state === 'open' && c.step && c.step.kind !== 'form' && <p class="hint">{t('cases.waiting', { step: c.step.title })}</p>}
            {c.state === 'closed' && <Notice>{t('cases.result', { result: c.result?.label ?? '—' })}</Notice>}
          </div>
          <div class="card">
            <h2>{t('cases.timeline')}</h2>
            <Timeline c={c} />
          </div>
        </div>
      )}
    </section>
  );
}
