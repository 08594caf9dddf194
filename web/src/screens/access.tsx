// Admin → Usuarios, who may get in (issue 19): a user's Disable / Enable
// control, the sessions and API tokens with Revoke, and the dialog that asks
// before either ends anything. Secrets are never shown: the API gives ids.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, type Credential, type UserEntry } from '../api';
import { fmtTime, t } from '../i18n';
import { Badge, ConfirmDialog, ErrorBox, Notice, problemText } from '../ui';

export { ConfirmDialog } from '../ui';

// The Access cell of a user's row: Disable (asking first) or Enable; none on
// one's own row (the API refuses to disable oneself).
export function UserAccess(props: { user: UserEntry; self: boolean; onChanged: (message: string) => void }) {
  const u = props.user;
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string>();
  const button = useRef<HTMLButtonElement>(null);
  if (props.self) return <span class="hint">{t('users.you')}</span>;
  const enable = async () => {
    setError(undefined);
    try {
      await api.enableUser(u.username);
      props.onChanged(t('users.enabled_ok', { name: u.username }));
    } catch (err) {
      setError(problemText(err));
    }
  };
  return (
    <>
      {u.disabled ? (
        <button type="button" ref={button} aria-label={t('users.enable_aria', { name: u.username })} onClick={enable}>
          {t('users.enable')}
        </button>
      ) : (
        <button type="button" ref={button} aria-label={t('users.disable_aria', { name: u.username })} onClick={() => setAsking(true)}>
          {t('users.disable')}
        </button>
      )}
      <ErrorBox error={error} />
      {asking && (
        <ConfirmDialog
          testId="user-disable"
          title={t('users.disable_title', { name: u.username })}
          text={t('users.disable_text')}
          confirm={t('users.disable_confirm')}
          keep={t('users.disable_keep')}
          onConfirm={async () => {
            const r = await api.disableUser(u.username);
            setAsking(false);
            props.onChanged(t('users.disabled_ok', { name: u.username, n: r.credentials_ended }));
          }}
          onClose={() => {
            setAsking(false);
            button.current?.focus();
          }}
        />
      )}
    </>
  );
}

const kindLabel = (k: Credential['kind']) => t(k === 'api' ? 'tokens.kind_api' : 'tokens.kind_session');

// The sessions and API tokens that have not expired, filtered by user and
// kind, each with Revoke (asking first). `version` changes when a user was
// disabled elsewhere on the screen: the list is read again.
export function Credentials(props: { users: UserEntry[]; version: number }) {
  const [items, setItems] = useState<Credential[]>();
  const [error, setError] = useState<string>();
  const [username, setUsername] = useState('');
  const [kind, setKind] = useState<'' | Credential['kind']>('');
  const [revoking, setRevoking] = useState<Credential>();
  const [done, setDone] = useState<ComponentChildren>();
  const load = () =>
    api.credentials({ username: username || undefined, kind: kind || undefined }).then(
      (r) => (setItems(r.items), setError(undefined)),
      (e) => setError(problemText(e)),
    );
  useEffect(() => void load(), [username, kind, props.version]);
  const vars = (c: Credential) => ({ kind: t(c.kind === 'api' ? 'tokens.kind_api_l' : 'tokens.kind_session_l'), id: c.id, name: c.username });
  return (
    <section class="card form" aria-labelledby="tokens-title">
      <h2 id="tokens-title">{t('tokens.title')}</h2>
      <p class="hint">{t('tokens.hint')}</p>
      <div class="row">
        <div class="field">
          <label for="tokens-user">{t('tokens.user')}</label>
          <select id="tokens-user" value={username} onChange={(e) => setUsername(e.currentTarget.value)}>
            <option value="">{t('tokens.all_users')}</option>
            {props.users.map((u) => (
              <option key={u.id} value={u.username}>
                {u.username}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="tokens-kind">{t('tokens.kind')}</label>
          <select id="tokens-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as typeof kind)}>
            <option value="">{t('tokens.all_kinds')}</option>
            <option value="session">{t('tokens.kind_session')}</option>
            <option value="api">{t('tokens.kind_api')}</option>
          </select>
        </div>
      </div>
      <ErrorBox error={error} />
      {done && <Notice kind="ok">{done}</Notice>}
      {items && items.length === 0 && <p>{t('tokens.none')}</p>}
      {items && items.length > 0 && (
        <table data-testid="credentials">
          <thead>
            <tr>
              <th scope="col">{t('tokens.id')}</th>
              <th scope="col">{t('tokens.user')}</th>
              <th scope="col">{t('tokens.kind')}</th>
              <th scope="col">{t('tokens.created')}</th>
              <th scope="col">{t('tokens.expires')}</th>
              <th scope="col">
                <span class="sr-only">{t('tokens.revoke')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((c) => (
              <tr key={c.id} data-credential={c.id}>
                <td>{c.id}</td>
                <td>
                  {c.username} {c.current && <Badge>{t('tokens.current')}</Badge>}
                </td>
                <td>{kindLabel(c.kind)}</td>
                <td>{fmtTime(c.created_at)}</td>
                <td>{fmtTime(c.expires_at)}</td>
                <td>
                  <button type="button" data-revoke={c.id} aria-label={t('tokens.revoke_aria', vars(c))} onClick={() => (setDone(undefined), setRevoking(c))}>
                    {t('tokens.revoke')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {revoking && (
        <ConfirmDialog
          testId="token-revoke"
          title={t('tokens.revoke_title', vars(revoking))}
          text={t('tokens.revoke_text')}
          warning={revoking.current ? t('tokens.revoke_current') : undefined}
          confirm={t('tokens.revoke_confirm')}
          keep={t('tokens.revoke_keep')}
          onConfirm={async () => {
            const c = revoking;
            await api.revokeCredential(c.id);
            setRevoking(undefined);
            setDone(t('tokens.revoked_ok', vars(c)));
            load();
          }}
          onClose={() => {
            const id = revoking.id;
            setRevoking(undefined);
            document.querySelector<HTMLElement>(`button[data-revoke="${id}"]`)?.focus();
          }}
        />
      )}
    </section>
  );
}
