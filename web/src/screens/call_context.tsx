// The customer context panel of the call workspace (issue 15): once a
// customer is picked, what the desk knows of it at a glance — its open and
// recent tickets with their state and SLA, its ZB cases (where the desk runs
// the procedure), the last calls, the contacts (a click fills the caller) and
// the services. Read again when a ticket or case changes (live stream).
import { useState } from 'preact/hooks';
import { api, type Caller, type Case, type CallLogEntry, type Customer, type Ticket } from '../api';
import { currentDesk } from '../desk';
import { fmtTime, t, tp, type Key } from '../i18n';
import { Badge, ErrorBox, problemText, stateLabel, useLive } from '../ui';

interface Context {
  customer: Customer; // as it is now: a service a caller named, contacts updated on a call
  tickets: Ticket[];
  cases: Case[];
  calls: CallLogEntry[];
}

const kUnclosed = new Set(['new', 'in_progress', 'on_hold', 'resolved']);

// "SLA: 15:00" or "SLA vencido", as the next due time of the ticket says.
function Sla({ tk }: { tk: Ticket }) {
  if (!tk.sla || !kUnclosed.has(tk.state) || tk.state === 'resolved') return null;
  const breached = tk.sla.resolution_breached || (!tk.sla.responded_at && tk.sla.response_breached);
  if (breached) return <Badge kind="breached">{t('ctx.sla_breached')}</Badge>;
  const due = tk.sla.responded_at ? tk.sla.resolution_due : tk.sla.response_due;
  return <span class="meta">{t('ctx.sla_due', { time: fmtTime(due) })}</span>;
}

function outcomeLabel(o: string) {
  return t(('outcome.' + o) as Key) || o;
}

export function CustomerContext(props: { customer: Customer; caller: Caller; onCaller: (c: Caller) => void }) {
  const [ctx, setCtx] = useState<Context>();
  const customer = ctx?.customer.id === props.customer.id ? ctx.customer : props.customer;
  const [error, setError] = useState<string>();
  const zb = !!currentDesk()?.procedures.includes('zb-unblock');
  const load = () => {
    const id = props.customer.id;
    Promise.all([
      api.customer(id),
      api.tickets({ customer_id: id, state: 'all', limit: 8 }),
      zb ? api.cases({ customer_id: id, limit: 5 }) : Promise.resolve({ items: [] as Case[] }),
      api.calls({ customer_id: id, limit: 5 }),
    ]).then(
      ([cu, tk, cs, cl]) => {
        // Open first (the ones the caller is likely about), then the recent.
        const tickets = [...tk.items].sort((a, b) => Number(kUnclosed.has(b.state)) - Number(kUnclosed.has(a.state)));
        setCtx({ customer: cu, tickets, cases: cs.items, calls: cl.items });
        setError(undefined);
      },
      (e) => {
        if ((e as Error).name !== 'AbortError') setError(problemText(e));
      },
    );
  };
  useLive(load, [{ entity: 'ticket' }, { entity: 'case' }, { entity: 'customer', id: String(props.customer.id) }], [props.customer.id]);

  return (
    <aside class="context" aria-labelledby="ctx-title" data-testid="customer-context">
      <h2 id="ctx-title">{t('ctx.title')}</h2>
      <ErrorBox error={error} />
      <h3>{t('ctx.tickets')}</h3>
      {!ctx ? (
        <p class="hint">{t('common.loading')}</p>
      ) : ctx.tickets.length === 0 ? (
        <p class="hint">{t('ctx.no_tickets')}</p>
      ) : (
        <ul class="ctx-list" data-testid="ctx-tickets">
          {ctx.tickets.map((tk) => (
            <li key={tk.number}>
              <strong>{tk.number}</strong> <Badge kind={'state-' + tk.state}>{stateLabel(tk.state)}</Badge> <Sla tk={tk} />
              <br />
              <span>{tk.subject}</span>
              {tk.service.service_id && <span class="meta"> · {tk.service.service_id}</span>}
            </li>
          ))}
        </ul>
      )}
      {zb && (
        <>
          <h3>{t('ctx.cases')}</h3>
          {ctx && ctx.cases.length === 0 ? (
            <p class="hint">{t('ctx.no_cases')}</p>
          ) : (
            <ul class="ctx-list" data-testid="ctx-cases">
              {ctx?.cases.map((c) => (
                <li key={c.number}>
                  <strong>{c.number}</strong> <Badge>{c.state === 'closed' ? t('cases.closed') : (c.step?.title ?? '')}</Badge>
                  {c.overdue.state === 'overdue' && <Badge kind="breached">{tp('cases.overdue', c.overdue.followups_sent)}</Badge>}
                  {c.overdue.state === 'warning' && <Badge kind="warn">{t('cases.warning')}</Badge>}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      <h3>{t('ctx.calls')}</h3>
      {ctx && ctx.calls.length === 0 ? (
        <p class="hint">{t('ctx.no_calls')}</p>
      ) : (
        <ul class="ctx-list" data-testid="ctx-calls">
          {ctx?.calls.map((c) => (
            <li key={c.id}>
              <time>{fmtTime(c.started_at)}</time> · {c.caller.name} · {outcomeLabel(c.outcome)}
              {c.ticket && ` · ${c.ticket}`}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('ctx.contacts')}</h3>
      {customer.contacts.length === 0 ? (
        <p class="hint">{t('ctx.no_contacts')}</p>
      ) : (
        <ul class="ctx-list ctx-contacts" data-testid="ctx-contacts">
          {customer.contacts.map((c, i) => (
            <li key={i}>
              <button
                type="button"
                class="link"
                aria-pressed={props.caller.name === c.name}
                title={t('ctx.contact_fill')}
                onClick={() => props.onCaller({ ...props.caller, name: c.name, phone: c.phone || props.caller.phone, email: c.email || undefined })}
              >
                {c.name}
              </button>
              {c.role && <span class="meta"> ({c.role})</span>} {c.phone && <span class="meta">{c.phone}</span>}
            </li>
          ))}
        </ul>
      )}
      <h3>{t('ctx.services')}</h3>
      {customer.services.length === 0 ? (
        <p class="hint">{t('ctx.no_services')}</p>
      ) : (
        <ul class="ctx-list" data-testid="ctx-services">
          {customer.services.map((s) => (
            <li key={s.service_id}>
              <strong>{s.service_id}</strong>
              {s.circuit && ` · ${s.circuit}`}
              {s.description && <span class="meta"> · {s.description}</span>}
              {s.unconfirmed && <Badge kind="warn">{t('service.unconfirmed')}</Badge>}
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
