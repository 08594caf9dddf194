// The customer portal (/portal, NM-11): a customer user sees its company's
// tickets with their state and customer-visible comments, adds a comment,
// and closes a resolved ticket (which lets the desk open a new one, NM-10).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Session, type Ticket } from './api';
import { adoptSession } from './desk';
import { fmtTime, t, useLang, type Key } from './i18n';
import { Login } from './login';
import { linkProps, usePath } from './router';
import { Shell } from './shell';
import { Badge, ErrorBox, Field, Notice, fieldError, formError, problemText, stateLabel, updateText, useLive, authorText, ConfirmDialog } from './ui';
import { firstSession } from './start';
import './style.css';

function TicketList() {
  const [items, setItems] = useState<Ticket[]>();
  const [error, setError] = useState<string>();
  useLive(
    () => {
      api.tickets({ state: 'all', limit: 200 }).then(
        (r) => {
          setItems(r.items);
          setError(undefined);
        },
        (e) => setError(problemText(e)),
      );
    },
    [{ entity: 'ticket' }],
    [],
  );
  return (
    <section aria-labelledby="portal-title">
      <h1 id="portal-title">{t('portal.tickets')}</h1>
      <ErrorBox error={error} />
      {items && items.length === 0 && <p>{t('portal.none')}</p>}
      {items && items.length > 0 && (
        <table data-testid="portal-tickets">
          <thead>
            <tr>
              <th scope="col">{t('queue.number')}</th>
              <th scope="col">{t('ticket.subject')}</th>
              <th scope="col">{t('queue.state')}</th>
              <th scope="col">{t('ticket.opened_at')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((tk) => (
              <tr key={tk.number}>
                <td>
                  <a {...linkProps('/portal/' + tk.number)}>{tk.number}</a>
                </td>
                <td>{tk.subject}</td>
                <td>
                  <Badge kind={'state-' + tk.state}>{stateLabel(tk.state)}</Badge>
                </td>
                <td>{fmtTime(tk.created_at)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function PortalTicket({ number }: { number: string }) {
  const [tk, setTk] = useState<Ticket>();
  const [error, setError] = useState<string>();
  const [text, setText] = useState('');
  const [actionError, setActionError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  // The desk's answers and state changes show up without a reload.
  useLive(() => void api.ticket(number).then(setTk, (e) => setError(problemText(e))), [{ entity: 'ticket', id: number }], [number]);
  const comment = async (e: Event) => {
    e.preventDefault();
    setActionError(undefined);
    setDone(undefined);
    try {
      setTk(await api.commentTicket(number, text));
      setText('');
      setDone(t('portal.commented'));
    } catch (err) {
      setActionError(err);
    }
  };
  // Closing cannot be undone: asked first; the answer's problem shows at the form.
  const [asking, setAsking] = useState(false);
  const close = async () => {
    setActionError(undefined);
    try {
      setTk(await api.closeTicket(number));
      setDone(t('portal.closed', { number }));
      setAsking(false);
      setTimeout(() => document.getElementById('pt-title')?.focus(), 0);
    } catch (err) {
      setActionError(err);
      setAsking(false);
    }
  };
  return (
    <section aria-labelledby="pt-title">
      <p>
        <a {...linkProps('/portal')}>← {t('portal.back')}</a>
      </p>
      <h1 id="pt-title" tabIndex={-1}>{t('ticket.title', { number })}</h1>
      <ErrorBox error={error} />
      {tk && (
        <div class="card" data-testid="portal-ticket">
          <h2>
            {tk.subject} <Badge kind={'state-' + tk.state}>{stateLabel(tk.state)}</Badge>
          </h2>
          <p>
            {t(('kind.' + tk.kind) as Key)} · {t('ticket.opened_at')}: {fmtTime(tk.created_at)}
            {tk.resolution && ` · ${t('ticket.resolution')}: ${tk.resolution}`}
          </p>
          {/* What was said on the call that opened it (issue 15). */}
          <dl class="facts" data-testid="portal-said">
            <dt>{t('portal.caller')}</dt>
            <dd>{[tk.caller?.name, tk.caller?.phone].filter((x) => x && x.trim()).join(' · ') || '—'}</dd>
            {tk.description && (
              <>
                <dt>{t('ticket.description')}</dt>
                <dd class="said">{tk.description}</dd>
              </>
            )}
          </dl>
          <h3>{t('ticket.updates')}</h3>
          {tk.updates.length === 0 ? (
            <p class="hint">{t('ticket.no_updates')}</p>
          ) : (
            <ol class="updates">
              {tk.updates.map((u, i) => (
                <li key={i}>
                  <time>{fmtTime(u.at)}</time> <strong>{authorText(u.author)}</strong> {updateText(u)}
                </li>
              ))}
            </ol>
          )}
        </div>
      )}
      {done && <Notice kind="ok">{done}</Notice>}
      {tk && tk.state === 'resolved' && tk.actions.some((a) => a.action === 'close') && (
        <div class="card">
          <p>{t('portal.close_hint')}</p>
          <button type="button" class="primary" onClick={() => setAsking(true)}>
            {t('portal.close')}
          </button>
          {asking && (
            <ConfirmDialog
              title={t('portal.confirm_title', { number })}
              text={t('portal.confirm_text')}
              confirm={t('portal.confirm')}
              keep={t('portal.keep')}
              testId="portal-close-confirm"
              onConfirm={close}
              onClose={() => setAsking(false)}
            />
          )}
        </div>
      )}
      {tk && tk.state !== 'closed' && tk.state !== 'cancelled' && (
        <form class="card form" onSubmit={comment} noValidate>
          <Field label={t('portal.comment')} required error={fieldError(actionError, 'text')}>
            {(a) => <textarea {...a} name="comment" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
          </Field>
          <button type="submit">{t('portal.add_comment')}</button>
        </form>
      )}
      <ErrorBox error={formError(actionError, ['text'])} />
    </section>
  );
}

function Portal({ first }: { first: Session | null }) {
  useLang();
  const path = usePath();
  const [session, setSession] = useState<Session | null>(first);
  // A customer user works in its company's desk (the only one in its
  // session): its name in the header, every time in its zone.
  const adopt = (s: Session) => void adoptSession(s).then(() => setSession(s));
  useEffect(() => {
    const out = () => setSession(null);
    window.addEventListener('atiende:signed-out', out);
    return () => window.removeEventListener('atiende:signed-out', out);
  }, []);
  if (session === null) return <Login title={t('app.portal')} onSignedIn={adopt} />;
  if (session.user.role !== 'customer') {
    return (
      <Shell session={session} nav={[]} title={t('app.portal')} onSignOut={() => setSession(null)}>
        <h1>{t('shell.denied')}</h1>
        <p>{t('portal.staff')}</p>
        <a href="/">{t('app.console')}</a>
      </Shell>
    );
  }
  const number = path.startsWith('/portal/') ? decodeURIComponent(path.slice(8)) : '';
  return (
    <Shell session={session} nav={[{ path: '/portal', label: t('portal.tickets'), current: !number }]} title={t('app.portal')} onSignOut={() => setSession(null)}>
      {number ? <PortalTicket number={number} /> : <TicketList />}
    </Shell>
  );
}

// The first render waits for who is signed in and their desk (start.ts).
firstSession().then((s) => {
  render(<Portal first={s} />, document.getElementById('app')!);
});
