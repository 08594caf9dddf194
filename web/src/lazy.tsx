// Code fetched when first needed: each screens/ module is a chunk of its own,
// so the sign-in form and the shell load without them. Runs on the page's one
// thread.
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';
import { ErrorBox, problemText } from './ui';

// A module fetched once, on the first get(); now() is the module once get()'s
// promise has resolved, undefined before. A failed fetch (the server went
// away) is tried again on the next get().
export interface Chunk<M> {
  get: () => Promise<M>;
  now: () => M | undefined;
}

export function chunk<M>(load: () => Promise<M>): Chunk<M> {
  let mod: M | undefined;
  let pending: Promise<M> | undefined;
  const get = () =>
    (pending ??= load().then(
      (m) => (mod = m),
      (e) => {
        pending = undefined;
        throw e;
      },
    ));
  return { get, now: () => mod };
}

// A component of a chunk: rendered at once when the chunk is here, else
// "loading" (or the error) until it is.
export function lazy<M, P extends object>(from: Chunk<M>, pick: (m: M) => ComponentType<P>) {
  return function Lazy(props: P) {
    const [error, setError] = useState<string>();
    const [, setLoaded] = useState(false);
    const mod = from.now();
    useEffect(() => {
      if (mod) return;
      let live = true;
      from.get().then(
        () => live && setLoaded(true),
        (e) => live && setError(problemText(e)),
      );
      return () => void (live = false);
    }, [mod]);
    if (mod) {
      const Screen = pick(mod);
      return <Screen {...props} />;
    }
    return error ? <ErrorBox error={error} /> : <p class="loading">{t('common.loading')}</p>;
  };
}
