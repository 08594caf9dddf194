// The web console (/): sign in, then the screens of the user's role. Other
// roles' screens are neither listed nor rendered (and the API refuses them).
import { Fragment, render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Role, Session } from './api';
import { adoptSession, chooseDesk } from './desk';
import { DeskChooser, useDesk } from './desks';
import { t, useLang, type Key } from './i18n';
import { Login } from './login';
import { navigate, usePath } from './router';
import { LangSwitch, Shell, signOutNow } from './shell';
import { inBackground } from './background';
import { useCallPop } from './call_pop';
import { chunk, lazy, type Chunk } from './lazy';
import { firstSession } from './start';
import './style.css';

// Each screens/ module is a chunk of its own, fetched before the screen is
// shown (see App) or, failing that, when it is: the first load carries only
// the sign-in form and the shell.
const callCode = chunk(() => import('./screens/call'));
const ticketCode = chunk(() => import('./screens/tickets'));
const noticeCode = chunk(() => import('./screens/notices'));
const adminCode = chunk(() => import('./screens/admin'));
const deskAdminCode = chunk(() => import('./screens/desk_admin'));
const caseCode = chunk(() => import('./screens/cases'));
const customerCode = chunk(() => import('./screens/customers'));
const reportsCode = chunk(() => import('./screens/reports'));
const wallboardCode = chunk(() => import('./screens/wallboard'));
const missedCode = chunk(() => import('./screens/missed_calls'));
const CallWorkspace = lazy(callCode, (m) => m.CallWorkspace);
const TicketQueue = lazy(ticketCode, (m) => m.TicketQueue);
const TicketView = lazy(ticketCode, (m) => m.TicketView);
const NoticeList = lazy(noticeCode, (m) => m.NoticeList);
const AdminUsers = lazy(adminCode, (m) => m.AdminUsers);
const AdminDirectory = lazy(adminCode, (m) => m.AdminDirectory);
const AdminImport = lazy(adminCode, (m) => m.AdminImport);
const AdminMail = lazy(adminCode, (m) => m.AdminMail);
const AdminDesks = lazy(deskAdminCode, (m) => m.AdminDesks);
const CaseQueue = lazy(caseCode, (m) => m.CaseQueue);
const CaseView = lazy(caseCode, (m) => m.CaseView);
const UnblockQueue = lazy(caseCode, (m) => m.UnblockQueue);
const CustomerFinder = lazy(customerCode, (m) => m.CustomerFinder);
const CustomerPage = lazy(customerCode, (m) => m.CustomerPage);
const Reports = lazy(reportsCode, (m) => m.Reports);
const Wallboard = lazy(wallboardCode, (m) => m.Wallboard);
const MissedCalls = lazy(missedCode, (m) => m.MissedCalls);

interface Screen {
  path: string; // the nav entry; deep links start with path + '/'
  label: Key;
  roles: Role[];
  procedure?: string; // shown only in desks that run it
  code: Chunk<unknown>;
  view: (rest: string, session: Session) => preact.JSX.Element;
}

const SCREENS: Screen[] = [
  // /call/<id>: the workspace for telephony call <id> (a screen pop, a callback).
  {
    path: '/call',
    code: callCode,
    label: 'nav.call',
    roles: ['agent', 'supervisor'],
    view: (rest) => <CallWorkspace key={rest} telephonyId={/^\d+$/.test(rest) ? Number(rest) : undefined} />,
  },
  {
    path: '/tickets',
    code: ticketCode,
    label: 'nav.tickets',
    roles: ['supervisor'],
    view: (rest, s) => (rest ? <TicketView number={rest} /> : <TicketQueue user={s.user.username} />),
  },
  {
    path: '/cases',
    code: caseCode,
    label: 'nav.cases',
    roles: ['supervisor'],
    procedure: 'zb-unblock',
    view: (rest) => (rest ? <CaseView number={rest} /> : <CaseQueue />),
  },
  { path: '/notices', code: noticeCode, label: 'nav.notices', roles: ['dispatch', 'supervisor'], view: (rest) => <NoticeList selected={rest} /> },
  {
    path: '/unblocks',
    code: caseCode,
    label: 'nav.unblocks',
    roles: ['back_office'],
    procedure: 'zb-unblock',
    view: () => <UnblockQueue />,
  },
  { path: '/admin/users', code: adminCode, label: 'nav.users', roles: ['admin'], view: (_, s) => <AdminUsers session={s} /> },
  { path: '/admin/directory', code: adminCode, label: 'nav.directory', roles: ['admin'], view: () => <AdminDirectory /> },
  { path: '/admin/import', code: adminCode, label: 'nav.import', roles: ['admin'], view: () => <AdminImport /> },
  { path: '/admin/mail', code: adminCode, label: 'nav.mail', roles: ['admin'], view: () => <AdminMail /> },
  { path: '/admin/desks', code: deskAdminCode, label: 'nav.desks', roles: ['admin'], view: (_, s) => <AdminDesks session={s} /> },
  // Last, so the other screens keep their Alt+Shift numbers.
  {
    path: '/customers',
    code: customerCode,
    label: 'nav.customers',
    roles: ['agent', 'supervisor', 'back_office', 'admin'],
    view: (rest, s) => (rest ? <CustomerPage id={rest} role={s.user.role} /> : <CustomerFinder />),
  },
  // After Clientes, so the screens before keep their Alt+Shift numbers.
  { path: '/missed', code: missedCode, label: 'nav.missed', roles: ['agent', 'supervisor'], view: () => <MissedCalls /> },
  // The desk's figures and the wall's full-screen board (issue 18), after the
  // others so their Alt+Shift numbers stay.
  { path: '/reports', code: reportsCode, label: 'nav.reports', roles: ['supervisor', 'admin'], view: () => <Reports /> },
  {
    path: '/wallboard',
    code: wallboardCode,
    label: 'nav.wallboard',
    roles: ['supervisor', 'admin', 'agent', 'dispatch', 'back_office'],
    view: () => <Wallboard />,
  },
];

// Shown without the shell: the whole screen is the page (the wallboard).
const FULL_SCREEN = new Set(['/wallboard']);

function screenFor(path: string) {
  for (const s of SCREENS) {
    if (path === s.path) return { screen: s, rest: '' };
    if (path.startsWith(s.path + '/')) return { screen: s, rest: decodeURIComponent(path.slice(s.path.length + 1)) };
  }
  return undefined;
}

// A customer belongs in the portal.
function welcome(s: Session): boolean {
  if (s.user.role !== 'customer') return true;
  location.assign('/portal');
  return false;
}

// The code of the screen `s` opens at `path` (the first of the role's screens
// when the path is none of them), fetched: the shell then appears with the
// screen in it, ready for what the user types.
function screenCode(s: Session, path: string): Promise<unknown> {
  const found = screenFor(path)?.screen;
  const screen = found?.roles.includes(s.user.role) ? found : SCREENS.find((x) => x.roles.includes(s.user.role));
  return screen ? screen.code.get().catch(() => {}) : Promise.resolve(); // lazy() shows a failure
}

function App({ first }: { first: Session | null }) {
  useLang();
  const path = usePath();
  const [session, setSession] = useState<Session | null>(first);
  const desk = useDesk();
  // A call this user answers opens the call workspace from any screen.
  useCallPop(!!session && !!desk && (session.user.role === 'agent' || session.user.role === 'supervisor'));

  // Signed in: the desk settled if it can be (else the chooser shows), and
  // the screen's code here before the shell appears.
  const adopt = async (s: Session) => {
    if (!welcome(s)) return;
    await adoptSession(s);
    await screenCode(s, location.pathname);
    setSession(s);
  };
  useEffect(() => {
    const out = () => setSession(null);
    window.addEventListener('atiende:signed-out', out);
    return () => window.removeEventListener('atiende:signed-out', out);
  }, []);

  useEffect(() => {
    // The first useful paint (sign-in form or screen), for bench/web_speed.mjs.
    if (!performance.getEntriesByName('atiende:ready').length) performance.mark('atiende:ready');
    // Then, with the page on screen, the code of the screens this user may
    // open: all of them while someone signs in.
    const codes = SCREENS.filter((s) => !session || s.roles.includes(session.user.role)).map((s) => s.code);
    inBackground(() => {
      for (const code of new Set(codes)) code.get().catch(() => {}); // lazy() shows a failure
    });
  }, [session]);
  if (session === null) return <Login title={t('app.console')} onSignedIn={adopt} />;
  if (desk === null) {
    return (
      <DeskChooser username={session.user.username} onPick={(id) => void chooseDesk(id)} onSignOut={() => signOutNow(() => setSession(null))}>
        <LangSwitch />
      </DeskChooser>
    );
  }

  const runs = (s: Screen) => !s.procedure || desk.procedures.includes(s.procedure);
  const mine = SCREENS.filter((s) => s.roles.includes(session.user.role) && runs(s));
  const found = screenFor(path);
  if (!found && mine.length) {
    queueMicrotask(() => navigate(mine[0].path, true));
  }
  const nav = mine.map((s) => ({ path: s.path, label: t(s.label), current: found?.screen === s }));
  let body: preact.JSX.Element;
  if (!found) body = <p>{t('common.loading')}</p>;
  else if (!found.screen.roles.includes(session.user.role) || !runs(found.screen))
    body = (
      <section aria-labelledby="denied">
        <h1 id="denied">{t('shell.denied')}</h1>
        <p>{t('shell.denied_text')}</p>
      </section>
    );
  else body = found.screen.view(found.rest, session);
  if (found && FULL_SCREEN.has(found.screen.path) && found.screen.roles.includes(session.user.role)) {
    return <Fragment key={desk.id}>{body}</Fragment>;
  }
  // Another desk: its own records, from its own list (a record's number or
  // id means another record there). A new history entry, so Back returns to
  // the desk left and what it showed.
  const switchDesk = (id: string) => {
    const home = found?.screen.path ?? location.pathname;
    void chooseDesk(id, false);
    navigate(home);
  };
  // Keyed by the desk: a switch unmounts the screen (its state, its reads)
  // and mounts it anew, reading the new desk's records.
  return (
    <Shell session={session} nav={nav} title={t('app.console')} onSignOut={() => setSession(null)} onSwitchDesk={switchDesk}>
      <Fragment key={desk.id}>{body}</Fragment>
    </Shell>
  );
}

// The first render waits for who is signed in (start.ts).
firstSession().then(async (s) => {
  if (s && !welcome(s)) return;
  if (s) await screenCode(s, location.pathname);
  render(<App first={s} />, document.getElementById('app')!);
});
