// Light and dark themes (style.css): the OS's choice unless the user picked
// one with the header's toggle, kept per user in this browser (localStorage
// `atiende.theme.<user>`). The desk's colour marks the header (deskColour).
export type Theme = 'light' | 'dark';

const key = (user: string) => 'atiende.theme.' + user;

export function chosenTheme(user: string): Theme | null {
  try {
    const v = localStorage.getItem(key(user));
    return v === 'light' || v === 'dark' ? v : null;
  } catch {
    return null;
  }
}

// Applies the user's choice (none: the OS's, through the CSS media query).
export function applyTheme(user: string | null) {
  const theme = user ? chosenTheme(user) : null;
  if (theme) document.documentElement.dataset.theme = theme;
  else delete document.documentElement.dataset.theme;
}

export function effectiveTheme(): Theme {
  const set = document.documentElement.dataset.theme;
  if (set === 'light' || set === 'dark') return set;
  return window.matchMedia?.('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

export function setTheme(user: string, theme: Theme) {
  try {
    localStorage.setItem(key(user), theme);
  } catch {
    /* storage disabled: the choice lasts as long as the page */
  }
  applyTheme(user);
}

// A desk's colour: a hue from its id (stable, different for the demo's two
// desks), at a lightness that keeps white text above 4.5:1 on it.
export function deskColour(id: string): string {
  let h = 0;
  for (const ch of id) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `hsl(${h % 360} 70% 25%)`;
}
