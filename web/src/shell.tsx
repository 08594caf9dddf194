// The frame around every screen: skip link, header with the desk (and its
// switch, Alt+Shift+C), the user, their password, language switch and
// sign-out, the role's navigation (Alt+Shift+1…9), the connection banner.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, type Session } from './api';
import { clearDesk } from './desk';
import { DeskSwitch } from './desks';
import { getLang, preloadLangs, setLang, t, useLang, type Key, type Lang } from './i18n';
import { chunk, lazy } from './lazy';
import { linkProps } from './router';
import { ConnectionBanner, LiveBadge, useAltKeys } from './ui';

// Changing one's password: a chunk of its own, fetched when asked for.
const PasswordDialog = lazy(
  chunk(() => import('./screens/password')),
  (m) => m.PasswordDialog,
);

export function LangSwitch() {
  const lang = useLang();
  useEffect(preloadLangs, []);
  return (
    <div class="lang">
      <label for="lang-select">{t('lang.label')}</label>
      <select id="lang-select" value={lang} onChange={(e) => setLang(e.currentTarget.value as Lang)}>
        <option value="es-419">Español</option>
        <option value="en">English</option>
      </select>
    </div>
  );
}

// Ends the session; this tab forgets its desk (desk.ts), the user's default stays.
export async function signOutNow(then: () => void) {
  try {
    await api.logout();
  } catch {
    /* signed out anyway */
  }
  clearDesk();
  then();
}

export interface NavItem {
  path: string;
  label: string;
  current: boolean;
}

export function Shell(props: {
  session: Session;
  nav: NavItem[];
  onSignOut: () => void;
  // Switches to another of the user's desks (absent: the desk is only shown).
  onSwitchDesk?: (id: string) => void;
  title: string;
  children: ComponentChildren;
}) {
  useLang();
  const keys: Record<string, () => void> = {};
  props.nav.forEach((n, i) => {
    // Alt+Shift+N: Alt+N alone switches browser tabs in Chrome on Linux.
    keys['shift+' + (i + 1)] = () => linkProps(n.path).onClick(new MouseEvent('click'));
  });
  useAltKeys(keys);
  const signOut = () => signOutNow(props.onSignOut);
  const [changingPassword, setChangingPassword] = useState(false);
  return (
    <div class="shell">
      <a class="skip" href="#main">
        {t('shell.skip')}
      </a>
      <header class="top">
        <span class="brand">{props.title}</span>
        <DeskSwitch onSwitch={props.onSwitchDesk} />
        <nav aria-label={t('shell.nav')}>
          <ul>
            {props.nav.map((n, i) => (
              <li key={n.path}>
                <a {...linkProps(n.path)} aria-current={n.current ? 'page' : undefined} aria-keyshortcuts={`Alt+Shift+${i + 1}`}>
                  {n.label} <kbd>Alt+Shift+{i + 1}</kbd>
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <span class="who" data-testid="who">
          {props.session.user.username} · {t(('role.' + props.session.user.role) as Key)}
        </span>
        <LiveBadge />
        <LangSwitch />
        <button type="button" data-testid="password-open" onClick={() => setChangingPassword(true)}>
          {t('password.open')}
        </button>
        <button type="button" onClick={signOut}>
          {t('shell.signout')}
        </button>
      </header>
      {changingPassword && <PasswordDialog onClose={() => setChangingPassword(false)} />}
      <ConnectionBanner />
      <main id="main" tabIndex={-1} lang={getLang()}>
        {props.children}
      </main>
    </div>
  );
}
