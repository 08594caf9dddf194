// The agent's call workspace (NM desk): find the caller's company as they
// type, then the request: open an incident or a requirement, follow a ticket
// up by number, give service information, or — for a customer blocked ZB —
// the ZB intake. No match derives the call to Assurance. Ending the call logs
// it when nothing else has. Keyboard-first: Alt+<letter> for every action.
//
// Opened for a telephony call (`/call/<id>`: a screen pop, or a missed call
// called back) it starts from who is calling: one match → the customer
// selected and the caller filled, several → the short list, none → the
// number shown with the Assurance path one key away; the call's timer runs,
// and everything the agent logs names the call (telephony_call_id).
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type Caller, type Customer, type PoppedCall, type Ticket } from '../api';
import { fmtTime, t } from '../i18n';
import { fmtPhone } from '../phone';
import { markPopped } from '../call_pop';
import { navigate } from '../router';
import { CustomerContext } from './call_context';
import { canSwitchDesk, currentDesk, withDesk } from '../desk';
import { kDeskKeys } from '../desks';
import { Badge, ErrorBox, Field, Notice, ShortcutList, fieldError, formError, problemText, useAltKeys } from '../ui';
import { CustomerSearch } from './call_search';
import { FollowUp, ServiceInfo, TicketForm, ZbIntake } from './call_forms';

export type Mode = 'incident' | 'requirement' | 'follow' | 'info' | 'zb';

export interface CallState {
  caller: Caller;
  startedAt: string;
  logged: boolean; // an opening, follow-up, info or derivation already logged this call
  telephonyId?: number; // the phone system's record of the call (linked when logged)
}

export function CustomerCard({ c }: { c: Customer }) {
  const critical = c.criticality && c.criticality.toLowerCase().startsWith('priorit');
  return (
    <div class="card customer-card" data-testid="customer-card">
      <h2>
        {c.legal_name} {critical && <Badge kind="critical">{t('customer.critical')}</Badge>}
        {c.blocks.map((b) => (
          <Badge key={b} kind="block">
            {t('customer.block', { block: b })}
          </Badge>
        ))}
      </h2>
      <p>
        {t('customer.group')}: {c.group || '—'} · {t('customer.technology')}: {c.technology || '—'} · {t('customer.code')}: {c.code}
      </p>
      {/* A new tab: the call in progress stays as it is here. In this desk. */}
      <p>
        <a href={withDesk('/customers/' + c.id)} target="_blank" rel="noopener">
          {t('customer.page')}
        </a>
      </p>
    </div>
  );
}

// The call in progress, as the phone system has it: who, since when (the
// timer counts from the moment the workspace opened for it), a callback of a
// missed call or a call answered.
function CallBanner({ tel, since }: { tel: PoppedCall; since: number }) {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(id);
  }, []);
  const s = Math.max(0, Math.floor((now - since) / 1000));
  const clock = `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  const number = fmtPhone(tel.caller.number ?? tel.from);
  const callback = tel.state === 'missed';
  return (
    <div class={'card call-banner' + (callback ? ' callback' : '')} data-testid="call-banner">
      <p>
        <strong>{callback ? t('pop.callback', { number }) : t('pop.on_call', { number })}</strong>{' '}
        <span class="hint">
          {callback ? t('pop.missed_at', { time: fmtTime(tel.ringing_at) }) : t('pop.answered_at', { time: fmtTime(tel.answered_at ?? tel.ringing_at) })}
        </span>
      </p>
      <p class="timer" aria-label={t('pop.timer')} data-testid="call-timer">
        <time>{clock}</time>
      </p>
    </div>
  );
}

// Several customers have the calling number: the agent picks (↑/↓, Enter).
function CallerMatches(props: { tel: PoppedCall; onPick: (m: PoppedCall['caller']['matches'][number]) => void }) {
  const list = useRef<HTMLUListElement>(null);
  useLayoutEffect(() => list.current?.querySelector<HTMLButtonElement>('button')?.focus(), []);
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const buttons = Array.from(list.current?.querySelectorAll<HTMLButtonElement>('button') ?? []);
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(i + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length]?.focus();
  };
  return (
    <div class="card matches" data-testid="caller-matches" role="region" aria-labelledby="matches-title">
      <h2 id="matches-title">{t('pop.several', { number: props.tel.caller.number ?? '' })}</h2>
      <ul ref={list} onKeyDown={onKey}>
        {props.tel.caller.matches.map((m) => (
          <li key={m.customer_id + (m.contact ?? '')}>
            <button type="button" onClick={() => props.onPick(m)}>
              <strong>{m.legal_name}</strong> · {m.contact ?? t('pop.customer_phone')} <span class="meta">{m.code}</span>
            </button>
          </li>
        ))}
      </ul>
      <p class="hint">{t('pop.several_hint')}</p>
    </div>
  );
}

// No customer has the number: the agent may still find the company by name
// (the search has the focus), or derive the caller to Assurance: Alt+A, the
// caller's name, Enter.
function UnknownCaller(props: { tel: PoppedCall; call: CallState; setCaller: (c: Caller) => void; onDerived: (m: string) => void }) {
  const [company, setCompany] = useState('');
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>();
  const [missing, setMissing] = useState(false);
  const name = useRef<HTMLInputElement>(null);
  useLayoutEffect(() => {
    if (open) name.current?.focus();
  }, [open]);
  const derive = async () => {
    if (!props.call.caller.name.trim()) {
      setMissing(true);
      name.current?.focus();
      return;
    }
    setMissing(false);
    setError(undefined);
    try {
      const r = await api.recordCall({
        customer_id: null,
        type: 'other',
        outcome: 'derived_assurance',
        caller: { ...props.call.caller, company: company.trim() || props.call.caller.company || t('pop.unknown_company') },
        started_at: props.call.startedAt,
        telephony_call_id: props.call.telephonyId,
      });
      props.onDerived(r?.handoff?.status === 'not_sent' ? t('call.derived_not_sent') : t('call.derived'));
    } catch (e) {
      setError(e);
    }
  };
  useAltKeys({
    // The search's own Alt+A acts when its text found nothing; here, when it is empty.
    a: () => {
      const q = (document.getElementById('customer-search') as HTMLInputElement | null)?.value.trim();
      if (q) return;
      if (!open) setOpen(true);
      else void derive();
    },
  });
  return (
    <div class="card unknown-caller" data-testid="unknown-caller" role="region" aria-labelledby="unknown-title">
      <h2 id="unknown-title">{t('pop.unknown', { number: props.tel.caller.number || props.tel.from ? fmtPhone(props.tel.caller.number ?? props.tel.from) : t('pop.hidden_number') })}</h2>
      <p class="hint">{t('pop.unknown_hint')}</p>
      {open ? (
        <form
          class="form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void derive();
          }}
        >
          <Field label={t('call.caller_name')} required error={missing ? t('call.caller_needed') : fieldError(error, 'caller.name')}>
            {(a) => (
              <input
                {...a}
                ref={name}
                autoComplete="off"
                value={props.call.caller.name}
                onInput={(e) => props.setCaller({ ...props.call.caller, name: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field label={t('pop.company_said')}>
            {(a) => <input {...a} autoComplete="off" value={company} onInput={(e) => setCompany(e.currentTarget.value)} />}
          </Field>
          <ErrorBox error={formError(error, ['caller.name'])} />
          <button type="submit" class="primary" aria-keyshortcuts="Alt+A">
            {t('search.derive')} <kbd>Enter</kbd>
          </button>
        </form>
      ) : (
        <button type="button" onClick={() => setOpen(true)} aria-keyshortcuts="Alt+A">
          {t('search.derive')} <kbd>Alt+A</kbd>
        </button>
      )}
    </div>
  );
}

export function CallWorkspace({ telephonyId }: { telephonyId?: number }) {
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [mode, setMode] = useState<Mode | null>(null);
  const [call, setCall] = useState<CallState>({ caller: { name: '' }, startedAt: new Date().toISOString(), logged: false, telephonyId });
  const [tel, setTel] = useState<PoppedCall>();
  const [since] = useState(Date.now());
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();
  const [linkTo, setLinkTo] = useState<string>();
  const [searchKey, setSearchKey] = useState(0);
  const chooser = useRef<HTMLDivElement>(null);

  // Who is calling, from the phone system's record of the call.
  const pickMatch = (m: PoppedCall['caller']['matches'][number], number: string | null) => {
    setCall((c) => ({ ...c, caller: { ...c.caller, name: m.contact ?? c.caller.name, phone: number ?? c.caller.phone } }));
    api.customer(m.customer_id).then(
      (c) => choose(c),
      (e) => setError(problemText(e)),
    );
  };
  useEffect(() => {
    if (telephonyId === undefined) return;
    markPopped(String(telephonyId)); // opened here: a replay of its pop changes nothing
    api.telephonyCall(telephonyId).then(
      (tc) => {
        setTel(tc);
        const number = tc.caller.number;
        // A callback starts now; an answered call when it was answered.
        const startedAt = tc.state === 'missed' ? new Date().toISOString() : (tc.answered_at ?? tc.ringing_at ?? new Date().toISOString());
        setCall((c) => ({ ...c, startedAt, caller: { ...c.caller, phone: number ?? undefined } }));
        if (tc.caller.result === 'customer' && tc.caller.matches[0]) pickMatch(tc.caller.matches[0], number);
      },
      (e) => setError(problemText(e)),
    );
  }, [telephonyId]);

  const choose = (c: Customer) => {
    setCustomer(c);
    setMode(null);
    setDone(undefined);
  };
  // After a pick, the request types take the focus (Enter opens an incident).
  useLayoutEffect(() => {
    if (customer && !mode) chooser.current?.querySelector<HTMLButtonElement>('button')?.focus();
  }, [customer]);
  const start = (m: Mode) => {
    if ((m === 'incident' || m === 'requirement' || m === 'info' || m === 'zb') && !customer) {
      setError(t('call.pick_customer_first'));
      document.getElementById('customer-search')?.focus();
      return;
    }
    if (m === 'zb' && !customer?.blocks.includes('ZB')) return;
    setError(undefined);
    setDone(undefined);
    setMode(m);
    if (m !== 'incident' && m !== 'requirement') setLinkTo(undefined);
  };
  const logged = (message: string) => {
    setCall((c) => ({ ...c, logged: true }));
    setDone(message);
  };
  const newCall = () => {
    if (telephonyId !== undefined) {
      navigate('/call'); // a workspace of its own, for the next call
      return;
    }
    setCustomer(null);
    setMode(null);
    setLinkTo(undefined);
    setError(undefined);
    setCall({ caller: { name: '' }, startedAt: new Date().toISOString(), logged: false });
    setSearchKey((k) => k + 1);
  };
  const endCall = async () => {
    setError(undefined);
    if (!call.logged) {
      try {
        await api.recordCall({
          type: 'other',
          outcome: 'other',
          customer_id: customer?.id ?? null,
          caller: call.caller.name.trim() ? call.caller : { ...call.caller, name: t('call.anonymous') },
          started_at: call.startedAt,
          telephony_call_id: call.telephonyId,
        });
      } catch (e) {
        setError(problemText(e));
        return;
      }
    }
    newCall();
    setDone(t('call.ended'));
  };
  // The follow-up and the reopen rule send the agent to a new, linked ticket.
  const openLinked = (tk: Ticket) => {
    setLinkTo(tk.number);
    api.customer(tk.customer.id).then((c) => {
      setCustomer(c);
      setMode('incident');
    }, (e) => setError(problemText(e)));
  };

  useAltKeys({
    b: () => document.getElementById('customer-search')?.focus(),
    i: () => start('incident'),
    r: () => start('requirement'),
    s: () => start('follow'),
    v: () => start('info'),
    z: () => start('zb'),
    t: () => void endCall(),
  });

  const setCaller = (caller: Caller) => setCall((c) => ({ ...c, caller }));
  const zb = customer?.blocks.includes('ZB');
  return (
    <div class="workspace">
      <section class="call" aria-labelledby="call-title">
        <h1 id="call-title">{t('call.title')}</h1>
        {tel && <CallBanner tel={tel} since={since} />}
        <div class={customer ? 'call-grid' : ''}>
          <div class="call-main">
            {tel && !customer && tel.caller.result === 'several' && <CallerMatches tel={tel} onPick={(m) => pickMatch(m, tel.caller.number)} />}
            {tel && !customer && tel.caller.result === 'unknown' && !call.logged && (
              <UnknownCaller tel={tel} call={call} setCaller={setCaller} onDerived={(m) => logged(m)} />
            )}
            <CustomerSearch key={searchKey} onChoose={choose} call={call} onDerived={(m) => logged(m)} setCaller={setCaller} />
            {customer && <CustomerCard c={customer} />}
            {customer && (
              <div class="chooser" ref={chooser} role="group" aria-label={t('call.request_type')}>
                <button type="button" aria-pressed={mode === 'incident'} onClick={() => start('incident')} aria-keyshortcuts="Alt+I" aria-describedby="def-incident">
                  {t('call.incident')} <kbd>Alt+I</kbd>
                </button>
                <button type="button" aria-pressed={mode === 'requirement'} onClick={() => start('requirement')} aria-keyshortcuts="Alt+R" aria-describedby="def-requirement">
                  {t('call.requirement')} <kbd>Alt+R</kbd>
                </button>
                <button type="button" aria-pressed={mode === 'follow'} onClick={() => start('follow')} aria-keyshortcuts="Alt+S">
                  {t('call.follow')} <kbd>Alt+S</kbd>
                </button>
                <button type="button" aria-pressed={mode === 'info'} onClick={() => start('info')} aria-keyshortcuts="Alt+V">
                  {t('call.info')} <kbd>Alt+V</kbd>
                </button>
                {zb && (
                  <button type="button" class="zb" aria-pressed={mode === 'zb'} onClick={() => start('zb')} aria-keyshortcuts="Alt+Z">
                    {t('call.zb')} <kbd>Alt+Z</kbd>
                  </button>
                )}
                <dl class="definitions">
                  <dt>{t('call.incident')}</dt>
                  <dd id="def-incident">{t('def.incident')}</dd>
                  <dt>{t('call.requirement')}</dt>
                  <dd id="def-requirement">{t('def.requirement')}</dd>
                </dl>
              </div>
            )}
            {!customer && mode !== 'follow' && (
              <p class="hint">
                <button type="button" class="link" onClick={() => start('follow')}>
                  {t('call.follow_without_customer')} <kbd>Alt+S</kbd>
                </button>
              </p>
            )}
            {(mode === 'incident' || mode === 'requirement') && customer && (
              <TicketForm
                key={mode + (linkTo ?? '')}
                kind={mode}
                customer={customer}
                call={call}
                setCaller={setCaller}
                linkedTo={linkTo}
                onOpened={(tk) => logged(t('call.ticket_opened', { number: tk.number }))}
                onFollow={(n) => {
                  setMode('follow');
                  setTimeout(() => {
                    const el = document.getElementById('follow-number') as HTMLInputElement | null;
                    if (el) {
                      el.value = n;
                      el.dispatchEvent(new Event('input', { bubbles: true }));
                    }
                  }, 0);
                }}
              />
            )}
            {mode === 'follow' && <FollowUp call={call} setCaller={setCaller} customer={customer} onLogged={logged} onOpenLinked={openLinked} />}
            {mode === 'info' && customer && <ServiceInfo customer={customer} call={call} setCaller={setCaller} onLogged={logged} />}
            {mode === 'zb' && customer && <ZbIntake customer={customer} call={call} setCaller={setCaller} onLogged={logged} />}
            {done && <Notice kind="ok">{done}</Notice>}
            <ErrorBox error={error} />
            <div class="end-call">
              <button type="button" class="primary" onClick={endCall} aria-keyshortcuts="Alt+T">
                {t('call.end')} <kbd>Alt+T</kbd>
              </button>
              <span class="hint">{call.logged ? t('call.is_logged') : t('call.not_logged')}</span>
            </div>
          </div>
          {customer && <CustomerContext customer={customer} caller={call.caller} onCaller={setCaller} />}
        </div>
      </section>
      <ShortcutList
        items={[
          { keys: 'Alt+B', label: t('call.k_search') },
          { keys: '↑ ↓ Enter', label: t('call.k_pick') },
          { keys: 'Alt+A', label: t('call.k_derive') },
          { keys: 'Alt+I', label: t('call.incident') },
          { keys: 'Alt+R', label: t('call.requirement') },
          { keys: 'Alt+S', label: t('call.follow') },
          { keys: 'Alt+V', label: t('call.info') },
          ...(currentDesk()?.procedures.includes('zb-unblock') ? [{ keys: 'Alt+Z', label: t('call.zb') }] : []),
          { keys: 'Enter', label: t('call.k_submit') },
          { keys: 'Alt+T', label: t('call.end') },
          { keys: 'Alt+Shift+1…9', label: t('shortcuts.screens') },
          ...(canSwitchDesk() ? [{ keys: kDeskKeys, label: t('desk.switch') }] : []),
        ]}
      />
    </div>
  );
}
