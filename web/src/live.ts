// Live updates: one EventSource on /api/v1/events per page, shared by every
// screen that shows something that can change (queues, a ticket, a case).
// The server says what changed (entity, id, action), never its content: the
// screen reads it again through the API. `null` tells listeners to re-read
// everything — the server could not say what was missed (`reset`), or the
// stream came back after a break.
//
// The stream is of this tab's desk (`?desk=<id>`, as every API request, see
// api.ts): when the desk changes the stream is closed and opened again in the
// new one, and nothing heard on the old one reaches a listener after that.
import { inDesk, type Change } from './api';
import { currentDesk, onDesk } from './desk';

type Listener = (c: Change | null) => void;
// A screen pop: the telephony call this user answered (docs/telephony.md).
export interface CallPop {
  call: string;
  at: string;
}
type CallListener = (p: CallPop) => void;

const listeners = new Set<Listener>();
const callListeners = new Set<CallListener>(); // the console's pop, on every screen
const watchers = new Set<() => void>(); // the shell's indicator
let source: EventSource | null = null;
let connected = false;
let opened = false; // the stream was open once: a later open is a reconnection
let retry: number | undefined;

function setConnected(v: boolean) {
  connected = v;
  watchers.forEach((w) => w());
}

function emit(c: Change | null) {
  listeners.forEach((l) => l(c));
}

function connect() {
  if (source || typeof EventSource === 'undefined') return;
  const es = new EventSource(inDesk('/api/v1/events'));
  source = es;
  es.addEventListener('open', () => {
    if (source !== es) return;
    setConnected(true);
    if (opened) emit(null);
    opened = true;
  });
  es.addEventListener('change', (e) => {
    if (source !== es) return; // a stream of the desk the tab has left
    try {
      emit(JSON.parse((e as MessageEvent).data) as Change);
    } catch {
      emit(null);
    }
  });
  es.addEventListener('call', (e) => {
    if (source !== es) return;
    try {
      const p = JSON.parse((e as MessageEvent).data) as CallPop;
      callListeners.forEach((l) => l(p));
    } catch {
      /* not a pop */
    }
  });
  es.addEventListener('reset', () => source === es && emit(null));
  es.addEventListener('error', () => {
    setConnected(false);
    // CONNECTING: the browser retries by itself (the server said "retry:
    // 2000"). CLOSED: it gave up (e.g. 401, 429): try again later while
    // someone listens; screens poll meanwhile.
    if (es.readyState === EventSource.CLOSED && source === es) {
      source = null;
      if (retry === undefined && (listeners.size || callListeners.size)) {
        retry = window.setTimeout(() => {
          retry = undefined;
          if (listeners.size || callListeners.size) connect();
        }, 15000);
      }
    }
  });
}

// Whether changes arrive live now (otherwise screens poll).
export function isLive() {
  return connected;
}

// Whether any screen shown listens (the call workspace does not).
export function isWatched() {
  return listeners.size > 0;
}

export function onChange(l: Listener): () => void {
  listeners.add(l);
  connect();
  watchers.forEach((w) => w());
  return () => {
    listeners.delete(l);
    watchers.forEach((w) => w());
  };
}

// Screen pops for the signed-in user (the stream stays open while one listens,
// whatever screen is shown).
export function onCall(l: CallListener): () => void {
  callListeners.add(l);
  connect();
  return () => void callListeners.delete(l);
}

// Calls `w` when isLive() or isWatched() may have changed.
export function onLiveState(w: () => void): () => void {
  watchers.add(w);
  return () => watchers.delete(w);
}

// Signing out ends the stream (the next sign-in opens a new one).
export function closeLive() {
  source?.close();
  source = null;
  opened = false;
  setConnected(false);
}
window.addEventListener('atiende:signed-out', closeLive);

// Another desk: its own stream, opened at once if any screen listens (the
// screens of the new desk read everything anew anyway).
onDesk(() => {
  closeLive();
  if (currentDesk() && (listeners.size || callListeners.size)) connect();
});
