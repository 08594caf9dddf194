// The console's words: es-419 and English. The language is the one the user
// chose on screen (remembered in this browser), else the desk's (its
// `language`, from GET /api/v1/session), else es-419. Times are shown in the
// desk's time zone, never the browser's.
import { useEffect, useState } from 'preact/hooks';
import { inBackground } from './background';
import { es, type Key } from './i18n_es';
export type { Key };

export type Lang = 'es-419' | 'en';
// English is a chunk of its own, fetched when chosen: most users read Spanish.
const catalogues: Partial<Record<Lang, Record<Key, string>>> = { 'es-419': es };
function load(l: Lang): Promise<void> {
  if (catalogues[l]) return Promise.resolve();
  return import('./i18n_en').then((m) => void (catalogues.en = m.en));
}

// The user's own choice, if any: it outranks the desk's language.
function chosenLang(): Lang | null {
  try {
    const l = localStorage.getItem('atiende.lang');
    return l === 'en' || l === 'es-419' ? l : null;
  } catch {
    return null;
  }
}
let lang: Lang = chosenLang() ?? 'es-419';
document.documentElement.lang = lang;
let timeZone = 'America/Bogota';
const listeners = new Set<() => void>();

export function getLang() {
  return lang;
}
// The catalogue of the language in use, before the first render.
export function langReady(): Promise<void> {
  return load(lang);
}
// The other catalogues, fetched while the language switch is on screen, so
// that switching is immediate.
export function preloadLangs() {
  inBackground(() => {
    for (const l of ['es-419', 'en'] as Lang[]) load(l).catch(() => {});
  });
}
// At once when the catalogue is here, else once it is; when it cannot be
// fetched (offline) the language stays, and the switch shows it again.
export function setLang(l: Lang) {
  if (!catalogues[l]) {
    load(l).then(
      () => setLang(l),
      () => listeners.forEach((f) => f()),
    );
    return;
  }
  try {
    localStorage.setItem('atiende.lang', l);
  } catch {
    /* storage disabled: the choice lasts as long as the page */
  }
  use(l);
}
function use(l: Lang) {
  lang = l;
  document.documentElement.lang = l;
  formatters.clear();
  listeners.forEach((f) => f());
}
// The desk's language ("es" or "en"), taken when the user chose none (not
// remembered: the next desk may speak another). Resolves once its words are
// here; when they cannot be fetched the language stays.
export function setDeskLanguage(deskLanguage: string): Promise<void> {
  if (chosenLang()) return Promise.resolve();
  const l: Lang = deskLanguage === 'en' ? 'en' : 'es-419';
  if (l === lang) return Promise.resolve();
  return load(l).then(
    () => use(l),
    () => {},
  );
}
export function setTimeZone(tz: string) {
  timeZone = tz;
  formatters.clear();
  listeners.forEach((f) => f());
}
export function getTimeZone() {
  return timeZone;
}

// Re-renders the calling component when the language changes.
export function useLang() {
  const [, set] = useState(0);
  useEffect(() => {
    const f = () => set((n) => n + 1);
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return lang;
}

// t('ticket.opened', {number: 'CS0000001'}) → "Ticket CS0000001 abierto".
export function t(key: Key, vars?: Record<string, string | number>): string {
  let s = (catalogues[lang] ?? es)[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.split('{' + k + '}').join(String(v));
  return s;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'dt' | 'd') {
  let f = formatters.get(kind);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      ...(kind === 'dt' ? { hour: '2-digit', minute: '2-digit', hour12: false } : {}),
    });
    formatters.set(kind, f);
  }
  return f;
}
// An instant (ISO 8601) as the desk's local date and time.
export function fmtTime(iso: string | null | undefined) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d.getTime()) ? iso : formatter('dt').format(d);
}
export function fmtDate(iso: string | null | undefined) {
  if (!iso) return '—';
  // A local date ("2026-12-10"): the same format as an instant's date (one
  // date format per language), that day as it is, whatever the zone.
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (m) {
    let f = formatters.get('local');
    if (!f) formatters.set('local', (f = new Intl.DateTimeFormat(lang, { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' })));
    return f.format(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  }
  return formatter('d').format(new Date(iso));
}

// A count's words in the user's language: `key.one` or `key.other` (as
// Intl.PluralRules names the count's category), with {n} in it.
export function tp(key: string, n: number, vars?: Record<string, string | number>): string {
  const category = new Intl.PluralRules(lang).select(n);
  const cat = catalogues[lang] ?? es;
  const k = (key + '.' + category) in cat ? key + '.' + category : key + '.other';
  return t(k as Key, { n: new Intl.NumberFormat(lang).format(n), ...vars });
}

// A duration (ms, its sign ignored) shortly: "3 d 4 h", "2 h 05 min", "35 min".
export function fmtDuration(ms: number): string {
  const min = Math.floor(Math.abs(ms) / 60000);
  const d = Math.floor(min / 1440);
  const h = Math.floor((min % 1440) / 60);
  const m = min % 60;
  if (d > 0) return `${d} d ${h} h`;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min`;
}
// Today's date in the desk's time zone, as YYYY-MM-DD (for date inputs' min).
export function deskToday(now = new Date()) {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
  return parts;
}
