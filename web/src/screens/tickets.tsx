// The supervisor's ticket queue (NM-4): critical customers first, then the
// next due time, with SLA due times and breaches; a ticket's page to work it:
// change state, priority and assignment, add a work note (ticket_edit.tsx), resolve.
import { useState } from 'preact/hooks';
import { api, type Ticket } from '../api';
import { fmtTime, t } from '../i18n';
import { linkProps, navigate } from '../router';
import { Badge, ErrorBox, Field, Notice, fieldError, formError, priorityLabel, problemText, stateLabel, useLive } from '../ui';
import { TicketDetail } from './call_forms';
import { SlaFacts, TicketEditForm } from './ticket_edit';

export function SlaCell({ tk }: { tk: Ticket }) {
  if (!tk.sla) return <td>—</td>;
  const responding = !tk.sla.responded_at;
  const due = responding ? tk.sla.response_due : tk.sla.resolution_due;
  const breached = tk.sla.response_breached || tk.sla.resolution_breached;
  return (
    <td>
      {responding ? t('sla.response') : t('sla.resolution')}: <time>{fmtTime(due)}</time>{' '}
      {breached && <Badge kind="breached">{t('sla.breached')}</Badge>}
    </td>
  );
}

export function TicketQueue() {
  const [onlyBreached, setOnlyBreached] = useState(false);
  const [kind, setKind] = useState('');
  const [items, setItems] = useState<Ticket[]>();
  const [error, setError] = useState<string>();
  useLive(
    () => {
      api.tickets({ breached: onlyBreached || undefined, kind: kind || undefined, limit: 200 }).then(
        (r) => {
          setItems(r.items);
          setError(undefined);
        },
        (e) => setError(problemText(e)),
      );
    },
    [{ entity: 'ticket' }],
    [onlyBreached, kind],
  );
  return (
    <section aria-labelledby="queue-title">
      <h1 id="queue-title">{t('queue.title')}</h1>
      <p class="hint">{t('queue.hint')}</p>
      <div class="row filters">
        <label for="queue-kind">{t('ticket.kind')}</label>
        <select id="queue-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value)}>
          <option value="">{t('mail.all')}</option>
          <option value="incident">{t('kind.incident')}</option>
          <option value="requirement">{t('kind.requirement')}</option>
        </select>
      </div>
      <label class="check">
        <input type="checkbox" checked={onlyBreached} onChange={(e) => setOnlyBreached(e.currentTarget.checked)} /> {t('queue.only_breached')}
      </label>
      <ErrorBox error={error} />
      {items && items.length === 0 && <p>{t('queue.empty')}</p>}
      {items && items.length > 0 && (
        <table class="queue" data-testid="ticket-queue">
          <caption class="sr-only">{t('queue.title')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('queue.priority')}</th>
              <th scope="col">{t('queue.number')}</th>
              <th scope="col">{t('ticket.customer')}</th>
              <th scope="col">{t('ticket.subject')}</th>
              <th scope="col">{t('queue.state')}</th>
              <th scope="col">{t('queue.due')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((tk) => (
              <tr key={tk.number} class={tk.customer.critical ? 'critical' : ''}>
                <td>{priorityLabel(tk.priority)}</td>
                <td>
                  <a {...linkProps('/tickets/' + tk.number)}>{tk.number}</a>
                </td>
                <td>
                  {tk.customer.legal_name} {tk.customer.critical && <Badge kind="critical">{t('customer.critical')}</Badge>}
                </td>
                <td>{tk.subject}</td>
                <td>{stateLabel(tk.state)}</td>
                <SlaCell tk={tk} />
              </tr>
            ))}
          </tbody>
        </table>
      )}
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
      <h1 id="ticket-title">{t('ticket.title', { number })}</h1>
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
