// Work that must not compete with the first load, such as fetching code
// ahead of time. Runs on the page's one thread.

// How long after the load event: past the first paint and the moment the
// user starts typing into what it shows (the sign-in form), still long before
// they submit it.
const kAfterLoadMs = 1000;

// Runs `fetch` a while after the page has loaded, when the browser is idle
// (Safari has no requestIdleCallback: there, on the timer).
export function inBackground(fetch: () => void) {
  const idle = () => ('requestIdleCallback' in window ? requestIdleCallback(() => fetch(), { timeout: 1000 }) : fetch());
  const later = () => setTimeout(idle, kAfterLoadMs);
  if (document.readyState === 'complete') later();
  else window.addEventListener('load', later, { once: true });
}
