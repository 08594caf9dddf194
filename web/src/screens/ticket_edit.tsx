// The supervisor's change form on a ticket's page (PATCH /tickets/{n}): state
// (only the moves the API accepts from here: the ticket's `actions` made by
// "update" or "cancel"; resolve has its own form), priority, assigned group
// and engineer, and a work note.
//
// Concurrency: the form remembers the version the user started editing from
// and sends it as If-Match. The page re-reads the ticket every 5 s; fields the
// user has not touched follow it, touched ones keep the user's input. A
// concurrent change answers 409 and the form says so, keeping the input; a
// reload takes the current version and keeps the input on top of it.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, type Ticket, type TicketPatch } from '../api';
import { fmtTime, t } from '../i18n';
import { Badge, Field, FormProblem, Notice, fieldError, formError, priorityLabel, problemText, stateLabel } from '../ui';
import { SlaCountdown } from '../queue';

type Name = 'state' | 'priority' | 'assigned_group' | 'assigned_engineer' | 'work_note';
const FIELDS: Name[] = ['state', 'priority', 'assigned_group', 'assigned_engineer', 'work_note'];
const PRIORITIES = [1, 2, 3, 4];

function current(tk: Ticket, name: Name): string {
  if (name === 'priority') return String(tk.priority);
  if (name === 'work_note') return '';
  return String(tk[name] ?? '');
}

// The state, the due times and whether they passed, after a save or a re-read.
export function SlaFacts({ tk }: { tk: Ticket }) {
  if (!tk.sla) return null;
  const s = tk.sla;
  return (
    <dl class="facts" data-testid="ticket-sla">
      <dt>{t('sla.response_due')}</dt>
      <dd>
        <time>{fmtTime(s.response_due)}</time> {s.responded_at && <span class="hint">({t('sla.met_at', { at: fmtTime(s.responded_at) })})</span>}
        {!s.responded_at && <SlaCountdown start={tk.created_at} due={s.response_due} breached={s.response_breached} />}{' '}
        {s.response_breached && <Badge kind="breached">{t('sla.breached')}</Badge>}
      </dd>
      <dt>{t('sla.resolution_due')}</dt>
      <dd>
        <time>{fmtTime(s.resolution_due)}</time>{' '}
        {!tk.resolved_at && <SlaCountdown start={tk.created_at} due={s.resolution_due} breached={s.resolution_breached} />}{' '}
        {s.resolution_breached && <Badge kind="breached">{t('sla.breached')}</Badge>}
      </dd>
    </dl>
  );
}

// The groups and engineers the desk's tickets are assigned to: offered as a
// list when assigning (typing a new one stays possible).
const knownCache = { groups: [] as string[], engineers: [] as string[] };
function useKnownAssignees() {
  const [k, setK] = useState(knownCache);
  useEffect(() => {
    api.tickets({ state: 'all', limit: 500 }).then(
      (r) => {
        const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort((a, b) => a.localeCompare(b));
        knownCache.groups = uniq(r.items.map((x) => x.assigned_group));
        knownCache.engineers = uniq(r.items.map((x) => x.assigned_engineer));
        setK({ ...knownCache });
      },
      () => {},
    );
  }, []);
  return k;
}

export function TicketEditForm({ tk, onSaved, onReload }: { tk: Ticket; onSaved: (tk: Ticket) => void; onReload: () => Promise<Ticket> }) {
  // The user's input (touched fields only) and the version it was based on.
  const [draft, setDraft] = useState<{ version: number; values: Partial<Record<Name, string>> } | null>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState<string>();

  const value = (n: Name) => draft?.values[n] ?? current(tk, n);
  const known = useKnownAssignees();
  const set = (n: Name, v: string) => {
    setSaved(undefined);
    setDraft((d) => ({ version: d?.version ?? tk.version, values: { ...d?.values, [n]: v } }));
  };
  // The states the API accepts from here by PATCH (core TicketTransitions()).
  const moves = tk.actions.filter((a) => a.action === 'update' || a.action === 'cancel').map((a) => a.to);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setSaved(undefined);
    const body: TicketPatch = {};
    for (const n of FIELDS) {
      const v = draft?.values[n];
      if (v === undefined) continue;
      if (n === 'work_note') {
        if (v.trim()) body.work_note = v;
      } else if (v !== current(tk, n) || draft!.version !== tk.version) {
        if (n === 'priority') body.priority = Number(v);
        else if (n === 'state') body.state = v as NonNullable<TicketPatch['state']>; // one of `moves`
        else body[n] = v;
      }
    }
    if (!Object.keys(body).length) {
      setSaved(t('edit.nothing'));
      return;
    }
    setBusy(true);
    try {
      const after = await api.patchTicket(tk.number, draft?.version ?? tk.version, body);
      setDraft(null);
      onSaved(after);
      const due = after.sla ? (after.sla.responded_at ? after.sla.resolution_due : after.sla.response_due) : undefined;
      setSaved(t('edit.ticket_saved', { number: after.number }) + (due ? ' ' + t('edit.sla_now', { due: fmtTime(due) }) : ''));
      // The form starts over: the focus on its heading, the message read next.
      setTimeout(() => document.getElementById('edit-title')?.focus(), 0);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  // After a conflict: the current ticket, with the user's input kept on top.
  const reload = async () => {
    try {
      const fresh = await onReload();
      setDraft((d) => (d ? { ...d, version: fresh.version } : d));
      setError(undefined);
    } catch (err) {
      setError(err);
    }
  };
  const stateError =
    fieldError(error, 'state') ?? (error instanceof ApiError && error.code === 'transition_not_allowed' ? problemText(error) : undefined);
  return (
    <form class="card form" onSubmit={submit} aria-labelledby="edit-title" noValidate data-testid="ticket-edit">
      <h2 id="edit-title" tabIndex={-1}>{t('edit.ticket_title')}</h2>
      <div class="row">
        <Field label={t('queue.state')} error={stateError} hint={moves.length ? undefined : t('edit.no_moves')}>
          {(a) => (
            <select {...a} name="state" value={value('state')} onChange={(e) => set('state', e.currentTarget.value)} disabled={!moves.length}>
              <option value={tk.state}>{t('edit.state_now', { state: stateLabel(tk.state) })}</option>
              {moves.map((s) => (
                <option key={s} value={s}>
                  {stateLabel(s)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('queue.priority')} error={fieldError(error, 'priority')} hint={t('edit.priority_hint')}>
          {(a) => (
            <select {...a} name="priority" value={value('priority')} onChange={(e) => set('priority', e.currentTarget.value)}>
              {PRIORITIES.map((p) => (
                <option key={p} value={String(p)}>
                  {priorityLabel(p)}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <div class="row">
        <Field label={t('ticket.group')} error={fieldError(error, 'assigned_group')}>
          {(a) => <input {...a} name="assigned_group" list="known-groups" autoComplete="off" maxLength={200} value={value('assigned_group')} onInput={(e) => set('assigned_group', e.currentTarget.value)} />}
        </Field>
        <Field label={t('ticket.engineer')} error={fieldError(error, 'assigned_engineer')}>
          {(a) => (
            <input {...a} name="assigned_engineer" list="known-engineers" autoComplete="off" maxLength={200} value={value('assigned_engineer')} onInput={(e) => set('assigned_engineer', e.currentTarget.value)} />
          )}
        </Field>
      </div>
      <datalist id="known-groups">
        {known.groups.map((g) => (
          <option key={g} value={g} />
        ))}
      </datalist>
      <datalist id="known-engineers">
        {known.engineers.map((g) => (
          <option key={g} value={g} />
        ))}
      </datalist>
      <Field label={t('ticket.work_note')} error={fieldError(error, 'work_note')} hint={t('edit.note_hint')}>
        {(a) => <textarea {...a} name="work_note" rows={2} value={value('work_note')} onInput={(e) => set('work_note', e.currentTarget.value)} />}
      </Field>
      <FormProblem error={error} other={stateError ? undefined : formError(error, FIELDS)} conflict={t('edit.conflict', { number: tk.number })} testId="ticket-conflict" onReload={reload} />
      {saved && <Notice kind="ok">{saved}</Notice>}
      <button type="submit" class="primary" disabled={busy}>
        {t('edit.save')}
      </button>
    </form>
  );
}
