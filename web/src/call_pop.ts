// The screen pop (issue 17, docs/telephony.md): when the phone system says
// this user answered a call, the live stream brings `event: call`, and the
// console opens the call workspace for it (`/call/<id>`) from whatever screen
// is shown. A pop heard again (the stream resumed and replayed it) opens
// nothing the second time.
import { useEffect } from 'preact/hooks';
import { onCall } from './live';
import { navigate } from './router';

const kSeen = 'atiende.popped';

function seen(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(kSeen) ?? '[]') as string[];
  } catch {
    return [];
  }
}

// Remembers a call as opened in this tab (a reload of /call/<id> shows it
// again; a replayed pop does not move the agent away from what they do).
export function markPopped(id: string) {
  const list = seen().filter((x) => x !== id);
  list.push(id);
  try {
    sessionStorage.setItem(kSeen, JSON.stringify(list.slice(-50)));
  } catch {
    /* storage disabled: a replay may pop again */
  }
}

// While `enabled` (a role that takes calls), every pop opens the workspace.
export function useCallPop(enabled: boolean) {
  useEffect(() => {
    if (!enabled) return;
    return onCall((p) => {
      if (!/^\d+$/.test(p.call) || seen().includes(p.call)) return;
      markPopped(p.call);
      navigate('/call/' + p.call);
    });
  }, [enabled]);
}
