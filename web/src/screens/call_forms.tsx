// The call workspace's forms: open a ticket (NM-6), follow one up and reopen
// it (NM-7, NM-9), service information (NM-8) and the ZB intake (ZB-1). Each
// keeps its input on any error and shows the error next to its field.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, type Caller, type Customer, type RecordedCall, type Ticket } from '../api';
import { fmtTime, t, type Key } from '../i18n';
import { Badge, ErrorBox, Field, Notice, fieldError, formError, priorityLabel, problemText, stateLabel, updateText } from '../ui';
import type { CallState } from './call';
import { ContactsEditor } from './contacts_editor';

const kOther = '@other'; // the service select's "named by the caller" entry

const CATEGORIES = {
  incident: ['outage', 'degradation', 'packet_loss', 'saturation', 'other'],
  requirement: ['change', 'rfo', 'other'],
};

// Focus the first empty required control when a form appears.
function useFirstEmpty(form: { current: HTMLFormElement | null }) {
  // A layout effect: the focus moves before the next key press is handled.
  useLayoutEffect(() => {
    const f = form.current;
    if (!f) return;
    const els = Array.from(f.querySelectorAll<HTMLInputElement>('input, select, textarea'));
    (els.find((e) => e.required && !e.value) ?? els[0])?.focus();
  }, []);
}

function CallerName(props: { call: CallState; setCaller: (c: Caller) => void; error?: unknown }) {
  return (
    <Field label={t('call.caller_name')} required error={fieldError(props.error, 'caller.name', 'caller')}>
      {(a) => (
        <input
          {...a}
          name="caller_name"
          autoComplete="off"
          value={props.call.caller.name}
          onInput={(e) => props.setCaller({ ...props.call.caller, name: e.currentTarget.value })}
        />
      )}
    </Field>
  );
}

export function TicketForm(props: {
  kind: 'incident' | 'requirement';
  customer: Customer;
  call: CallState;
  setCaller: (c: Caller) => void;
  linkedTo?: string;
  onOpened: (t: Ticket) => void;
  onFollow: (number: string) => void;
}) {
  const { kind, customer } = props;
  const [subject, setSubject] = useState('');
  const [category, setCategory] = useState(CATEGORIES[kind][0]);
  // A service the master does not list, as the caller names it (kOther):
  // the incident opens for it, and the master's editors confirm it later.
  const [service, setService] = useState(customer.services[0]?.service_id ?? (kind === 'incident' ? kOther : ''));
  const [named, setNamed] = useState({ id: '', circuit: '' });
  const other = service === kOther;
  const [description, setDescription] = useState('');
  const [error, setError] = useState<unknown>();
  const [blocked, setBlocked] = useState<{ number: string; state?: string; code: string }>();
  const [busy, setBusy] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useFirstEmpty(form);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    setBlocked(undefined);
    const svc = customer.services.find((s) => s.service_id === service);
    try {
      const tk = await api.openTicket({
        kind,
        category,
        customer_id: customer.id,
        service_id: (other ? named.id.trim() : service) || undefined,
        circuit: (other ? named.circuit.trim() : svc?.circuit) || undefined,
        new_service: other || undefined,
        telephony_call_id: props.call.telephonyId,
        subject,
        description: description || undefined,
        caller: props.call.caller,
        linked_to: props.linkedTo,
        call_started_at: props.call.startedAt,
      });
      props.onOpened(tk);
    } catch (err) {
      setError(err);
      if (err instanceof ApiError && (err.code === 'blocked_by_unclosed_ticket' || err.code === 'reopen_instead') && err.problem.subject) {
        const number = String(err.problem.subject);
        setBlocked({ number, code: err.code });
        api.ticket(number).then((tk) => setBlocked({ number, state: tk.state, code: err.code }), () => {});
      }
    } finally {
      setBusy(false);
    }
  };
  const fields = ['caller.name', 'caller', 'subject', 'category', 'service_id', 'circuit', 'description', 'caller.phone', 'caller.email'];
  return (
    <form ref={form} class="card form" onSubmit={submit} aria-labelledby="ticket-form-title" noValidate>
      <h2 id="ticket-form-title">{kind === 'incident' ? t('ticket.new_incident') : t('ticket.new_requirement')}</h2>
      <p class="definition">{kind === 'incident' ? t('def.incident') : t('def.requirement')}</p>
      {props.linkedTo && <Notice>{t('ticket.linked_to', { number: props.linkedTo })}</Notice>}
      <CallerName call={props.call} setCaller={props.setCaller} error={error} />
      <Field label={t('ticket.subject')} required error={fieldError(error, 'subject')}>
        {(a) => <input {...a} name="subject" maxLength={200} autoComplete="off" value={subject} onInput={(e) => setSubject(e.currentTarget.value)} />}
      </Field>
      <div class="row">
        <Field label={t('ticket.category')} error={fieldError(error, 'category')}>
          {(a) => (
            <select {...a} name="category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
              {CATEGORIES[kind].map((c) => (
                <option key={c} value={c}>
                  {t(('cat.' + c) as Key)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={t('ticket.service')} required={kind === 'incident'} error={other ? undefined : fieldError(error, 'service_id')}>
          {(a) => (
            <select {...a} name="service_id" value={service} onChange={(e) => setService(e.currentTarget.value)}>
              {kind === 'requirement' && <option value="">{t('ticket.no_service')}</option>}
              {customer.services.map((s) => (
                <option key={s.service_id} value={s.service_id}>
                  {s.service_id}
                  {s.circuit ? ` · ${s.circuit}` : ''}
                  {s.description ? ` · ${s.description}` : ''}
                  {s.unconfirmed ? ` · ${t('service.unconfirmed')}` : ''}
                </option>
              ))}
              <option value={kOther}>{t('service.other')}</option>
            </select>
          )}
        </Field>
      </div>
      {other && (
        <fieldset class="named-service" data-testid="named-service">
          <legend>{t('service.named_title')}</legend>
          <p class="hint">{customer.services.length ? t('service.named_hint') : t('service.none_hint', { customer: customer.legal_name })}</p>
          <div class="row">
            <Field label={t('info.service_id')} required error={fieldError(error, 'service_id')}>
              {(a) => (
                <input {...a} name="named_service" autoComplete="off" maxLength={64} value={named.id} onInput={(e) => setNamed({ ...named, id: e.currentTarget.value })} />
              )}
            </Field>
            <Field label={t('info.circuit')} error={fieldError(error, 'circuit')}>
              {(a) => (
                <input {...a} name="named_circuit" autoComplete="off" maxLength={64} value={named.circuit} onInput={(e) => setNamed({ ...named, circuit: e.currentTarget.value })} />
              )}
            </Field>
          </div>
        </fieldset>
      )}
      <Field label={t('ticket.description')} error={fieldError(error, 'description')}>
        {(a) => <textarea {...a} name="description" rows={3} value={description} onInput={(e) => setDescription(e.currentTarget.value)} />}
      </Field>
      <Field label={t('call.caller_phone')} error={fieldError(error, 'caller.phone')}>
        {(a) => (
          <input
            {...a}
            name="caller_phone"
            type="tel"
            autoComplete="off"
            value={props.call.caller.phone ?? ''}
            onInput={(e) => props.setCaller({ ...props.call.caller, phone: e.currentTarget.value })}
          />
        )}
      </Field>
      {blocked ? (
        <div class="error box" role="alert" data-testid="blocked">
          <p>
            {blocked.code === 'reopen_instead'
              ? t('ticket.reopen_instead', { number: blocked.number })
              : blocked.state === 'resolved'
                ? t('ticket.blocked_resolved', { number: blocked.number })
                : t('ticket.blocked_open', { number: blocked.number, state: blocked.state ? stateLabel(blocked.state) : '…' })}
          </p>
          <p class="next">
            <strong>{t('common.next_step')}:</strong>{' '}
            {blocked.code === 'reopen_instead'
              ? t('ticket.next_reopen')
              : blocked.state === 'resolved'
                ? t('ticket.next_portal')
                : t('ticket.next_follow')}
          </p>
          <button type="button" onClick={() => props.onFollow(blocked.number)}>
            {t('ticket.follow_this', { number: blocked.number })}
          </button>
        </div>
      ) : (
        <ErrorBox error={formError(error, fields)} />
      )}
      <button type="submit" class="primary" disabled={busy}>
        {kind === 'incident' ? t('ticket.open_incident') : t('ticket.open_requirement')} <kbd>Enter</kbd>
      </button>
    </form>
  );
}

// Who called, as the ticket recorded them: "Ana Pérez · +57 300 …".
export function callerText(c: Ticket['caller'] | undefined) {
  if (!c) return '—';
  return [c.name, c.phone, c.email].filter((x) => x && x.trim()).join(' · ') || '—';
}

export function TicketDetail({ tk }: { tk: Ticket }) {
  return (
    <div class="card ticket" data-testid="ticket-detail">
      <h3>
        {tk.number} · {tk.subject} <Badge kind={'state-' + tk.state}>{stateLabel(tk.state)}</Badge>
        {tk.customer.critical && <Badge kind="critical">{t('customer.critical')}</Badge>}
      </h3>
      <dl class="facts">
        <dt>{t('ticket.customer')}</dt>
        <dd>{tk.customer.legal_name}</dd>
        <dt>{t('ticket.kind')}</dt>
        <dd>
          {t(('kind.' + tk.kind) as Key)} · {t(('cat.' + tk.category) as Key)} · {priorityLabel(tk.priority)}
        </dd>
        {tk.assigned_group !== undefined && (
          <>
            <dt>{t('ticket.group')}</dt>
            <dd>{tk.assigned_group || t('ticket.unassigned')}</dd>
          </>
        )}
        <dt>{t('ticket.engineer')}</dt>
        <dd>{tk.assigned_engineer || t('ticket.unassigned')}</dd>
        <dt>{t('ticket.service')}</dt>
        <dd>
          {tk.service.service_id || '—'} {tk.service.circuit && `· ${tk.service.circuit}`}
        </dd>
        <dt>{t('ticket.opened_at')}</dt>
        <dd>{fmtTime(tk.created_at)}</dd>
        <dt>{t('ticket.caller')}</dt>
        <dd data-testid="ticket-caller">{callerText(tk.caller)}</dd>
        {tk.description && (
          <>
            <dt>{t('ticket.description')}</dt>
            <dd class="said">{tk.description}</dd>
          </>
        )}
        {tk.resolved_at && (
          <>
            <dt>{t('ticket.resolved_at')}</dt>
            <dd>{fmtTime(tk.resolved_at)}</dd>
          </>
        )}
        {tk.resolution && (
          <>
            <dt>{t('ticket.resolution')}</dt>
            <dd>{tk.resolution}</dd>
          </>
        )}
        {tk.linked_to && (
          <>
            <dt>{t('ticket.linked')}</dt>
            <dd>{tk.linked_to}</dd>
          </>
        )}
      </dl>
      {tk.items.length > 0 && (
        <p>
          {t('ticket.items')}: {tk.items.map((i) => i.number).join(', ')}
        </p>
      )}
      <h4>{t('ticket.updates')}</h4>
      {tk.updates.length === 0 ? (
        <p class="hint">{t('ticket.no_updates')}</p>
      ) : (
        <ol class="updates">
          {tk.updates.map((u, i) => (
            <li key={i}>
              <time>{fmtTime(u.at)}</time> <strong>{u.author}</strong> {u.kind === 'work_note' && <Badge>{t('ticket.work_note')}</Badge>} {updateText(u)}
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

// A ticket number as an agent types it on a call (issue 15): "CS1", "cs 1234"
// or "1234" with the series chosen → "CS0001234". Anything else goes as typed
// (the server says what is wrong with it).
export type Series = 'CS' | 'REQ' | 'RITM';
export function ticketNumber(text: string, series: Series): string {
  const s = text.trim().toUpperCase().replace(/[\s-]+/g, '');
  const m = /^(CS|REQ|RITM)?0*(\d+)$/.exec(s);
  if (!m) return s;
  return (m[1] ?? series) + m[2].padStart(7, '0');
}

export function FollowUp(props: {
  call: CallState;
  setCaller: (c: Caller) => void;
  customer: Customer | null;
  onLogged: (m: string) => void;
  onOpenLinked: (tk: Ticket) => void;
}) {
  const [number, setNumber] = useState('');
  const [series, setSeries] = useState<Series>('CS');
  const [error, setError] = useState<unknown>();
  const [tk, setTk] = useState<Ticket>();
  const [reason, setReason] = useState('');
  const [reopenError, setReopenError] = useState<unknown>();
  const [reopened, setReopened] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  useLayoutEffect(() => form.current?.querySelector<HTMLInputElement>('#follow-number')?.focus(), []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setReopenError(undefined);
    setReopened(false);
    try {
      const r = await api.recordCall({
        type: 'follow_up',
        ticket: ticketNumber(number, series),
        caller: props.call.caller,
        customer_id: props.customer?.id,
        started_at: props.call.startedAt,
        telephony_call_id: props.call.telephonyId,
      });
      const found = r.ticket_detail!; // a follow-up call answers with its ticket
      setTk(found);
      props.onLogged(t('call.follow_logged', { number: found.number }));
    } catch (err) {
      setError(err);
    }
  };
  const reopen = async (e: Event) => {
    e.preventDefault();
    if (!tk) return;
    setReopenError(undefined);
    try {
      setTk(await api.reopenTicket(tk.number, reason, props.call.caller));
      setReopened(true);
      props.onLogged(t('call.reopened', { number: tk.number }));
    } catch (err) {
      setReopenError(err);
    }
  };
  const fields = ['ticket', 'caller.name', 'caller', 'customer_id'];
  const notAllowed = reopenError instanceof ApiError && reopenError.code === 'reopen_not_allowed';
  return (
    <div>
      <form ref={form} class="card form" onSubmit={submit} aria-labelledby="follow-title" noValidate>
        <h2 id="follow-title">{t('follow.title')}</h2>
        <div class="row">
          <Field
            id="follow-number"
            label={t('follow.number')}
            required
            hint={number.trim() ? t('follow.will_find', { number: ticketNumber(number, series) }) : t('follow.number_hint')}
            error={fieldError(error, 'ticket') ?? (error instanceof ApiError && error.status === 404 ? problemText(error) : undefined)}
          >
            {(a) => <input {...a} name="ticket" autoComplete="off" value={number} onInput={(e) => setNumber(e.currentTarget.value)} />}
          </Field>
        </div>
        <CallerName call={props.call} setCaller={props.setCaller} error={error} />
        <div class="row">
          <Field label={t('follow.series')}>
            {(a) => (
              <select {...a} name="series" value={series} onChange={(e) => setSeries(e.currentTarget.value as Series)}>
                <option value="CS">{t('follow.series_cs')}</option>
                <option value="REQ">{t('follow.series_req')}</option>
                <option value="RITM">{t('follow.series_ritm')}</option>
              </select>
            )}
          </Field>
        </div>
        <ErrorBox error={error instanceof ApiError && error.status === 404 ? undefined : formError(error, fields)} />
        <button type="submit" class="primary">
          {t('follow.submit')} <kbd>Enter</kbd>
        </button>
      </form>
      {tk && <TicketDetail tk={tk} />}
      {tk && reopened && <Notice kind="ok">{t('follow.reopened', { number: tk.number })}</Notice>}
      {tk && !reopened && tk.state === 'resolved' && (
        <form class="card form" onSubmit={reopen} aria-labelledby="reopen-title" noValidate>
          <h3 id="reopen-title">{t('follow.reopen_title')}</h3>
          <p class="hint">{t('follow.reopen_rule')}</p>
          <Field label={t('follow.reason')} required error={fieldError(reopenError, 'reason')}>
            {(a) => <input {...a} name="reason" autoComplete="off" value={reason} onInput={(e) => setReason(e.currentTarget.value)} />}
          </Field>
          {notAllowed ? (
            <div class="error box" role="alert" data-testid="reopen-refused">
              <p>{t('follow.reopen_refused', { number: tk.number })}</p>
              <p class="next">
                <strong>{t('common.next_step')}:</strong> {t('follow.next_linked')}
              </p>
              <button type="button" onClick={() => props.onOpenLinked(tk)}>
                {t('follow.open_linked', { number: tk.number })}
              </button>
            </div>
          ) : (
            <ErrorBox error={formError(reopenError, ['reason'])} />
          )}
          <button type="submit">{t('follow.reopen')}</button>
        </form>
      )}
      {tk && tk.state === 'closed' && (
        <div class="card">
          <p>{t('follow.closed_next', { number: tk.number })}</p>
          <button type="button" onClick={() => props.onOpenLinked(tk)}>
            {t('follow.open_linked', { number: tk.number })}
          </button>
        </div>
      )}
    </div>
  );
}

export function ServiceInfo(props: { customer: Customer; call: CallState; setCaller: (c: Caller) => void; onLogged: (m: string) => void }) {
  const [error, setError] = useState<unknown>();
  const [info, setInfo] = useState<RecordedCall['service_info']>();
  const [editContacts, setEditContacts] = useState(false); // NM-8: update them on the call
  const form = useRef<HTMLFormElement>(null);
  useFirstEmpty(form);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api.recordCall({
        type: 'service_info',
        customer_id: props.customer.id,
        caller: props.call.caller,
        started_at: props.call.startedAt,
        telephony_call_id: props.call.telephonyId,
      });
      setInfo(r.service_info);
      props.onLogged(t('call.info_logged'));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <div>
      <form ref={form} class="card form" onSubmit={submit} aria-labelledby="info-title" noValidate>
        <h2 id="info-title">{t('info.title')}</h2>
        <p class="hint">{t('info.hint')}</p>
        <CallerName call={props.call} setCaller={props.setCaller} error={error} />
        <ErrorBox error={formError(error, ['caller.name', 'caller'])} />
        <button type="submit" class="primary">
          {t('info.submit')} <kbd>Enter</kbd>
        </button>
      </form>
      {info && (
        <div class="card" data-testid="service-info">
          <h3>{t('info.manager')}</h3>
          <p>
            {info.service_manager.name || '—'} {info.service_manager.contact && `· ${info.service_manager.contact}`}
          </p>
          <h3>{t('info.services')}</h3>
          <ServicesTable services={info.services} />
          <h3>{t('info.contacts')}</h3>
          {editContacts ? (
            <ContactsEditor
              contacts={info.contacts}
              version={info.version}
              caller={props.call.caller}
              askCaller={!props.call.caller.name.trim()}
              save={(list, version, caller) => api.putContacts(props.customer.id, version, list, caller ?? props.call.caller)}
              reload={() => api.customer(props.customer.id).then((c) => (setInfo((i) => i && { ...i, contacts: c.contacts, version: c.version }), c))}
              onSaved={(c) => (setInfo({ ...info, contacts: c.contacts, version: c.version }), setEditContacts(false), props.onLogged(t('contacts.saved')))}
              onCancel={() => setEditContacts(false)}
            />
          ) : (
            <>
              <ul>
                {info.contacts.map((c, i) => (
                  <li key={i}>
                    {c.name} {c.role && `(${c.role})`} {c.phone} {c.email}
                  </li>
                ))}
              </ul>
              <button type="button" onClick={() => setEditContacts(true)}>
                {t('contacts.edit')}
              </button>
            </>
          )}
          <h3>{t('info.open_tickets')}</h3>
          {info.open_tickets.length === 0 ? (
            <p class="hint">{t('info.no_open')}</p>
          ) : (
            <ul>
              {info.open_tickets.map((o) => (
                <li key={o.number}>
                  {o.number} · {stateLabel(o.state)} · {o.subject} · {t('ticket.engineer')}: {o.assigned_engineer || t('ticket.unassigned')}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}

export function ZbIntake(props: { customer: Customer; call: CallState; setCaller: (c: Caller) => void; onLogged: (m: string) => void }) {
  const [phone1, setPhone1] = useState(props.call.caller.phone ?? '');
  const [phone2, setPhone2] = useState('');
  const [comment, setComment] = useState('');
  const [error, setError] = useState<unknown>();
  const form = useRef<HTMLFormElement>(null);
  useFirstEmpty(form);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    try {
      const r = await api.openCase(props.customer.id, {
        caller: props.call.caller.name,
        phones: [phone1, phone2].map((p) => p.trim()).filter(Boolean),
        comment,
      });
      const msg = r.created ? t('zb.opened', { number: r.case.number }) : t('zb.added', { number: r.case.number });
      props.onLogged(msg); // shown by the workspace
    } catch (err) {
      setError(err);
    }
  };
  const fields = ['intake.caller', 'caller', 'intake.phones', 'phones', 'intake.phones[0]', 'intake.phones[1]', 'intake.comment', 'comment'];
  return (
    <form ref={form} class="card form" onSubmit={submit} aria-labelledby="zb-title" noValidate>
      <h2 id="zb-title">{t('zb.intake_title')}</h2>
      <p class="hint">{t('zb.intake_hint')}</p>
      <Field label={t('call.caller_name')} required error={fieldError(error, 'intake.caller', 'caller')}>
        {(a) => (
          <input {...a} name="caller" autoComplete="off" value={props.call.caller.name} onInput={(e) => props.setCaller({ ...props.call.caller, name: e.currentTarget.value })} />
        )}
      </Field>
      <div class="row">
        <Field label={t('zb.phone1')} required error={fieldError(error, 'intake.phones', 'phones', 'intake.phones[0]')}>
          {(a) => <input {...a} name="phone_1" type="tel" autoComplete="off" value={phone1} onInput={(e) => setPhone1(e.currentTarget.value)} />}
        </Field>
        <Field label={t('zb.phone2')} error={fieldError(error, 'intake.phones[1]')}>
          {(a) => <input {...a} name="phone_2" type="tel" autoComplete="off" value={phone2} onInput={(e) => setPhone2(e.currentTarget.value)} />}
        </Field>
      </div>
      <Field label={t('zb.comment')} error={fieldError(error, 'intake.comment', 'comment')}>
        {(a) => <textarea {...a} name="comment" rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />}
      </Field>
      <ErrorBox error={formError(error, fields)} />
      <button type="submit" class="primary">
        {t('zb.submit')} <kbd>Enter</kbd>
      </button>
    </form>
  );
}

// A customer's services: id, circuit, what it is (NM-8's service information).
export function ServicesTable({ services, caption }: { services: Customer['services']; caption?: string }) {
  return (
    <table>
      {caption && <caption class="sr-only">{caption}</caption>}
      <thead>
        <tr>
          <th scope="col">{t('info.service_id')}</th>
          <th scope="col">{t('info.circuit')}</th>
          <th scope="col">{t('info.description')}</th>
        </tr>
      </thead>
      <tbody>
        {services.map((s) => (
          <tr key={s.service_id}>
            <td>{s.service_id}</td>
            <td>{s.circuit}</td>
            <td>
              {s.description}
              {s.unconfirmed && (
                <Badge kind="warn">
                  <span title={t('service.unconfirmed_hint')}>{t('service.unconfirmed')}</span>
                </Badge>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
