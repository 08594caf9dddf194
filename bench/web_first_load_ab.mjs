// First load of the console (empty cache → sign-in form), compared between
// Vite builds of web/: one server per build (the same binary, ATIENDE_WEB_DIR),
// loads taken in turn, so that a noisy machine weighs on each build alike.
// Medians from navigation start: the form painted (ready), DOMContentLoaded,
// load, first contentful paint; and the driver's goto → form visible.
//
//   RUNS=15 node bench/web_first_load_ab.mjs DIR_A DIR_B …
// Each DIR is a `vite build` output with a .gz copy of each text file
// (gzip -9k), as web/scripts/embed.mjs makes them.
import { Server, launch } from '../web/tests/lib.mjs';
const runs = Number(process.env.RUNS || 15);
const dirs = process.argv.slice(2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const servers = [];
for (const d of dirs) servers.push(await new Server({ env: { ATIENDE_WEB_DIR: d } }).start());
const browser = await launch();
const res = dirs.map(() => ({ driver: [], ready: [], dcl: [], load: [], fcp: [] }));
for (let i = 0; i < runs; i++) for (let j = 0; j < dirs.length; j++) {
  const ctx = await browser.newContext(); const page = await ctx.newPage();
  const t0 = Date.now(); await page.goto(servers[j].url + '/'); await page.getByLabel(/Usuario/).waitFor();
  res[j].driver.push(Date.now() - t0);
  const m = await page.evaluate(() => { const n = performance.getEntriesByType('navigation')[0]; return { ready: performance.getEntriesByName('atiende:ready')[0]?.startTime, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd, fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime }; });
  for (const k of ['ready', 'dcl', 'load', 'fcp']) res[j][k].push(m[k]);
  await ctx.close();
}
await browser.close(); for (const s of servers) await s.stop();
dirs.forEach((d, j) => console.log(d, Object.entries(res[j]).map(([k, v]) => `${k} ${Math.round(median(v))}`).join('  ')));
