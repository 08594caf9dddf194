// Small building blocks shared by the console's screens and the portal:
// labelled fields with their error next to them, problem messages in the
// user's language, badges, live re-reads and polling, the connection banner.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, isOnline, onConnection } from './api';
import { t, type Key } from './i18n';
import { isLive, isWatched, onChange, onLiveState } from './live';

// The readable message for an API failure, in the user's language. The
// server's own detail follows, since it names the rule or the value at fault.
export function problemText(e: unknown): string {
  if (!(e instanceof ApiError)) return String(e);
  const p = e.problem;
  const known: Record<string, Key> = {
    network: 'err.network',
    unauthenticated: 'err.unauthenticated',
    permission_denied: 'err.forbidden',
    not_found: 'err.not_found',
    version_conflict: 'err.version_conflict',
    too_many_requests: 'err.too_many',
    blocked_by_unclosed_ticket: 'err.blocked',
    reopen_not_allowed: 'err.reopen_not_allowed',
    reopen_instead: 'err.reopen_instead',
    desk_required: 'err.desk_required',
  };
  const key = known[p.code];
  if (p.code === 'network') return t('err.network');
  const head = key ? t(key, { subject: String(p.subject ?? '') }) : p.field ? t('err.field', { field: p.field }) : t('err.generic', { status: p.status });
  return p.detail ? `${head} ${t('err.server_says')} ${p.detail}` : head;
}

// The error for one field: the API names it in problem.field ("caller.name",
// "phone_2", "visit_day").
export function fieldError(e: unknown, ...names: string[]): string | undefined {
  if (!(e instanceof ApiError) || !e.field || !names.includes(e.field)) return undefined;
  // The commonest case in the user's words; the rest with the server's detail.
  if (/(^|: )is required\b/.test(e.problem.detail)) return t('err.required');
  // Beside the field, "check the field «x»" says nothing new: the rule instead.
  if (/(^|: )is not an e-mail address\b/.test(e.problem.detail)) return `${t('err.email')} ${t('err.server_says')} ${e.problem.detail}`;
  return problemText(e);
}
// As fieldError, with the field called by its label on screen rather than by
// the API's name ("Revise el campo «Zona horaria»", not «time_zone»).
export function labelledFieldError(e: unknown, label: string, ...names: string[]): string | undefined {
  const message = fieldError(e, ...names);
  if (!message || !(e instanceof ApiError) || !e.field) return message;
  const raw = t('err.field', { field: e.field });
  if (!message.startsWith(raw)) return message;
  // The detail often starts with the API's name too ("time_zone: …"): said once, by the label.
  const rest = message.slice(raw.length).replace(`${t('err.server_says')} ${e.field}: `, `${t('err.server_says')} `);
  return t('err.field', { field: label }) + rest;
}
// An error not tied to any of `fields` (shown at the form's foot).
export function formError(e: unknown, fields: string[]): string | undefined {
  if (!e) return undefined;
  if (e instanceof ApiError && e.field && fields.includes(e.field)) return undefined;
  return problemText(e);
}

let nextId = 0;
export function useId(prefix = 'f') {
  const ref = useRef<string>();
  if (!ref.current) ref.current = `${prefix}${++nextId}`;
  return ref.current;
}

// A labelled control with its hint and error; the control gets the id and the
// aria attributes through the render prop.
export function Field(props: {
  label: string;
  class?: string; // e.g. "narrow": a short code or number
  id?: string; // the control's id when it needs a known one (else generated)
  error?: string;
  hint?: string;
  required?: boolean;
  children: (a: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean; required?: boolean }) => ComponentChildren;
}) {
  const generated = useId();
  const id = props.id ?? generated;
  const describedBy = [props.hint ? id + '-hint' : '', props.error ? id + '-err' : ''].filter(Boolean).join(' ');
  return (
    <div class={'field' + (props.class ? ' ' + props.class : '') + (props.error ? ' has-error' : '')}>
      <label for={id}>
        {props.label}
        {props.required && <span aria-hidden="true"> *</span>}
      </label>
      {props.children({
        id,
        'aria-describedby': describedBy || undefined,
        'aria-invalid': props.error ? true : undefined,
        required: props.required,
      })}
      {props.hint && (
        <p class="hint" id={id + '-hint'}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="error" id={id + '-err'} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

// A write refused because someone else changed the record first: 409
// version_conflict (412 for a stale If-Match).
export function isVersionConflict(e: unknown) {
  return e instanceof ApiError && ((e.status === 409 && e.code === 'version_conflict') || e.status === 412);
}

// The foot of an edit form: a version conflict says so (`conflict`) and offers
// to reload keeping the input; any other problem shows as `other`.
export function FormProblem(props: { error: unknown; other?: string; conflict: string; testId: string; onReload: () => void }) {
  if (!isVersionConflict(props.error)) return <ErrorBox error={props.other} />;
  return (
    <div class="error box" role="alert" data-testid={props.testId}>
      <p>{props.conflict}</p>
      <button type="button" onClick={props.onReload}>
        {t('edit.reload_keep')}
      </button>
    </div>
  );
}

export function ErrorBox({ error }: { error?: string }) {
  if (!error) return null;
  return (
    <p class="error box" role="alert">
      {error}
    </p>
  );
}

export function Notice({ children, kind = 'info' }: { children: ComponentChildren; kind?: 'info' | 'ok' | 'warn' }) {
  return (
    <div class={'notice ' + kind} role="status">
      {children}
    </div>
  );
}

export function Badge({ children, kind = '' }: { children: ComponentChildren; kind?: string }) {
  return <span class={'badge ' + kind}>{children}</span>;
}

// Runs `load` now and every `ms` while mounted (queues stay current without
// a reload); pauses while the tab is hidden. For what the change feed does not
// cover (the outbox's delivery states); the rest uses useLive.
export function usePoll(load: () => void, ms: number, deps: unknown[]) {
  useEffect(() => {
    load();
    const id = window.setInterval(() => {
      if (!document.hidden) load();
    }, ms);
    return () => window.clearInterval(id);
  }, deps);
}

// What a screen shows: changes to these entities (to this id, when given)
// make it re-read. Time-dependent views also follow the training clock.
export interface Watch {
  entity: string;
  id?: string;
}

// Runs `load` now, again soon after a change it watches arrives on the live
// stream (several changes in a burst make one re-read), and when the stream
// asks for a full re-read. Polls every 5 s while the stream is down, and once
// a minute anyway; pauses while the tab is hidden and re-reads on return.
export function useLive(load: () => void, watch: Watch[], deps: unknown[]) {
  const latest = useRef(load);
  latest.current = load;
  useEffect(() => {
    let pending: number | undefined;
    let last = Date.now();
    const run = () => {
      pending = undefined;
      last = Date.now();
      latest.current();
    };
    const soon = () => {
      if (pending === undefined) pending = window.setTimeout(run, 100);
    };
    run();
    const off = onChange((c) => {
      if (document.hidden) return;
      if (c === null || c.entity === 'clock' || watch.some((w) => w.entity === c.entity && (!w.id || w.id === c.id))) soon();
    });
    const poll = window.setInterval(() => {
      if (!document.hidden && Date.now() - last >= (isLive() ? 60000 : 5000)) soon();
    }, 1000);
    const visible = () => {
      if (!document.hidden) soon();
    };
    document.addEventListener('visibilitychange', visible);
    return () => {
      off();
      window.clearInterval(poll);
      window.clearTimeout(pending);
      document.removeEventListener('visibilitychange', visible);
    };
  }, deps);
}

// Tells whether what the screen shows updates live or by polling (shown
// only on screens that follow changes).
export function LiveBadge() {
  const [, redraw] = useState(0);
  useEffect(() => {
    const off = onLiveState(() => redraw((n) => n + 1));
    return () => void off();
  }, []);
  if (!isWatched()) return null;
  const live = isLive();
  return (
    <span class={'live ' + (live ? 'on' : 'off')} data-testid="live" data-live={live ? 'on' : 'off'} title={t(live ? 'live.on_hint' : 'live.off_hint')}>
      {t(live ? 'live.on' : 'live.off')}
    </span>
  );
}

export function ConnectionBanner() {
  const [online, setOnline] = useState(isOnline());
  useEffect(() => {
    const off = onConnection(setOnline);
    return () => void off();
  }, []);
  if (online) return null;
  return (
    <div class="offline" role="alert">
      {t('conn.lost')}
    </div>
  );
}

export interface Shortcut {
  keys: string;
  label: string;
}
// The shortcuts of the screen on display, listed by the header's `?` overlay
// (shell.tsx) rather than in a panel beside the screen.
const screenShortcuts = new Map<number, Shortcut[]>();
const shortcutListeners = new Set<() => void>();
let nextList = 0;
export function currentShortcuts(): Shortcut[] {
  return [...screenShortcuts.values()].flat();
}
export function onShortcuts(f: () => void) {
  shortcutListeners.add(f);
  return () => void shortcutListeners.delete(f);
}
// Registers the screen's shortcuts while mounted; renders nothing.
export function ShortcutList({ items }: { items: Shortcut[] }) {
  const id = useRef(0);
  if (!id.current) id.current = ++nextList;
  const sig = JSON.stringify(items);
  useEffect(() => {
    screenShortcuts.set(id.current, items);
    shortcutListeners.forEach((f) => f());
  }, [sig]);
  useEffect(
    () => () => {
      screenShortcuts.delete(id.current);
      shortcutListeners.forEach((f) => f());
    },
    [],
  );
  return null;
}

// Alt+<key> handlers while mounted. `keys` maps the key (lower case, by its
// physical position so layouts agree; "shift+2" with Shift) to an action.
// The listener reads the handlers of the latest render (a ref), so a key
// pressed right after a change already sees it — an effect re-registering
// the listener would run only after the next paint.
export function useAltKeys(keys: Record<string, () => void>) {
  const latest = useRef(keys);
  latest.current = keys;
  useEffect(() => {
    const on = (e: KeyboardEvent) => {
      if (!e.altKey || e.ctrlKey || e.metaKey) return;
      const base = (e.code.startsWith('Key') ? e.code.slice(3) : e.code.startsWith('Digit') ? e.code.slice(5) : e.key).toLowerCase();
      const f = latest.current[(e.shiftKey ? 'shift+' : '') + base];
      if (f) {
        e.preventDefault();
        f();
      }
    };
    window.addEventListener('keydown', on);
    return () => window.removeEventListener('keydown', on);
  }, []);
}

export function stateLabel(state: string) {
  return t(('state.' + state) as Key) || state;
}

// A ticket history line. State changes come as "new → resolved: why" (the
// server's journal, app/ticket_actions.cc): the states in the user's words.
export function updateText(u: { kind: string; text: string }) {
  const m = u.kind === 'state' ? /^([a-z_]+) → ([a-z_]+)(?:: ([\s\S]*))?$/.exec(u.text) : null;
  return m ? `${stateLabel(m[1])} → ${stateLabel(m[2])}${m[3] ? ': ' + reasonText(m[3]) : ''}` : u.text;
}

// The engine's own reasons for a state change (app/ticket_actions.cc) in the
// user's words; a person's reason stays as they wrote it.
export function reasonText(why: string) {
  if (why === 'closed by the customer in the portal') return t('upd.closed_by_customer');
  const reopened = /^reopened: ([\s\S]*)$/.exec(why);
  if (reopened) return t('upd.reopened', { reason: reopened[1] });
  const auto = /^closed automatically (\d+) days after it was resolved$/.exec(why);
  if (auto) return t('upd.autoclosed', { days: auto[1] });
  return why;
}

// Who wrote a line: a user's name, or the engine itself in the user's words.
export function authorText(author: string) {
  return author === 'system' ? t('actor.system') : author;
}

// Priority 1 (critical) … 4 (low), as the desk numbers them (core/ticket.h).
export function priorityLabel(p: number) {
  return `P${p} · ${t(('prio.' + p) as Key)}`;
}

// Asks before an action that cannot be undone. "Keep" has the focus and Esc
// keeps; a refusal shows in the dialog, which stays open.
export function ConfirmDialog(props: {
  title: string;
  text: string;
  warning?: string;
  confirm: string;
  keep: string;
  testId: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const keep = useRef<HTMLButtonElement>(null);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    dialog.current?.showModal();
    keep.current?.focus();
  }, []);
  const go = async () => {
    setError(undefined);
    setBusy(true);
    try {
      await props.onConfirm(); // the caller closes (unmounts) the dialog
    } catch (err) {
      setError(err);
      setBusy(false);
      keep.current?.focus();
    }
  };
  return (
    <dialog ref={dialog} class="desk-dialog" aria-labelledby={props.testId + '-title'} aria-describedby={props.testId + '-text'} data-testid={props.testId} onClose={props.onClose}>
      <h2 id={props.testId + '-title'}>{props.title}</h2>
      <p id={props.testId + '-text'}>{props.text}</p>
      {props.warning && <Notice kind="warn">{props.warning}</Notice>}
      {error !== undefined && <ErrorBox error={problemText(error)} />}
      <p class="actions">
        <button type="button" class="danger" disabled={busy} onClick={go}>
          {props.confirm}
        </button>
        <button type="button" ref={keep} onClick={() => dialog.current?.close()}>
          {props.keep} <kbd>Esc</kbd>
        </button>
      </p>
    </dialog>
  );
}
