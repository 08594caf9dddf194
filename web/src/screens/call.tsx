// The agent's call workspace (NM desk): find the caller's company as they
// type, then the request: open an incident or a requirement, follow a ticket
// up by number, give service information, or — for a customer blocked ZB —
// the ZB intake. No match derives the call to Assurance. Ending the call logs
// it when nothing else has. Keyboard-first: Alt+<letter> for every action.
import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, type Caller, type Customer, type Ticket } from '../api';
import { t } from '../i18n';
import { canSwitchDesk, currentDesk, withDesk } from '../desk';
import { kDeskKeys } from '../desks';
import { Badge, ErrorBox, Notice, ShortcutList, problemText, useAltKeys } from '../ui';
import { CustomerSearch } from './call_search';
import { FollowUp, ServiceInfo, TicketForm, ZbIntake } from './call_forms';

export type Mode = 'incident' | 'requirement' | 'follow' | 'info' | 'zb';

export interface CallState {
  caller: Caller;
  startedAt: string;
  logged: boolean; // an opening, follow-up, info or derivation already logged this call
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

export function CallWorkspace() {
  const [customer, setCustomer] = useState<Customer | null>(null);
  const [mode, setMode] = useState<Mode | null>(null);
  const [call, setCall] = useState<CallState>({ caller: { name: '' }, startedAt: new Date().toISOString(), logged: false });
  const [done, setDone] = useState<string>();
  const [error, setError] = useState<string>();
  const [linkTo, setLinkTo] = useState<string>();
  const [searchKey, setSearchKey] = useState(0);
  const chooser = useRef<HTMLDivElement>(null);

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
