// Start-up, shared by the console and the portal: who is signed in (the
// answer index.html and portal.html preload while the scripts download) and
// the catalogue of the user's language, fetched together, so that the first
// render paints the sign-in form or the screen rather than a loading step.
import { api, type Session } from './api';
import { adoptSession } from './desk';
import { langReady } from './i18n';

// null when nobody is signed in or the server cannot be reached (the sign-in
// form then shows, and api.ts the connection banner). The desk is settled
// when it can be (desk.ts), in its language unless the user chose one.
export function firstSession(): Promise<Session | null> {
  const session = api.firstSession().catch(() => null);
  const lang = langReady().catch(() => {}); // falls back on Spanish
  return Promise.all([session, lang]).then(async ([s]) => {
    if (s) await adoptSession(s);
    return s;
  });
}
