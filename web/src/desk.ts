// The desk this tab works in (docs/desks.md): every desk-bound API request
// acts in one desk, named by `?desk=<id>` (api.ts and live.ts add it, from
// here). A user of one desk works in it; a user of several picks one after
// signing in and may switch from the header (Alt+Shift+C).
//
// Where the choice lives:
// - the page's URL (`/tickets?desk=abastible-zb`), for users of several desks:
//   a reload, the back button, a link opened in a new tab and a link sent to
//   a colleague all say which desk a record number belongs to;
// - sessionStorage: this tab's desk when the URL names none (a path typed by hand);
// - localStorage, per user: the desk chosen last, the default at the next
//   sign-in. Any of them naming a desk the user no longer works in is ignored.
//
// Choosing a desk also sets the times' zone and, unless the user chose a
// language, the language (i18n.ts).
import type { Session } from './api';
import { setDeskLanguage, setTimeZone } from './i18n';

export type DeskSummary = Session['desks'][number];

const kTabKey = 'atiende.desk';
const defaultKey = (user: string) => 'atiende.desk.default.' + user;

let desks: DeskSummary[] = [];
let user = '';
let current: DeskSummary | null = null;
let generation = 0; // one more at each switch: answers asked for before are dropped
const listeners = new Set<() => void>();

function store(s: Storage, key: string, value: string | null) {
  try {
    if (value === null) s.removeItem(key);
    else s.setItem(key, value);
  } catch {
    /* storage disabled: the choice lasts as long as the page */
  }
}
function stored(s: Storage, key: string) {
  try {
    return s.getItem(key);
  } catch {
    return null;
  }
}

export function urlDesk(): string | null {
  return new URLSearchParams(location.search).get('desk');
}

// The desk requests act in now; null until one is chosen.
export function currentDesk(): DeskSummary | null {
  return current;
}
// The desks the signed-in user may switch between.
export function deskChoices(): DeskSummary[] {
  return desks;
}
export function canSwitchDesk(): boolean {
  return desks.length > 1;
}
// Changes at every switch (api.ts drops answers asked for in another desk).
export function deskGeneration(): number {
  return generation;
}

// Calls `l` after the desk changed (or was cleared at sign-out).
export function onDesk(l: () => void): () => void {
  listeners.add(l);
  return () => void listeners.delete(l);
}

// `path` with this tab's desk in its query, for users of several desks (a
// user of one desk needs none: the server implies it).
export function withDesk(path: string): string {
  if (!current || desks.length < 2 || /[?&]desk=/.test(path)) return path;
  const [base, hash = ''] = path.split('#');
  return base + (base.includes('?') ? '&' : '?') + 'desk=' + encodeURIComponent(current.id) + (hash ? '#' + hash : '');
}

// The current URL says this tab's desk (replacing, not a new history entry).
function showInUrl() {
  const u = new URL(location.href);
  const want = current && desks.length > 1 ? current.id : null;
  if (u.searchParams.get('desk') === want) return;
  if (want) u.searchParams.set('desk', want);
  else u.searchParams.delete('desk');
  history.replaceState(history.state, '', u.pathname + u.search + u.hash);
}

function apply(d: DeskSummary, inUrl = true) {
  if (current?.id !== d.id) generation++;
  current = d;
  store(sessionStorage, kTabKey, d.id);
  setTimeZone(d.time_zone);
  if (inUrl) showInUrl();
}

// Takes the session's user and desks (after sign-in or at start-up) and
// settles the desk if it can: the URL's, this tab's, the user's default, the
// only one. Returns the language's readiness; currentDesk() is null when the
// user must choose (several desks, none of the above valid).
export function adoptSession(s: Session): Promise<void> {
  desks = s.desks;
  user = s.user.username;
  const pick = (id: string | null | undefined) => (id ? desks.find((d) => d.id === id) : undefined);
  const found =
    pick(urlDesk()) ??
    pick(stored(sessionStorage, kTabKey)) ??
    pick(stored(localStorage, defaultKey(user))) ??
    (desks.length === 1 ? desks[0] : undefined) ??
    pick(s.desk?.id);
  current = null;
  if (!found) {
    showInUrl(); // a desk in the URL that is not the user's goes
    return Promise.resolve();
  }
  apply(found);
  listeners.forEach((l) => l());
  return setDeskLanguage(found.language);
}

// The user chose `id` (the chooser or the switcher): this tab works in it from
// now on, at once, and it is the user's default at the next sign-in. The
// current URL is made to name it unless `inUrl` is false (a switch: the caller
// navigates to a URL of the new desk, leaving the old one in the history).
// Resolves once the desk's language (if it applies) is ready.
export function chooseDesk(id: string, inUrl = true): Promise<void> {
  const d = desks.find((x) => x.id === id);
  if (!d) return Promise.resolve();
  store(localStorage, defaultKey(user), d.id);
  apply(d, inUrl);
  listeners.forEach((l) => l());
  return setDeskLanguage(d.language);
}

// The desks as they are now (a fresh GET /api/v1/session after an admin
// created, changed or removed one): the switch lists them, and the header,
// the times' zone and the menu follow the current desk's new name, zone and
// procedures without leaving it. When the current desk is gone, the tab
// settles another as at sign-in (or the user chooses).
export function refreshDesks(s: Session): Promise<void> {
  if (!current) return Promise.resolve();
  const now = s.desks.find((d) => d.id === current!.id);
  if (!now) return adoptSession(s).then(() => listeners.forEach((l) => l()));
  desks = s.desks;
  current = now;
  setTimeZone(now.time_zone);
  listeners.forEach((l) => l());
  return setDeskLanguage(now.language);
}

// Signing out: this tab forgets its desk (the next user picks their own);
// the user's default stays for their next sign-in.
export function clearDesk() {
  store(sessionStorage, kTabKey, null);
  current = null;
  generation++;
  showInUrl();
  desks = [];
  user = '';
  listeners.forEach((l) => l());
}

// Back and forward move between the URLs the tab visited, each naming its
// desk: the desk follows (the screen then shows that desk's records).
window.addEventListener('popstate', () => {
  if (!current || desks.length < 2) return;
  const d = desks.find((x) => x.id === urlDesk());
  if (!d) showInUrl();
  else if (d.id !== current.id) {
    apply(d);
    void setDeskLanguage(d.language);
    listeners.forEach((l) => l());
  }
});
