// The supervisor's ticket queue (NM-4): critical customers first, then the
// next due time, with SLA due times and breaches; a ticket's page to work it:
// change state, priority and assignment, add a work note (ticket_edit.tsx), resolve.
import { useState } from 'preact/hooks';
import { api, type Ticket } from '../api';
import { t } from '../i18n';
import { linkProps, navigate } from '../router';
import { Badge, ErrorBox, Field, Notice, fieldError, formError, priorityLabel, problemText, stateLabel, useLive } from '../ui';
import { Age, PickFilter, QueueTable, SlaCountdown, ViewBar, byNumber, byText, byTime, useNow, useView, type Column, type View } from '../queue';
import { TicketDetail } from './call_forms';
import { SlaFacts, TicketEditForm } from './ticket_edit';

// The target a ticket runs against now: the response until responded, then the resolution.
export function slaTarget(tk: Ticket) {
  if (!tk.sla) return undefined;
  const responding = !tk.sla.responded_at;
  return {
    label: responding ? t('sla.response') : t('sla.resolution'),
    due: responding ? tk.sla.response_due : tk.sla.resolution_due,
    breached: responding ? tk.sla.response_breached : tk.sla.resolution_breached,
  };
}

// Time left to the ticket's current SLA target, amber at 75%, red breached.
export function TicketSla({ tk }: { tk: Ticket }) {
  const target = slaTarget(tk);
  if (!target) return <>—</>;
  return (
    <>
      <SlaCountdown label={target.label} start={tk.created_at} due={target.due} breached={target.breached} />
      {(tk.sla!.response_breached || tk.sla!.resolution_breached) && <Badge kind="breached">{t('sla.breached')}</Badge>}
    </>
  );
}

const breachedNow = (tk: Ticket, now: number) => {
  const target = slaTarget(tk);
  return !!tk.sla && (tk.sla.response_breached || tk.sla.resolution_breached || (!!target && new Date(target.due).getTime() <= now));
};

// The group this user calls theirs (the "my group" view), kept in this browser.
function useMyGroup(user: string): [string, (g: string) => void] {
  const key = 'atiende.my-group.' + user;
  const [g, setG] = useState(() => {
    try {
      return localStorage.getItem(key) ?? '';
    } catch {
      return '';
    }
  });
  return [
    g,
    (v) => {
      try {
        localStorage.setItem(key, v);
      } catch {
        /* storage disabled */
      }
      setG(v);
    },
  ];
}

const distinct = (xs: (string | undefined | null)[]) => [...new Set(xs.filter((x): x is string => !!x))].sort((a, b) => a.localeCompare(b));

export function TicketQueue({ user }: { user: string }) {
  const [kind, setKind] = useState('');
  const [group, setGroup] = useState('');
  const [engineer, setEngineer] = useState('');
  const [myGroup, setMyGroup] = useMyGroup(user);
  const [items, setItems] = useState<Ticket[]>();
  const [error, setError] = useState<string>();
  const now = useNow();
  useLive(
    () => {
      api.tickets({ kind: kind || undefined, limit: 500 }).then(
        (r) => {
          setItems(r.items);
          setError(undefined);
        },
        (e) => setError(problemText(e)),
      );
    },
    [{ entity: 'ticket' }],
    [kind],
  );
  const views: View<Ticket>[] = [
    { id: 'open', label: t('views.open'), test: () => true },
    { id: 'mine', label: t('views.mine'), test: (tk) => tk.assigned_engineer === user },
    { id: 'group', label: myGroup ? t('views.my_group_named', { group: myGroup }) : t('views.my_group'), test: (tk) => !!myGroup && tk.assigned_group === myGroup },
    { id: 'breached', label: t('views.breached'), test: (tk) => breachedNow(tk, now) },
    {
      id: 'hour',
      label: t('views.due_hour'),
      test: (tk) => {
        const target = slaTarget(tk);
        if (!target || breachedNow(tk, now)) return false;
        return new Date(target.due).getTime() - now <= 3600000;
      },
    },
    { id: 'unassigned', label: t('views.unassigned'), test: (tk) => !tk.assigned_engineer },
  ];
  const [view, setView] = useView('tickets', views.map((v) => v.id));
  // The lists' filters apply to every view (and its count).
  const filtered = items?.filter(
    (tk) =>
      (!group || (group === '-' ? !tk.assigned_group : tk.assigned_group === group)) &&
      (!engineer || (engineer === '-' ? !tk.assigned_engineer : tk.assigned_engineer === engineer)),
  );
  const shown = filtered?.filter(views.find((v) => v.id === view)!.test);
  const groups = distinct([...(items ?? []).map((x) => x.assigned_group), myGroup]);
  const engineers = distinct([...(items ?? []).map((x) => x.assigned_engineer), user]);
  const columns: Column<Ticket>[] = [
    { id: 'number', label: t('queue.number'), sort: byText((x) => x.number), cell: (x) => x.number },
    { id: 'priority', label: t('queue.priority'), sort: byNumber((x) => x.priority), cell: (x) => priorityLabel(x.priority), class: 'wrap-short' },
    {
      id: 'customer',
      label: t('ticket.customer'),
      sort: byText((x) => x.customer.legal_name),
      cell: (x) => (
        <>
          {x.customer.legal_name} {x.customer.critical && <Badge kind="critical">{t('customer.critical')}</Badge>}
        </>
      ),
      class: 'wrap',
    },
    { id: 'subject', label: t('ticket.subject'), sort: byText((x) => x.subject), cell: (x) => x.subject, class: 'wrap' },
    { id: 'state', label: t('queue.state'), sort: byText((x) => stateLabel(x.state)), cell: (x) => stateLabel(x.state) },
    { id: 'group', label: t('ticket.group'), sort: byText((x) => x.assigned_group), cell: (x) => x.assigned_group || '—', class: 'wide-only' },
    { id: 'engineer', label: t('queue.assignee'), sort: byText((x) => x.assigned_engineer), cell: (x) => x.assigned_engineer || '—' },
    { id: 'age', label: t('queue.age'), sort: byTime((x) => x.created_at), cell: (x) => <Age since={x.created_at} /> },
    { id: 'sla', label: t('queue.sla_left'), sort: byTime((x) => slaTarget(x)?.due), cell: (x) => <TicketSla tk={x} />, class: 'sla-cell' },
  ];
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title" tabIndex={-1}>
        {t('queue.title')}
      </h1>
      <p class="hint">{t('queue.hint')}</p>
      <ViewBar views={views} rows={filtered} current={view} onPick={setView} label={t('views.label')} />
      <div class="filters">
        <span class="pick">
          <label for="queue-kind">{t('ticket.kind')}</label>
          <select id="queue-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{t('mail.all')}</option>
            <option value="incident">{t('kind.incident')}</option>
            <option value="requirement">{t('kind.requirement')}</option>
          </select>
        </span>
        <PickFilter id="queue-group" label={t('ticket.group')} value={group} values={groups} onPick={setGroup} any={t('views.any')} none={t('views.none')} />
        <PickFilter id="queue-engineer" label={t('queue.assignee')} value={engineer} values={engineers} onPick={setEngineer} any={t('views.any')} none={t('views.none')} />
        <PickFilter id="queue-my-group" label={t('views.my_group_is')} value={myGroup} values={groups} onPick={setMyGroup} any={t('views.no_group')} />
      </div>
      <ErrorBox error={error} />
      {shown && shown.length === 0 && <p data-testid="queue-empty">{t('queue.empty')}</p>}
      {shown && shown.length > 0 && (
        <QueueTable
          rows={shown}
          columns={columns}
          rowKey={(x) => x.number}
          href={(x) => '/tickets/' + x.number}
          rowClass={(x) => (x.customer.critical ? 'critical' : '')}
          caption={t('queue.title')}
          testid="ticket-queue"
          screen="tickets"
        />
      )}
      <p class="hint keys-hint">{t('views.keys')}</p>
    </section>
  );
}

export function TicketView({ number }: { number: string }) {
  const [tk, setTk] = useState<Ticket>();
  const [error, setError] = useState<string>();
  const [resolution, setResolution] = useState('');
  const [actionError, setActionError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const load = () => api.ticket(number).then((x) => (setTk(x), x));
  useLive(
    () => {
      load().catch((e) => setError(problemText(e)));
    },
    [{ entity: 'ticket', id: number }],
    [number],
  );
  const resolve = async (e: Event) => {
    e.preventDefault();
    setActionError(undefined);
    try {
      setTk(await api.resolveTicket(number, resolution));
      setDone(t('ticket.resolved_ok', { number }));
      setResolution('');
      setTimeout(() => document.getElementById('ticket-title')?.focus(), 0);
    } catch (err) {
      setActionError(err);
    }
  };
  const open = tk && tk.state !== 'closed' && tk.state !== 'cancelled';
  return (
    <section aria-labelledby="ticket-title">
      <p>
        <a {...linkProps('/tickets')} onClick={(e) => (e.preventDefault(), navigate('/tickets'))}>
          ← {t('queue.back')}
        </a>
      </p>
      <h1 id="ticket-title" tabIndex={-1}>{t('ticket.title', { number })}</h1>
      <ErrorBox error={error} />
      {tk && <TicketDetail tk={tk} />}
      {tk && <SlaFacts tk={tk} />}
      {tk && open && <TicketEditForm tk={tk} onSaved={setTk} onReload={load} />}
      {done && <Notice kind="ok">{done}</Notice>}
      {tk && tk.actions.some((a) => a.action === 'resolve') && (
        <form class="card form" onSubmit={resolve} noValidate>
          <Field label={t('ticket.resolution')} required error={fieldError(actionError, 'resolution')}>
            {(a) => <input {...a} name="resolution" value={resolution} onInput={(e) => setResolution(e.currentTarget.value)} />}
          </Field>
          <ErrorBox error={formError(actionError, ['resolution'])} />
          <button type="submit">{t('ticket.resolve')}</button>
        </form>
      )}
    </section>
  );
}
