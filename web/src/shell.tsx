// The frame around every screen: skip link, header with the desk (and its
// switch, Alt+Shift+C), the user, their password, language switch and
// sign-out, the role's navigation (Alt+Shift+1…9), the connection banner.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Session } from './api';
import { canSwitchDesk, clearDesk } from './desk';
import { DeskSwitch, kDeskKeys, useDesk } from './desks';
import { getLang, preloadLangs, setLang, t, useLang, type Key, type Lang } from './i18n';
import { chunk, lazy } from './lazy';
import { linkProps, usePath } from './router';
import { applyTheme, deskColour, effectiveTheme, setTheme } from './theme';
import { ConnectionBanner, LiveBadge, currentShortcuts, onShortcuts, useAltKeys, type Shortcut } from './ui';

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

// Moves the focus to the screen's heading after a navigation, when nothing
// on the new screen took it (the call workspace focuses its search itself):
// the next Tab then starts in the screen, not at the page's top.
function useFocusOnNavigate(path: string) {
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let tries = 0;
    let frame = 0;
    const settle = () => {
      const main = document.getElementById('main');
      const active = document.activeElement;
      const idle = !active || active === document.body || !!active.closest('header.top, nav.side');
      const heading = main?.querySelector<HTMLElement>('h1');
      if (!idle) return; // the screen placed the focus
      if (heading) {
        if (!heading.hasAttribute('tabindex')) heading.tabIndex = -1;
        heading.focus();
        return;
      }
      if (++tries < 120) frame = requestAnimationFrame(settle); // the screen's chunk may still be coming
    };
    frame = requestAnimationFrame(settle);
    return () => cancelAnimationFrame(frame);
  }, [path]);
}

// Ctrl/Cmd+Enter in a text area sends its form (Enter adds a line there);
// Enter on a drop-down sends its form too, as in a single-line field.
function useSubmitKeys() {
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.key !== 'Enter' || e.defaultPrevented || e.altKey || e.shiftKey) return;
      const el = e.target as HTMLElement;
      const inArea = el instanceof HTMLTextAreaElement && (e.ctrlKey || e.metaKey);
      const onSelect = el instanceof HTMLSelectElement && !e.ctrlKey && !e.metaKey;
      if (!inArea && !onSelect) return;
      const form = (el as HTMLTextAreaElement | HTMLSelectElement).form;
      if (!form || !form.querySelector('button[type=submit]:not([disabled]), input[type=submit]:not([disabled])')) return;
      e.preventDefault();
      form.requestSubmit();
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
}

// The header's light/dark switch (the OS's theme until the user picks one).
function ThemeToggle({ user }: { user: string }) {
  const [dark, setDark] = useState(effectiveTheme() === 'dark');
  useEffect(() => {
    applyTheme(user);
    setDark(effectiveTheme() === 'dark');
  }, [user]);
  return (
    <button
      type="button"
      class="icon"
      data-testid="theme"
      aria-pressed={dark}
      title={t('theme.dark')}
      onClick={() => {
        setTheme(user, dark ? 'light' : 'dark');
        setDark(!dark);
      }}
    >
      <span aria-hidden="true">◐</span>
      <span class="sr-only">{t('theme.dark')}</span>
    </button>
  );
}

// `?` (or the header's button): every shortcut of the console and of the
// screen on display, in a dialog; Esc closes it.
function ShortcutHelp(props: { nav: NavItem[]; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [, redraw] = useState(0);
  useEffect(() => onShortcuts(() => redraw((n) => n + 1)), []);
  // Shown while mounted (the header mounts it when asked for).
  useEffect(() => {
    const d = dialog.current;
    if (!d || d.open) return;
    d.showModal();
    d.querySelector<HTMLElement>('button')?.focus();
  }, []);
  const general: Shortcut[] = [
    ...props.nav.map((n, i) => ({ keys: `Alt+Shift+${i + 1}`, label: n.label })),
    ...(canSwitchDesk() ? [{ keys: kDeskKeys, label: t('desk.switch') }] : []),
    { keys: '?', label: t('shortcuts.help') },
    { keys: 'Ctrl+Enter', label: t('shortcuts.submit_area') },
  ];
  const screen = currentShortcuts();
  const list = (items: Shortcut[]) => (
    <dl class="keys">
      {items.map((s) => (
        <div key={s.keys + s.label}>
          <dt>
            <kbd>{s.keys}</kbd>
          </dt>
          <dd>{s.label}</dd>
        </div>
      ))}
    </dl>
  );
  return (
    <dialog ref={dialog} class="desk-dialog help" aria-labelledby="help-title" data-testid="shortcuts" onClose={props.onClose}>
      <h2 id="help-title">{t('shortcuts.title')}</h2>
      {screen.length > 0 && (
        <>
          <h3>{t('shortcuts.this_screen')}</h3>
          {list(screen)}
        </>
      )}
      <h3>{t('shortcuts.everywhere')}</h3>
      {list(general)}
      <p class="actions">
        <button type="button" onClick={() => dialog.current?.close()}>
          {t('shortcuts.close')} <kbd>Esc</kbd>
        </button>
      </p>
    </dialog>
  );
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
  const path = usePath();
  useFocusOnNavigate(path);
  useSubmitKeys();
  const keys: Record<string, () => void> = {};
  props.nav.forEach((n, i) => {
    // Alt+Shift+N: Alt+N alone switches browser tabs in Chrome on Linux.
    keys['shift+' + (i + 1)] = () => linkProps(n.path).onClick(new MouseEvent('click'));
  });
  useAltKeys(keys);
  const [help, setHelp] = useState(false);
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (e.key !== '?' || e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
      const el = e.target as HTMLElement;
      if (el.closest('input, textarea, select, [contenteditable="true"]')) return;
      e.preventDefault();
      setHelp(true);
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
  const signOut = () => signOutNow(props.onSignOut);
  const [changingPassword, setChangingPassword] = useState(false);
  const desk = useDesk();
  const side = props.nav.length > 1;
  const nav = (
    <nav aria-label={t('shell.nav')} class={side ? 'side' : 'inline'}>
      <ul>
        {props.nav.map((n, i) => (
          <li key={n.path}>
            <a {...linkProps(n.path)} aria-current={n.current ? 'page' : undefined} aria-keyshortcuts={`Alt+Shift+${i + 1}`}>
              <span class="label">{n.label}</span> <kbd>Alt+Shift+{i + 1}</kbd>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
  return (
    <div class={'shell' + (side ? ' with-side' : '')} style={desk ? { '--desk': deskColour(desk.id) } : undefined}>
      <a class="skip" href="#main">
        {t('shell.skip')}
      </a>
      <header class="top">
        <span class="brand">
          {props.title.split(' — ')[0]}
          {props.title.includes(' — ') && <span class="brand-rest"> — {props.title.split(' — ').slice(1).join(' — ')}</span>}
        </span>
        <DeskSwitch onSwitch={props.onSwitchDesk} />
        {!side && nav}
        <span class="spacer" />
        <LiveBadge />
        <span class="who" data-testid="who" title={t(('role.' + props.session.user.role) as Key)}>
          {props.session.user.username} <span class="role">· {t(('role.' + props.session.user.role) as Key)}</span>
        </span>
        <LangSwitch />
        <ThemeToggle user={props.session.user.username} />
        <button type="button" class="icon" data-testid="help-open" aria-haspopup="dialog" aria-keyshortcuts="?" title={t('shortcuts.title')} onClick={() => setHelp(true)}>
          <span aria-hidden="true">?</span>
          <span class="sr-only">{t('shortcuts.title')}</span>
        </button>
        <button type="button" data-testid="password-open" onClick={() => setChangingPassword(true)}>
          {t('password.open')}
        </button>
        <button type="button" onClick={signOut}>
          {t('shell.signout')}
        </button>
      </header>
      {help && <ShortcutHelp nav={props.nav} onClose={() => setHelp(false)} />}
      {changingPassword && <PasswordDialog onClose={() => setChangingPassword(false)} />}
      <div class="body">
        {side && nav}
        <div class="content">
          <ConnectionBanner />
          <main id="main" tabIndex={-1} lang={getLang()}>
            {props.children}
          </main>
        </div>
      </div>
    </div>
  );
}
