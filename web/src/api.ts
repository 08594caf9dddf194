// The REST API client: every request the console and the portal make goes
// through here (G-5: the console uses only the public API, /api/v1). Errors
// become ApiError with the problem+json fields; a lost connection becomes an
// ApiError with `offline` set and flips the `connection` signal, so screens
// keep their input and the shell shows a banner until the server answers.

export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail: string;
  field?: string;
  subject?: string; // e.g. the ticket that blocks an opening
  [k: string]: unknown;
}

export class ApiError extends Error {
  constructor(
    readonly problem: Problem,
    readonly offline = false,
  ) {
    super(problem.detail);
  }
  get status() {
    return this.problem.status;
  }
  get code() {
    return this.problem.code;
  }
  get field() {
    return this.problem.field;
  }
}

// --- Connection state --------------------------------------------------------
type Listener = (online: boolean) => void;
const listeners = new Set<Listener>();
let online = true;
let probe: number | undefined;

export function isOnline() {
  return online;
}
export function onConnection(l: Listener) {
  listeners.add(l);
  return () => listeners.delete(l);
}
function setOnline(v: boolean) {
  if (v === online) return;
  online = v;
  listeners.forEach((l) => l(v));
  if (!v && probe === undefined) {
    probe = window.setInterval(async () => {
      try {
        const r = await fetch('/healthz', { cache: 'no-store' });
        if (r.ok) {
          window.clearInterval(probe);
          probe = undefined;
          setOnline(true);
        }
      } catch {
        /* still offline */
      }
    }, 2000);
  }
}

// --- Requests ----------------------------------------------------------------
export interface CallOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
  raw?: boolean; // return the body as text
  onStatus?: (status: number) => void; // e.g. 201 created vs 200 existing
  // Sent exactly as the page's <link rel="preload" as="fetch"> sends it (no
  // Accept header), so the browser hands over the preloaded answer instead
  // of asking again: Chromium reuses a preload only when the headers match.
  preloaded?: boolean;
}

export async function call<T = any>(
  method: string,
  path: string,
  body?: unknown,
  opt: CallOptions = {},
): Promise<T> {
  const headers: Record<string, string> = opt.preloaded ? {} : { Accept: 'application/json', ...opt.headers };
  let payload: BodyInit | undefined;
  if (body instanceof Blob || typeof body === 'string') {
    payload = body;
  } else if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    payload = JSON.stringify(body);
  }
  let r: Response;
  try {
    r = await fetch(path, { method, headers, body: payload, signal: opt.signal, credentials: 'same-origin' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    setOnline(false);
    throw new ApiError({ status: 0, code: 'network', detail: String(e) }, true);
  }
  setOnline(true);
  opt.onStatus?.(r.status);
  const text = await r.text();
  if (!r.ok) {
    let p: Problem;
    try {
      p = JSON.parse(text);
    } catch {
      p = { status: r.status, code: 'http_' + r.status, detail: text || r.statusText };
    }
    if (!p.status) p.status = r.status;
    if (r.status === 401) window.dispatchEvent(new CustomEvent('atiende:signed-out'));
    throw new ApiError(p);
  }
  if (opt.raw) return text as T;
  return (text ? JSON.parse(text) : null) as T;
}

const q = (params: Record<string, string | number | boolean | undefined | null>) => {
  const s = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') s.set(k, String(v));
  const str = s.toString();
  return str ? '?' + str : '';
};
const enc = encodeURIComponent;

// --- Types (the parts the screens read) --------------------------------------
export type Role = 'agent' | 'supervisor' | 'dispatch' | 'back_office' | 'admin' | 'customer';
export interface User {
  id: number;
  username: string;
  role: Role;
  customer_id: number | null;
}
export interface Session {
  user: User;
  desk: { time_zone: string };
}
export interface Caller {
  name: string;
  phone?: string;
  company?: string;
  email?: string;
}
export interface Customer {
  id: number;
  code: string;
  legal_name: string;
  group: string;
  criticality: string | null;
  technology: string;
  tax_id: string;
  blocks: string[];
  region: string;
  segment: string;
  email: string;
  phone: string;
  service_manager: { name: string; contact: string };
  services: { service_id: string; circuit: string; description: string }[];
  contacts: Contact[];
  version: number;
}
export interface Contact {
  name: string;
  role: string;
  phone: string;
  email: string;
}
// The master data PATCH /customers/{id} may change (NM-1).
export type CustomerPatch = Partial<Omit<Customer, 'id' | 'version' | 'blocks'>>;
// The fields PATCH /tickets/{n} may change; work_note is appended.
export interface TicketPatch {
  state?: string;
  priority?: number;
  assigned_group?: string;
  assigned_engineer?: string;
  work_note?: string;
}
export interface Ticket {
  number: string;
  kind: 'incident' | 'requirement';
  state: string;
  category: string;
  priority: number;
  customer: { id: number; legal_name: string; critical: boolean };
  service: { service_id: string; circuit: string };
  subject: string;
  description: string;
  assigned_engineer: string;
  assigned_group?: string;
  resolution: string;
  linked_to: string | null;
  items: { number: string; description: string }[];
  updates: { at: string; author: string; kind: string; text: string }[];
  actions: { action: string; to: string }[];
  version: number;
  created_at: string;
  resolved_at: string | null;
  sla?: {
    response_due: string;
    resolution_due: string;
    responded_at: string | null;
    response_breached: boolean;
    resolution_breached: boolean;
  };
}
export interface Notice {
  number: string;
  customer_id: number;
  state: 'open' | 'closed';
  visit_day: string;
  location_ref: string;
  phone_1: string;
  phone_2: string;
  observations: string;
  outcome: string | null;
  version: number;
  [k: string]: unknown;
}
export interface FormField {
  name: string;
  type: 'date' | 'text' | 'phone' | 'choice' | 'textarea';
  label: string;
  min?: string; // "today", "today+2"
  max?: string;
  distinct_from?: string;
  options?: (string | { id: string; label: string })[];
  required?: boolean;
}
export interface Case {
  number: string;
  procedure: string;
  procedure_title: string;
  customer: { id: number; code: string; legal_name: string; region: string; regional: boolean };
  state: 'open' | 'closed';
  result: null | { code: string; label: string };
  step: {
    id: string;
    title: string;
    role: string;
    kind: 'form' | 'decide' | 'wait' | 'end';
    form: FormField[];
    outcomes: { id: string; label: string; requires?: string[] }[];
  } | null;
  notice: Notice | null;
  overdue: { state: 'none' | 'warning' | 'overdue'; warn_at?: string; due_at?: string; followups_sent?: number };
  timeline?: { at: string; actor: string; kind: string; text: string; data?: unknown }[]; // not in lists
  version: number;
  created_at: string;
  updated_at: string;
}

// --- Endpoints -----------------------------------------------------------------
export const api = {
  login: (username: string, password: string) => call<Session>('POST', '/api/v1/session', { username, password }),
  // Who is signed in, at start-up: the answer index.html and portal.html
  // preload while the scripts download.
  firstSession: () => call<Session>('GET', '/api/v1/session', undefined, { preloaded: true }),
  logout: () => call('DELETE', '/api/v1/session'),

  searchCustomers: (text: string, signal?: AbortSignal) =>
    call<{ count: number; items: Customer[]; derive_to?: string }>(
      'GET',
      '/api/v1/customers' + q({ q: text, limit: 8 }),
      undefined,
      { signal },
    ),
  customer: (id: number) => call<Customer>('GET', `/api/v1/customers/${id}`),
  // If-Match: a concurrent edit answers 409 version_conflict, nothing lost.
  patchCustomer: (id: number, version: number, body: CustomerPatch) =>
    call<Customer>('PATCH', `/api/v1/customers/${id}`, body, { headers: ifMatch(version) }),
  // A call taker updates the company's contacts during a call (NM-8); the call is logged.
  // If-Match: another's save since `version` was read answers 409 version_conflict.
  putContacts: (id: number, version: number, contacts: Contact[], caller: Caller) =>
    call<Customer>('PUT', `/api/v1/customers/${id}/contacts`, { contacts, caller }, { headers: ifMatch(version) }),
  importCustomers: (file: File, dryRun: boolean) =>
    call('POST', '/api/v1/customers/import' + q({ dry_run: dryRun || undefined }), file, {
      headers: { 'Content-Type': importType(file.name) },
    }),

  tickets: (params: Record<string, string | number | boolean | undefined>) =>
    call<{ items: Ticket[]; count?: number }>('GET', '/api/v1/tickets' + q(params)),
  ticket: (n: string) => call<Ticket>('GET', `/api/v1/tickets/${enc(n)}`),
  openTicket: (body: Record<string, unknown>) => call<{ ticket: Ticket } & Ticket>('POST', '/api/v1/tickets', body),
  patchTicket: (n: string, version: number, body: TicketPatch) =>
    call<Ticket>('PATCH', `/api/v1/tickets/${enc(n)}`, body, { headers: ifMatch(version) }),
  resolveTicket: (n: string, resolution: string) =>
    call<Ticket>('POST', `/api/v1/tickets/${enc(n)}/resolve`, { resolution }),
  reopenTicket: (n: string, reason: string, caller?: Caller) =>
    call<Ticket>('POST', `/api/v1/tickets/${enc(n)}/reopen`, { reason, caller }),
  closeTicket: (n: string) => call<Ticket>('POST', `/api/v1/tickets/${enc(n)}/close`, {}),
  commentTicket: (n: string, text: string, kind?: 'comment' | 'work_note') =>
    call<Ticket>('POST', `/api/v1/tickets/${enc(n)}/comments`, { text, kind }),

  recordCall: (body: Record<string, unknown>) => call<any>('POST', '/api/v1/interactions', body),

  notices: (params: Record<string, string | number | undefined>) =>
    call<{ items: Notice[] }>('GET', '/api/v1/notices' + q(params)),
  notice: (n: string) => call<Notice>('GET', `/api/v1/notices/${enc(n)}`),
  patchNotice: (n: string, body: Record<string, unknown>) => call<Notice>('PATCH', `/api/v1/notices/${enc(n)}`, body),
  closeNotice: (n: string, body: Record<string, unknown>) =>
    call<Notice>('POST', `/api/v1/notices/${enc(n)}/close`, body),

  users: () => call<{ items: (User & { disabled: boolean; created_at: string })[] }>('GET', '/api/v1/users'),
  addUser: (body: Record<string, unknown>) => call('POST', '/api/v1/users', body),
  directory: () => call<any>('GET', '/api/v1/directory'),
  putDirectory: (list: string, addresses: string[]) =>
    call('PUT', `/api/v1/directory/${enc(list)}`, { addresses }),
  mail: (params: Record<string, string | number | undefined>) => call<{ items: any[] }>('GET', '/api/v1/mail' + q(params)),
  mailRaw: (id: number) => call<string>('GET', `/api/v1/mail/${id}/raw`, undefined, { raw: true }),
  retryMail: (id: number) => call('POST', `/api/v1/mail/${id}/retry`, {}),

  // The ZB procedure (issue 6): cases and their steps.
  cases: (params: Record<string, string | number | undefined>) =>
    call<{ count: number; items: Case[] }>('GET', '/api/v1/cases' + q({ procedure: 'zb-unblock', ...params })),
  case: (n: string) => call<Case>('GET', `/api/v1/cases/${enc(n)}`),
  // 201: a new case; 200: the customer's open case, the intake added to it (ZB-1).
  openCase: async (customer_id: number, intake: { caller: string; phones: string[]; comment: string }) => {
    let status = 0;
    const c = await call<Case>('POST', '/api/v1/cases', { procedure: 'zb-unblock', customer_id, intake }, { onStatus: (s) => (status = s) });
    return { case: c, created: status === 201 };
  },
  caseStep: (n: string, step: string, outcome: string, fields: Record<string, string>) =>
    call<Case>('POST', `/api/v1/cases/${enc(n)}/steps/${enc(step)}`, { outcome, fields }),
};

// The ETag the server sent with the version (`"v7"`), for optimistic concurrency.
function ifMatch(version: number) {
  return { 'If-Match': `"v${version}"` };
}

function importType(name: string) {
  const n = name.toLowerCase();
  if (n.endsWith('.xlsx')) return 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
  if (n.endsWith('.csv')) return 'text/csv';
  return 'text/tab-separated-values';
}
