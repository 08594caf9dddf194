// Admin: users and roles (disabling and enabling them, their sessions and API
// tokens: access.tsx), the directory of lists and addresses, the customer
// master import with its report row by row, and the mail outbox.
import { useEffect, useState } from 'preact/hooks';
import { api, type DirectoryList as List, type ImportReport, type Mail, type Role, type Session, type UserEntry } from '../api';
import { currentDesk, deskChoices } from '../desk';
import { fmtTime, t, type Key } from '../i18n';
import { Badge, ErrorBox, Field, Notice, fieldError, formError, problemText, usePoll } from '../ui';
import { Credentials, UserAccess } from './access';

const ROLES: Role[] = ['agent', 'supervisor', 'dispatch', 'back_office', 'admin', 'customer'];
const MAIL_STATUSES: Mail['status'][] = ['queued', 'sending', 'sent', 'failed', 'kept'];

export function AdminUsers(props: { session: Session }) {
  const [users, setUsers] = useState<UserEntry[]>();
  const [error, setError] = useState<string>();
  // A user disabled or enabled: said above the table; the sessions list is read again.
  const [accessDone, setAccessDone] = useState<string>();
  const [accessVersion, setAccessVersion] = useState(0);
  const [form, setForm] = useState({ username: '', role: 'agent' as Role, password: '', customer_code: '' });
  // The desks a staff user works in: this one unless the admin ticks others.
  // A customer user is of the desk its customer is in: this one.
  const desks = deskChoices();
  const here = currentDesk();
  const [chosenDesks, setChosenDesks] = useState<string[]>(here ? [here.id] : []);
  const deskName = (id: string) => desks.find((d) => d.id === id)?.name ?? id;
  const [addError, setAddError] = useState<unknown>();
  const [done, setDone] = useState<string>();
  const load = () => api.users().then((r) => setUsers(r.items), (e) => setError(problemText(e)));
  useEffect(() => void load(), []);
  const add = async (e: Event) => {
    e.preventDefault();
    setAddError(undefined);
    setDone(undefined);
    try {
      await api.addUser({
        username: form.username,
        role: form.role,
        password: form.password,
        ...(form.role === 'customer' ? { customer_code: form.customer_code, desks: here ? [here.id] : [] } : { desks: chosenDesks }),
      });
      setDone(t('users.added', { name: form.username }));
      setForm({ ...form, username: '', password: '', customer_code: '' });
      load();
    } catch (err) {
      setAddError(err);
    }
  };
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t('users.title')}</h1>
      <ErrorBox error={error} />
      {accessDone && <Notice kind="ok">{accessDone}</Notice>}
      <table data-testid="users">
        <thead>
          <tr>
            <th scope="col">{t('users.username')}</th>
            <th scope="col">{t('users.role')}</th>
            <th scope="col">{t('users.customer')}</th>
            <th scope="col">{t('users.desks')}</th>
            <th scope="col">{t('users.created')}</th>
            <th scope="col">{t('users.access')}</th>
          </tr>
        </thead>
        <tbody>
          {users?.map((u) => (
            <tr key={u.id}>
              <td>
                {u.username} {u.disabled && <Badge>{t('users.disabled')}</Badge>}
              </td>
              <td>{t(('role.' + u.role) as Key)}</td>
              <td>{u.customer_id ?? '—'}</td>
              <td>{u.desks.length ? u.desks.map(deskName).join(', ') : u.role === 'admin' ? t('users.desks_all') : '—'}</td>
              <td>{fmtTime(u.created_at)}</td>
              <td>
                <UserAccess
                  user={u}
                  self={u.id === props.session.user.id}
                  onChanged={(message) => {
                    setAccessDone(message);
                    setAccessVersion((v) => v + 1);
                    load();
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="card form" onSubmit={add} noValidate aria-labelledby="add-user-title">
        <h2 id="add-user-title">{t('users.add')}</h2>
        <div class="row">
          <Field label={t('users.username')} required error={fieldError(addError, 'username')}>
            {(a) => <input {...a} name="username" autoComplete="off" value={form.username} onInput={set('username')} />}
          </Field>
          <Field label={t('users.role')} required error={fieldError(addError, 'role')}>
            {(a) => (
              <select {...a} name="role" value={form.role} onChange={set('role')}>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(('role.' + r) as Key)}
                  </option>
                ))}
              </select>
            )}
          </Field>
        </div>
        <div class="row">
          <Field label={t('users.password')} required hint={t('users.password_hint')} error={fieldError(addError, 'password')}>
            {(a) => <input {...a} name="password" type="password" autoComplete="new-password" value={form.password} onInput={set('password')} />}
          </Field>
          {form.role === 'customer' && (
            <Field
              label={t('users.customer_code')}
              required
              hint={here ? t('users.customer_desk', { desk: here.name }) : undefined}
              error={fieldError(addError, 'customer_code', 'customer', 'desks')}
            >
              {(a) => <input {...a} name="customer_code" value={form.customer_code} onInput={set('customer_code')} />}
            </Field>
          )}
        </div>
        {form.role !== 'customer' && desks.length > 1 && (
          <fieldset class={fieldError(addError, 'desks') ? 'has-error' : ''} aria-describedby="user-desks-hint">
            <legend>{t('users.desks')}</legend>
            {desks.map((d) => (
              <label class="check" key={d.id}>
                <input
                  type="checkbox"
                  name="desks"
                  value={d.id}
                  checked={chosenDesks.includes(d.id)}
                  onChange={(e) => setChosenDesks(e.currentTarget.checked ? [...chosenDesks, d.id] : chosenDesks.filter((x) => x !== d.id))}
                />
                {d.name}
              </label>
            ))}
            <p class="hint" id="user-desks-hint">
              {t('users.desks_hint')}
            </p>
            {fieldError(addError, 'desks') && (
              <p class="error" role="alert">
                {fieldError(addError, 'desks')}
              </p>
            )}
          </fieldset>
        )}
        <ErrorBox error={formError(addError, ['username', 'role', 'password', 'customer_code', 'customer', ...(form.role !== 'customer' && desks.length > 1 ? ['desks'] : [])])} />
        {done && <Notice kind="ok">{done}</Notice>}
        <button type="submit" class="primary">
          {t('users.add_submit')}
        </button>
      </form>
      {users && <Credentials users={users} version={accessVersion} />}
    </section>
  );
}

function DirectoryList({ list, onSaved }: { list: List; onSaved: () => void }) {
  const [text, setText] = useState(list.addresses.join('\n'));
  const [error, setError] = useState<unknown>();
  const [done, setDone] = useState(false);
  const save = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setDone(false);
    try {
      await api.putDirectory(
        list.name,
        text.split(/[\n,;]+/).map((s) => s.trim()).filter(Boolean),
      );
      setDone(true);
      onSaved();
    } catch (err) {
      setError(err);
    }
  };
  const err = error ? problemText(error) : undefined;
  return (
    <form class="card form" onSubmit={save} noValidate aria-label={list.name}>
      <Field label={t('dir.addresses_of', { name: list.name })} hint={t('dir.hint')} error={err}>
        {(a) => <textarea {...a} name={'list-' + list.name} rows={Math.max(2, list.addresses.length + 1)} value={text} onInput={(e) => setText(e.currentTarget.value)} />}
      </Field>
      {done && <Notice kind="ok">{t('dir.saved', { name: list.name })}</Notice>}
      <button type="submit">{t('dir.save')}</button>
    </form>
  );
}

export function AdminDirectory() {
  const [lists, setLists] = useState<List[]>();
  const [error, setError] = useState<string>();
  const load = () => api.directory().then((r) => setLists(r.items), (e) => setError(problemText(e)));
  useEffect(() => void load(), []);
  return (
    <section aria-labelledby="dir-title">
      <h1 id="dir-title">{t('dir.title')}</h1>
      <p class="hint">{t('dir.intro')}</p>
      <ErrorBox error={error} />
      <div class="grid">{lists?.map((l) => <DirectoryList key={l.name} list={l} onSaved={load} />)}</div>
    </section>
  );
}

export function AdminImport() {
  const [file, setFile] = useState<File>();
  const [dryRun, setDryRun] = useState(true);
  const [report, setReport] = useState<ImportReport>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setReport(undefined);
    if (!file) {
      setError(new Error(t('import.pick_file')));
      return;
    }
    setBusy(true);
    try {
      setReport(await api.importCustomers(file, dryRun));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  const err = error instanceof Error && !(error as any).problem ? error.message : error ? problemText(error) : undefined;
  return (
    <section aria-labelledby="import-title">
      <h1 id="import-title">{t('import.title')}</h1>
      <form class="card form" onSubmit={submit} noValidate>
        <Field label={t('import.file')} hint={t('import.file_hint')} error={err}>
          {(a) => <input {...a} type="file" name="file" accept=".tsv,.csv,.txt,.xlsx" onChange={(e) => setFile(e.currentTarget.files?.[0])} />}
        </Field>
        <label class="check">
          <input type="checkbox" checked={dryRun} onChange={(e) => setDryRun(e.currentTarget.checked)} /> {t('import.dry_run')}
        </label>
        <button type="submit" class="primary" disabled={busy}>
          {t('import.submit')}
        </button>
      </form>
      {report && (
        <div class="card" data-testid="import-report" role="status">
          <h2>{report.dry_run ? t('import.report_dry') : t('import.report')}</h2>
          <p>
            {t('import.summary', {
              rows: report.rows,
              created: report.created,
              updated: report.updated,
              unchanged: report.unchanged,
              rejected: report.rejected.length,
            })}
          </p>
          {report.rejected.length > 0 && (
            <table>
              <caption>{t('import.rejected')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('import.row')}</th>
                  <th scope="col">{t('import.field')}</th>
                  <th scope="col">{t('import.reason')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rejected.map((r, i) => (
                  <tr key={i}>
                    <td>{r.row}</td>
                    <td>{r.field || '—'}</td>
                    <td>{r.reason}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </section>
  );
}

export function AdminMail() {
  const [status, setStatus] = useState<Mail['status'] | ''>('');
  const [items, setItems] = useState<Mail[]>();
  const [error, setError] = useState<string>();
  const [raw, setRaw] = useState<{ id: number; text: string }>();
  const [rowError, setRowError] = useState<{ id: number; text: string }>();
  const load = () =>
    api.mail({ status: status || undefined, limit: 100 }).then(
      (r) => {
        setItems(r.items);
        setError(undefined);
      },
      (e) => setError(problemText(e)),
    );
  usePoll(load, 5000, [status]);
  const retry = async (id: number) => {
    setRowError(undefined);
    try {
      await api.retryMail(id);
      load();
    } catch (e) {
      setRowError({ id, text: problemText(e) });
    }
  };
  const show = async (id: number) => {
    setRowError(undefined);
    try {
      setRaw({ id, text: await api.mailRaw(id) });
    } catch (e) {
      setRowError({ id, text: problemText(e) });
    }
  };
  return (
    <section aria-labelledby="mail-title">
      <h1 id="mail-title">{t('mail.title')}</h1>
      <Field label={t('mail.status')}>
        {(a) => (
          <select {...a} value={status} onChange={(e) => setStatus(e.currentTarget.value as Mail['status'] | '')}>
            <option value="">{t('mail.all')}</option>
            {MAIL_STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(('mail.s_' + s) as Key)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ErrorBox error={error} />
      <table data-testid="outbox">
        <thead>
          <tr>
            <th scope="col">{t('mail.created')}</th>
            <th scope="col">{t('mail.to')}</th>
            <th scope="col">{t('mail.subject')}</th>
            <th scope="col">{t('mail.status')}</th>
            <th scope="col">{t('mail.actions')}</th>
          </tr>
        </thead>
        <tbody>
          {items?.map((m) => (
            <tr key={m.id}>
              <td>{fmtTime(m.created_at)}</td>
              <td>{[...m.to, ...m.cc].join(', ')}</td>
              <td>{m.subject}</td>
              <td>
                {t(('mail.s_' + m.status) as Key)} {m.attempts > 0 && `(${m.attempts})`} {m.last_error && <span class="error">{m.last_error}</span>}
              </td>
              <td>
                <button type="button" onClick={() => show(m.id)} aria-label={t('mail.view_aria', { subject: m.subject })}>
                  {t('mail.view')}
                </button>{' '}
                {m.status === 'failed' && (
                  <button type="button" onClick={() => retry(m.id)}>
                    {t('mail.retry')}
                  </button>
                )}
                {rowError?.id === m.id && (
                  <p class="error" role="alert">
                    {rowError?.text}
                  </p>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {raw && (
        <div class="card" aria-labelledby="raw-title">
          <h2 id="raw-title">{t('mail.raw', { id: raw.id })}</h2>
          <pre class="raw" tabIndex={0} data-testid="raw-mail">
            {raw.text}
          </pre>
          <button type="button" onClick={() => setRaw(undefined)}>
            {t('common.close')}
          </button>
        </div>
      )}
    </section>
  );
}
