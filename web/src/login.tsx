// The sign-in form, shared by the console and the portal.
import { useState } from 'preact/hooks';
import { ApiError, api, type Session } from './api';
import { LangSwitch } from './shell';
import { t } from './i18n';
import { ErrorBox, Field, problemText } from './ui';

export function Login({ onSignedIn, title }: { onSignedIn: (s: Session) => void; title: string }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(await api.login(username.trim(), password));
    } catch (err) {
      setError(err instanceof ApiError && err.status === 401 ? t('login.failed') : problemText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="login" id="main">
      <h1>{title}</h1>
      <form onSubmit={submit} aria-labelledby="login-title" noValidate>
        <h2 id="login-title">{t('login.title')}</h2>
        <Field label={t('login.username')} required>
          {(a) => (
            <input {...a} name="username" autoComplete="username" autoFocus value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          )}
        </Field>
        <Field label={t('login.password')} required>
          {(a) => (
            <input {...a} name="password" type="password" autoComplete="current-password" value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
          )}
        </Field>
        <ErrorBox error={error} />
        <button type="submit" class="primary" disabled={busy}>
          {t('login.submit')}
        </button>
      </form>
      <LangSwitch />
    </main>
  );
}
