// The REST API client: every request the console and the portal make goes
// through here (G-5: the console uses only the public API, /api/v1). Errors
// become ApiError with the problem+json fields; a lost connection becomes an
// ApiError with `offline` set and flips the `connection` signal, so screens
// keep their input and the shell shows a banner until the server answers.
//
// Every request acts in this tab's desk (desk.ts): call() adds `?desk=<id>`,
// here and nowhere else, and drops an answer asked for in the desk the user
// has since switched from (it rejects with an AbortError, as a cancelled
// request does), so no screen can show one desk's records under another's name.

import type { components, operations } from './api.gen';
import { currentDesk, deskGeneration } from './desk';

type Schemas = components['schemas'];

// The server's problem+json; the client makes its own, without type and
// title, for a lost connection or an answer that is not one.
export type Problem = Omit<Schemas['Problem'], 'type' | 'title'> & Partial<Pick<Schemas['Problem'], 'type' | 'title'>>;

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
  // Such a request names no desk (the preload's URL names none).
  preloaded?: boolean;
  // Not in the current desk: signing in (there is none yet).
  noDesk?: boolean;
}

// `path` in the current desk: `?desk=<id>` added, unless it names one already.
export function inDesk(path: string): string {
  const d = currentDesk();
  if (!d || /[?&]desk=/.test(path)) return path;
  return path + (path.includes('?') ? '&' : '?') + 'desk=' + encodeURIComponent(d.id);
}

function aborted(): DOMException {
  return new DOMException('the desk changed', 'AbortError');
}

export async function call<T = unknown>(
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
  const asked = deskGeneration();
  const url = opt.preloaded || opt.noDesk ? path : inDesk(path);
  let r: Response;
  try {
    r = await fetch(url, { method, headers, body: payload, signal: opt.signal, credentials: 'same-origin' });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    setOnline(false);
    throw new ApiError({ status: 0, code: 'network', detail: String(e) }, true);
  }
  setOnline(true);
  const text = await r.text();
  // A lapsed session is the whole page's news, whichever desk asked.
  if (r.status === 401) window.dispatchEvent(new CustomEvent('atiende:signed-out'));
  // Asked in the desk the user has left: not for the screen now shown.
  if (!opt.noDesk && !opt.preloaded && deskGeneration() !== asked) throw aborted();
  opt.onStatus?.(r.status);
  if (!r.ok) {
    let p: Problem;
    try {
      p = JSON.parse(text);
    } catch {
      p = { status: r.status, code: 'http_' + r.status, detail: text || r.statusText };
    }
    if (!p.status) p.status = r.status;
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

// --- Types: the API's own, generated ------------------------------------------
// api.gen.ts is what `npm run gen:api` makes of the server's OpenAPI document
// (src/http/openapi.json); these are the names the screens use. Where a shape
// here is wrong, the document is: fix it there and regenerate.
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Responses<Op extends keyof operations> = operations[Op]['responses'];
// What operation `Op` answers with status `S`, the JSON it takes and its query.
type Answer<Op extends keyof operations, S extends keyof Responses<Op> = 200 & keyof Responses<Op>> = Json<Responses<Op>[S]>;
type Body<Op extends keyof operations> = Json<NonNullable<operations[Op]['requestBody']>>;
type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;

export type Role = Schemas['Role'];
export type User = Schemas['User'];
export type UserEntry = Schemas['UserEntry']; // as GET /users lists them
export type Session = Schemas['Session'];
export type Caller = Schemas['Caller'];
export type Customer = Schemas['Customer'];
export type Contact = Schemas['Contact'];
export type Ticket = Schemas['Ticket'];
export type Notice = Schemas['Notice'];
export type Case = Schemas['Case'];
export type FormField = Schemas['FormField'];
export type Mail = Schemas['Mail'];
export type DirectoryList = Schemas['DirectoryList'];
export type Change = Schemas['Change'];
export type CustomerSearch = Answer<'searchCustomers'>;
export type ImportReport = Answer<'importCustomers'>;
export type RecordedCall = Answer<'recordCall', 201>;
// The master data PATCH /customers/{id} may change (NM-1).
export type CustomerPatch = Body<'patchCustomer'>;
// The fields PATCH /tickets/{n} may change; work_note is appended.
export type TicketPatch = Body<'patchTicket'>;
// A notice's visit (all four fields or none) and observations (ZB-4).
export type NoticePatch = Body<'patchNotice'>;
// A desk's settings (docs/desks.md), a new desk, and what PATCH may change.
export type Desk = Schemas['Desk'];
export type NewDesk = Schemas['NewDesk'];
export type DeskPatch = Body<'patchDesk'>;
export type Procedure = Schemas['Procedure'];
// A call the desk's phone system reported, and who is calling (docs/telephony.md).
export type TelephonyCall = Schemas['TelephonyCall'];
export type PoppedCall = Answer<'getTelephonyCall'>;
export type CallLogEntry = Schemas['Call'];
// A session or API token as an admin sees it (never its secret).
export type Credential = Schemas['Credential'];

// --- Endpoints -----------------------------------------------------------------
export const api = {
  login: (username: string, password: string) =>
    call<Answer<'signIn'>>('POST', '/api/v1/session', { username, password } satisfies Body<'signIn'>, { noDesk: true }),
  // Who is signed in, at start-up: the answer index.html and portal.html
  // preload while the scripts download.
  firstSession: () => call<Answer<'getSession'>>('GET', '/api/v1/session', undefined, { preloaded: true }),
  clock: () => call<Answer<'getClock'>>('GET', '/api/v1/clock'),
  logout: () => call<null>('DELETE', '/api/v1/session', undefined, { noDesk: true }),
  // Who is signed in and the desks as they are now (after a desk's settings
  // changed). Names no desk: the tab's may be the one just removed.
  session: () => call<Answer<'getSession'>>('GET', '/api/v1/session', undefined, { noDesk: true }),

  searchCustomers: (text: string, signal?: AbortSignal) =>
    call<CustomerSearch>('GET', '/api/v1/customers' + q({ q: text, limit: 8 } satisfies Query<'searchCustomers'>), undefined, { signal }),
  customer: (id: number) => call<Answer<'getCustomer'>>('GET', `/api/v1/customers/${id}`),
  // If-Match: a concurrent edit answers 409 version_conflict, nothing lost.
  patchCustomer: (id: number, version: number, body: CustomerPatch) =>
    call<Answer<'patchCustomer'>>('PATCH', `/api/v1/customers/${id}`, body, { headers: ifMatch(version) }),
  // A call taker updates the company's contacts during a call (NM-8); the call is logged.
  // If-Match: another's save since `version` was read answers 409 version_conflict.
  putContacts: (id: number, version: number, contacts: Contact[], caller: Caller) =>
    call<Answer<'putCustomerContacts'>>('PUT', `/api/v1/customers/${id}/contacts`, { contacts, caller } satisfies Body<'putCustomerContacts'>, {
      headers: ifMatch(version),
    }),
  importCustomers: (file: File, dryRun: boolean) =>
    call<ImportReport>('POST', '/api/v1/customers/import' + q({ dry_run: dryRun || undefined } satisfies Query<'importCustomers'>), file, {
      headers: { 'Content-Type': importType(file.name) },
    }),

  tickets: (params: Query<'listTickets'>) => call<Answer<'listTickets'>>('GET', '/api/v1/tickets' + q(params)),
  ticket: (n: string) => call<Answer<'getTicket'>>('GET', `/api/v1/tickets/${enc(n)}`),
  openTicket: (body: Body<'openTicket'>) => call<Answer<'openTicket', 201>>('POST', '/api/v1/tickets', body),
  patchTicket: (n: string, version: number, body: TicketPatch) =>
    call<Answer<'patchTicket'>>('PATCH', `/api/v1/tickets/${enc(n)}`, body, { headers: ifMatch(version) }),
  resolveTicket: (n: string, resolution: string) =>
    call<Answer<'resolveTicket'>>('POST', `/api/v1/tickets/${enc(n)}/resolve`, { resolution } satisfies Body<'resolveTicket'>),
  reopenTicket: (n: string, reason: string, caller?: Caller) =>
    call<Answer<'reopenTicket'>>('POST', `/api/v1/tickets/${enc(n)}/reopen`, { reason, caller } satisfies Body<'reopenTicket'>),
  closeTicket: (n: string) => call<Answer<'closeTicket'>>('POST', `/api/v1/tickets/${enc(n)}/close`, {}),
  commentTicket: (n: string, text: string, kind?: Body<'commentTicket'>['kind']) =>
    call<Answer<'commentTicket', 201>>('POST', `/api/v1/tickets/${enc(n)}/comments`, { text, kind } satisfies Body<'commentTicket'>),

  recordCall: (body: Body<'recordCall'>) => call<RecordedCall>('POST', '/api/v1/interactions', body),
  calls: (params: Query<'listCalls'>) => call<Answer<'listCalls'>>('GET', '/api/v1/interactions' + q(params)),

  // Telephony (docs/telephony.md): the call a pop names, with who is calling;
  // the desk's missed calls; one marked handled (nothing to call back).
  telephonyCall: (id: number) => call<PoppedCall>('GET', `/api/v1/telephony/calls/${id}`),
  missedCalls: (params: Query<'listMissedCalls'> = {}) => call<Answer<'listMissedCalls'>>('GET', '/api/v1/telephony/missed' + q(params)),
  markCallHandled: (id: number) => call<Answer<'markCallHandled'>>('POST', `/api/v1/telephony/calls/${id}/handled`, {}),

  notices: (params: Query<'listNotices'>) => call<Answer<'listNotices'>>('GET', '/api/v1/notices' + q(params)),
  notice: (n: string) => call<Answer<'getNotice'>>('GET', `/api/v1/notices/${enc(n)}`),
  patchNotice: (n: string, body: NoticePatch) => call<Answer<'patchNotice'>>('PATCH', `/api/v1/notices/${enc(n)}`, body),
  closeNotice: (n: string, body: Body<'closeNotice'>) => call<Answer<'closeNotice'>>('POST', `/api/v1/notices/${enc(n)}/close`, body),

  users: () => call<Answer<'listUsers'>>('GET', '/api/v1/users'),
  addUser: (body: Body<'addUser'>) => call<Answer<'addUser', 201>>('POST', '/api/v1/users', body),
  // Disabling ends all the user's sessions and API tokens; an admin cannot
  // disable themselves (409 cannot_disable_self).
  disableUser: (name: string) => call<Answer<'disableUser'>>('POST', `/api/v1/users/${enc(name)}/disable`),
  enableUser: (name: string) => call<Answer<'enableUser'>>('POST', `/api/v1/users/${enc(name)}/enable`),
  // Sessions and API tokens that have not expired; revoking one ends it at once.
  credentials: (params: Query<'listTokens'>) => call<Answer<'listTokens'>>('GET', '/api/v1/tokens' + q(params)),
  revokeCredential: (id: number) => call<null>('DELETE', `/api/v1/tokens/${id}`),
  // One's own password, with the current one: one's other sessions end. A
  // wrong current password is 400 (field current_password), not 401.
  changePassword: (current_password: string, new_password: string) =>
    call<Answer<'changeOwnPassword'>>('POST', '/api/v1/session/password', { current_password, new_password } satisfies Body<'changeOwnPassword'>),
  directory: () => call<Answer<'getDirectory'>>('GET', '/api/v1/directory'),
  putDirectory: (list: string, addresses: string[]) =>
    call<Answer<'putDirectoryList'>>('PUT', `/api/v1/directory/${enc(list)}`, { addresses } satisfies Body<'putDirectoryList'>),
  // Desks: staff read the ones they work in; an admin changes their settings;
  // an admin of every desk (no desks of their own) creates and removes them.
  desks: () => call<Answer<'listDesks'>>('GET', '/api/v1/desks'),
  desk: (id: string) => call<Answer<'getDesk'>>('GET', `/api/v1/desks/${enc(id)}`),
  createDesk: (body: NewDesk) => call<Answer<'createDesk', 201>>('POST', '/api/v1/desks', body),
  // If-Match: a concurrent edit answers 409 version_conflict, nothing lost.
  patchDesk: (id: string, version: number, body: DeskPatch) =>
    call<Answer<'patchDesk'>>('PATCH', `/api/v1/desks/${enc(id)}`, body, { headers: ifMatch(version) }),
  // 409 desk_in_use while anything belongs to it.
  deleteDesk: (id: string) => call<null>('DELETE', `/api/v1/desks/${enc(id)}`),
  // The procedures the tab's desk runs (only those: see docs/web.md).
  procedures: () => call<Answer<'listProcedures'>>('GET', '/api/v1/procedures'),
  // Every loaded procedure, not only the desk's (admins choosing what a desk runs).
  allProcedures: () => call<Answer<'listProcedures'>>('GET', '/api/v1/procedures?all=true'),
  mail: (params: Query<'listMail'>) => call<Answer<'listMail'>>('GET', '/api/v1/mail' + q(params)),
  mailRaw: (id: number) => call<string>('GET', `/api/v1/mail/${id}/raw`, undefined, { raw: true }),
  retryMail: (id: number) => call<Answer<'retryMail', 202>>('POST', `/api/v1/mail/${id}/retry`, {}),

  // The ZB procedure (issue 6): cases and their steps.
  cases: (params: Query<'listCases'>) => call<Answer<'listCases'>>('GET', '/api/v1/cases' + q({ procedure: 'zb-unblock', ...params })),
  case: (n: string) => call<Answer<'getCase'>>('GET', `/api/v1/cases/${enc(n)}`),
  // 201: a new case; 200: the customer's open case, the intake added to it (ZB-1).
  openCase: async (customer_id: number, intake: Body<'openCase'>['intake']) => {
    let status = 0;
    const body: Body<'openCase'> = { procedure: 'zb-unblock', customer_id, intake };
    const c = await call<Answer<'openCase', 201 | 200>>('POST', '/api/v1/cases', body, { onStatus: (s) => (status = s) });
    return { case: c, created: status === 201 };
  },
  caseStep: (n: string, step: string, outcome: string, fields: Record<string, string>) =>
    call<Answer<'submitCaseStep'>>('POST', `/api/v1/cases/${enc(n)}/steps/${enc(step)}`, { outcome, fields } satisfies Body<'submitCaseStep'>),
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
