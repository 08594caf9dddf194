// Client-side routes: the path is the screen (/call, /tickets/CS0000001); the
// server answers every such path with the application's page. For a user of
// several desks every URL names the tab's desk too (`?desk=`, desk.ts), so a
// reload, a new tab or a shared link opens the record in its own desk.
import { useEffect, useState } from 'preact/hooks';
import { withDesk } from './desk';

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((f) => f()));

export function navigate(to: string, replace = false) {
  const path = withDesk(to);
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  listeners.forEach((f) => f());
}

export function usePath() {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const f = () => setPath(location.pathname);
    listeners.add(f);
    return () => void listeners.delete(f);
  }, []);
  return path;
}

// A link that routes on the client.
export function linkProps(path: string) {
  return {
    href: withDesk(path),
    onClick: (e: MouseEvent) => {
      if (e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
      e.preventDefault();
      navigate(path);
    },
  };
}
