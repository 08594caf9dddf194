// Choosing the desk (desk.ts) on screen: the chooser a user of several desks
// sees after signing in when none is settled, and the header's switch
// (Alt+Shift+C) with its dialog. The desk's name is always in the header.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { canSwitchDesk, currentDesk, deskChoices, onDesk, type DeskSummary } from './desk';
import { t } from './i18n';
import { useAltKeys } from './ui';

// The switch's key, also listed in the call workspace's shortcuts and in docs/web.md.
export const kDeskKeys = 'Alt+Shift+C';

// Re-renders the calling component when the desk changes; the desk now.
export function useDesk(): DeskSummary | null {
  const [, redraw] = useState(0);
  useEffect(() => onDesk(() => redraw((n) => n + 1)), []);
  return currentDesk();
}

function langName(l: string) {
  return l === 'en' ? 'English' : 'Español';
}

// The desks as buttons, one per line: ↑/↓ move between them, Enter picks.
function DeskList(props: { desks: DeskSummary[]; current?: string; labelledBy: string; onPick: (id: string) => void }) {
  const move = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = Array.from((e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button'));
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[(at + (e.key === 'ArrowDown' ? 1 : buttons.length - 1)) % buttons.length];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };
  return (
    <ul class="desk-list" aria-labelledby={props.labelledBy} onKeyDown={move}>
      {props.desks.map((d) => (
        <li key={d.id}>
          <button type="button" data-desk={d.id} aria-current={d.id === props.current ? 'true' : undefined} onClick={() => props.onPick(d.id)}>
            <strong class="desk-name">{d.name}</strong>
            {d.id === props.current && <span class="desk-now"> {t('desk.current')}</span>}
            <span class="desk-meta">
              {t('desk.zone')}: {d.time_zone} · {langName(d.language)}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}

// After sign-in, for a user of several desks with none settled (no desk in
// the URL, this tab or the user's default): which one to work in now.
export function DeskChooser(props: { username: string; onPick: (id: string) => void; onSignOut: () => void; children?: ComponentChildren }) {
  const desks = deskChoices();
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => list.current?.querySelector<HTMLButtonElement>('button')?.focus(), []);
  return (
    <main class="login desk-chooser" id="main" data-testid="desk-chooser">
      <h1>{t('app.console')}</h1>
      <h2 id="desk-choose-title">{t('desk.choose')}</h2>
      {desks.length === 0 ? (
        <p class="error box" role="alert">
          {t('desk.none')}
        </p>
      ) : (
        <>
          <p class="hint">{t('desk.choose_hint', { user: props.username, keys: kDeskKeys })}</p>
          <div ref={list}>
            <DeskList desks={desks} labelledBy="desk-choose-title" onPick={props.onPick} />
          </div>
        </>
      )}
      <p class="actions">
        <button type="button" onClick={props.onSignOut}>
          {t('shell.signout')}
        </button>
      </p>
      {props.children}
    </main>
  );
}

// The header's desk: its name (and zone) for everyone; for a user of several
// desks a button, also Alt+Shift+C, opening the list to switch. `onSwitch` is
// called with another desk's id.
export function DeskSwitch({ onSwitch }: { onSwitch?: (id: string) => void }) {
  const desk = useDesk();
  const [open, setOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const switchable = !!onSwitch && canSwitchDesk();
  useAltKeys(switchable ? { 'shift+c': () => setOpen(true) } : {});
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // The first other desk has the focus: with two, Enter switches.
      const buttons = Array.from(d.querySelectorAll<HTMLButtonElement>('.desk-list button'));
      (buttons.find((b) => b.dataset.desk !== currentDesk()?.id) ?? buttons[0])?.focus();
    } else if (!open && d.open) d.close();
  }, [open]);
  if (!desk) return null;
  const name = (
    <>
      <span class="desk-label">{t('desk.label')}:</span> <strong data-testid="desk-name">{desk.name}</strong>{' '}
      <span class="desk-zone">{desk.time_zone}</span>
    </>
  );
  if (!switchable) {
    return (
      <span class="desk" data-testid="desk">
        <span class="desk-plain">{name}</span>
      </span>
    );
  }
  const pick = (id: string) => {
    // Closed first: the focus goes back before the new desk's screen takes it.
    dialog.current?.close();
    setOpen(false);
    if (id !== desk.id) onSwitch!(id);
  };
  return (
    <span class="desk" data-testid="desk">
      <button type="button" class="desk-switch" aria-haspopup="dialog" aria-keyshortcuts={kDeskKeys} title={t('desk.switch')} onClick={() => setOpen(true)}>
        {name} <span class="sr-only">— {t('desk.switch')}</span> <kbd>{kDeskKeys}</kbd>
      </button>
      <dialog ref={dialog} class="desk-dialog" aria-labelledby="desk-dialog-title" data-testid="desk-dialog" onClose={() => setOpen(false)}>
        <h2 id="desk-dialog-title">{t('desk.switch')}</h2>
        <p class="hint">{t('desk.switch_hint')}</p>
        <DeskList desks={deskChoices()} current={desk.id} labelledBy="desk-dialog-title" onPick={pick} />
        <p class="actions">
          <button type="button" onClick={() => setOpen(false)}>
            {t('desk.keep')} <kbd>Esc</kbd>
          </button>
        </p>
      </dialog>
    </span>
  );
}
