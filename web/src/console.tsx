// The web console (/): sign in, then the screens of the user's role. Other
// roles' screens are neither listed nor rendered (and the API refuses them).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Role, type Session } from './api';
import { setTimeZone, t, useLang, type Key } from './i18n';
import { Login } from './login';
import { navigate, usePath } from './router';
import { Shell } from './shell';
import { CallWorkspace } from './screens/call';
import { TicketQueue, TicketView } from './screens/tickets';
import { NoticeList } from './screens/notices';
import { AdminDirectory, AdminImport, AdminMail, AdminUsers } from './screens/admin';
import { CaseQueue, CaseView, UnblockQueue } from './screens/cases';
import { CustomerFinder, CustomerPage } from './screens/customers';
import './style.css';

interface Screen {
  path: string; // the nav entry; deep links start with path + '/'
  label: Key;
  roles: Role[];
  view: (rest: string, session: Session) => preact.JSX.Element;
}

const SCREENS: Screen[] = [
  { path: '/call', label: 'nav.call', roles: ['agent', 'supervisor'], view: () => <CallWorkspace /> },
  {
    path: '/tickets',
    label: 'nav.tickets',
    roles: ['supervisor'],
    view: (rest) => (rest ? <TicketView number={rest} /> : <TicketQueue />),
  },
  {
    path: '/cases',
    label: 'nav.cases',
    roles: ['supervisor'],
    view: (rest) => (rest ? <CaseView number={rest} /> : <CaseQueue />),
  },
  { path: '/notices', label: 'nav.notices', roles: ['dispatch', 'supervisor'], view: (rest) => <NoticeList selected={rest} /> },
  { path: '/unblocks', label: 'nav.unblocks', roles: ['back_office'], view: () => <UnblockQueue /> },
  { path: '/admin/users', label: 'nav.users', roles: ['admin'], view: () => <AdminUsers /> },
  { path: '/admin/directory', label: 'nav.directory', roles: ['admin'], view: () => <AdminDirectory /> },
  { path: '/admin/import', label: 'nav.import', roles: ['admin'], view: () => <AdminImport /> },
  { path: '/admin/mail', label: 'nav.mail', roles: ['admin'], view: () => <AdminMail /> },
  // Last, so the other screens keep their Alt+Shift numbers.
  {
    path: '/customers',
    label: 'nav.customers',
    roles: ['agent', 'supervisor', 'back_office', 'admin'],
    view: (rest, s) => (rest ? <CustomerPage id={rest} role={s.user.role} /> : <CustomerFinder />),
  },
];

function screenFor(path: string) {
  for (const s of SCREENS) {
    if (path === s.path) return { screen: s, rest: '' };
    if (path.startsWith(s.path + '/')) return { screen: s, rest: decodeURIComponent(path.slice(s.path.length + 1)) };
  }
  return undefined;
}

function App() {
  useLang();
  const path = usePath();
  const [session, setSession] = useState<Session | null | undefined>(undefined);

  const adopt = (s: Session) => {
    setTimeZone(s.desk?.time_zone || 'America/Bogota');
    if (s.user.role === 'customer') {
      location.assign('/portal');
      return;
    }
    setSession(s);
  };
  useEffect(() => {
    api.session().then(adopt, () => setSession(null));
    const out = () => setSession(null);
    window.addEventListener('atiende:signed-out', out);
    return () => window.removeEventListener('atiende:signed-out', out);
  }, []);

  useEffect(() => {
    // The first useful paint (sign-in form or screen), for bench/web_speed.mjs.
    if (session !== undefined && !performance.getEntriesByName('atiende:ready').length) performance.mark('atiende:ready');
  }, [session]);
  if (session === undefined) return <p class="loading">{t('common.loading')}</p>;
  if (session === null) return <Login title={t('app.console')} onSignedIn={adopt} />;

  const mine = SCREENS.filter((s) => s.roles.includes(session.user.role));
  const found = screenFor(path);
  if (!found && mine.length) {
    queueMicrotask(() => navigate(mine[0].path, true));
  }
  const nav = mine.map((s) => ({ path: s.path, label: t(s.label), current: found?.screen === s }));
  let body: preact.JSX.Element;
  if (!found) body = <p>{t('common.loading')}</p>;
  else if (!found.screen.roles.includes(session.user.role))
    body = (
      <section aria-labelledby="denied">
        <h1 id="denied">{t('shell.denied')}</h1>
        <p>{t('shell.denied_text')}</p>
      </section>
    );
  else body = found.screen.view(found.rest, session);
  return (
    <Shell session={session} nav={nav} title={t('app.console')} onSignOut={() => setSession(null)}>
      {body}
    </Shell>
  );
}

render(<App />, document.getElementById('app')!);
