// Changing one's own password (issue 19), from the header of the console and
// the portal: with the current one, and the new one twice. The user's other
// sessions end; this one stays (POST /api/v1/session/password).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api';
import { t } from '../i18n';
import { ErrorBox, Field, Notice, formError, labelledFieldError } from '../ui';

export function PasswordDialog(props: { onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  const first = useRef<HTMLInputElement>(null);
  const closeButton = useRef<HTMLButtonElement>(null);
  const [form, setForm] = useState({ current: '', next: '', repeat: '' });
  const [error, setError] = useState<unknown>();
  const [mismatch, setMismatch] = useState(false);
  const [busy, setBusy] = useState(false);
  const [ended, setEnded] = useState<number>();
  useEffect(() => {
    dialog.current?.showModal();
    first.current?.focus();
  }, []);
  useEffect(() => {
    if (ended !== undefined) closeButton.current?.focus();
  }, [ended]);
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setMismatch(form.next !== form.repeat);
    if (form.next !== form.repeat) return;
    setBusy(true);
    try {
      const r = await api.changePassword(form.current, form.next);
      setEnded(r.sessions_ended);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <dialog ref={dialog} class="desk-dialog" aria-labelledby="password-title" data-testid="password-dialog" onClose={props.onClose}>
      <h2 id="password-title">{t('password.title')}</h2>
      {ended !== undefined ? (
        <>
          <Notice kind="ok">{t('password.done', { n: ended })}</Notice>
          <p class="actions">
            <button type="button" ref={closeButton} onClick={() => dialog.current?.close()}>
              {t('common.close')} <kbd>Esc</kbd>
            </button>
          </p>
        </>
      ) : (
        <form class="form" onSubmit={submit} noValidate>
          <p class="hint">{t('password.text')}</p>
          <Field label={t('password.current')} required error={labelledFieldError(error, t('password.current'), 'current_password')}>
            {(a) => <input {...a} ref={first} name="current_password" type="password" autoComplete="current-password" value={form.current} onInput={set('current')} />}
          </Field>
          <Field label={t('password.new')} required hint={t('password.new_hint')} error={labelledFieldError(error, t('password.new'), 'new_password')}>
            {(a) => <input {...a} name="new_password" type="password" autoComplete="new-password" value={form.next} onInput={set('next')} />}
          </Field>
          <Field label={t('password.repeat')} required error={mismatch ? t('password.mismatch') : undefined}>
            {(a) => <input {...a} name="repeat_password" type="password" autoComplete="new-password" value={form.repeat} onInput={set('repeat')} />}
          </Field>
          <ErrorBox error={formError(error, ['current_password', 'new_password'])} />
          <p class="actions">
            <button type="submit" class="primary" disabled={busy}>
              {t('password.submit')}
            </button>
            <button type="button" onClick={() => dialog.current?.close()}>
              {t('password.cancel')} <kbd>Esc</kbd>
            </button>
          </p>
        </form>
      )}
    </dialog>
  );
}
