// Agent speed in the console (issue 7), measured in Debian's Chromium against
// the real binary (SQLite, demo data) on loopback: keyboard actions and time
// for the three call flows, JS shipped (gzip), first load, and how soon search
// results are painted after a keystroke. Figures go to docs/BENCHMARKS.md.
//
//   node bench/web_speed.mjs        (after `make build`; ATIENDE_BIN overrides the binary)
//
// RUNS (default 5) runs of each; FIRST_LOAD_ONLY=1 measures the JS and the
// first load only; WEB_DIR=dir serves that Vite build (with its .gz copies)
// instead of the embedded one (ATIENDE_WEB_DIR), to compare two builds of
// the console with one binary, run after run. DATA_DIR=dir serves a copy of
// that data directory instead of a fresh demo one (demo-seeded on top): the
// issue's "search painted with 1M customers" is measured on a master from
// bench/gen_customers.py imported there.
import { Keys, NM, Server, launch, signIn } from '../web/tests/lib.mjs';

const runs = Number(process.env.RUNS || 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const server = await new Server({ env: process.env.WEB_DIR ? { ATIENDE_WEB_DIR: process.env.WEB_DIR } : {}, dataDir: process.env.DATA_DIR }).start();
const browser = await launch();
const out = {};
try {
  // JS shipped, gzip, as the server sends it (a raw request: fetch() would
  // decompress).
  const { request } = await import('node:http');
  const wire = (path) =>
    new Promise((resolve, reject) => {
      request(server.url + path, { headers: { 'Accept-Encoding': 'gzip' } }, (res) => {
        let n = 0;
        res.on('data', (c) => (n += c.length));
        res.on('end', () => resolve(n));
      }).on('error', reject).end();
    });
  // What the page loads first (the scripts its HTML names), then with every
  // chunk it may import later (screens, the English words).
  for (const page of ['/', '/portal']) {
    const html = await (await fetch(server.url + page)).text();
    const first = new Set([...html.matchAll(/"(\/assets\/[^"]+\.js)"/g)].map((m) => m[1]));
    const all = new Set(first);
    for (const s of all) {
      const js = await (await fetch(server.url + s)).text();
      for (const m of js.matchAll(/["'`]\.\/([\w-]+\.js)["'`]/g)) all.add('/assets/' + m[1]);
    }
    let bytes = 0;
    for (const s of first) bytes += await wire(s);
    out[`js_gzip_bytes ${page} first load`] = bytes;
    bytes = 0;
    for (const s of all) bytes += await wire(s);
    out[`js_gzip_bytes ${page} with every chunk`] = bytes;
  }

  // First load: a fresh browser context (empty cache) to the sign-in form, on
  // loopback; as the test driver sees it (goto → form visible, CDP round trips
  // included) and as the page itself measures it.
  const loads = [];
  const ready = []; // navigation start → sign-in form painted, as the page measures it
  const steps = {}; // where the time goes, from navigation start (Navigation and Resource Timing)
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const t0 = Date.now();
    await page.goto(server.url + '/');
    await page.getByLabel(/Usuario/).waitFor();
    loads.push(Date.now() - t0);
    const m = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const res = performance.getEntriesByType('resource');
      const end = (re) => Math.max(...res.filter((r) => re.test(r.name)).map((r) => r.responseEnd));
      return {
        ready: performance.getEntriesByName('atiende:ready')[0]?.startTime ?? NaN,
        'HTML received': nav.responseEnd,
        'GET /api/v1/session answered': end(/\/api\/v1\/session$/),
        'first scripts and CSS received': end(/\/assets\/(index|style)-/),
        'scripts run (DOMContentLoaded end)': nav.domContentLoadedEventEnd,
      };
    });
    ready.push(m.ready);
    for (const [k, v] of Object.entries(m)) if (k !== 'ready') (steps[k] ??= []).push(v);
    await ctx.close();
  }
  out['first_load_ms median'] = median(loads);
  out['first_load_ms max'] = Math.max(...loads);
  out['first_load_ms in page (navigation start → form) median'] = Math.round(median(ready));
  out['first_load_ms in page max'] = Math.round(Math.max(...ready));
  for (const [k, v] of Object.entries(steps)) out[`first load: ${k}, ms median`] = Math.round(median(v));
  if (process.env.FIRST_LOAD_ONLY) {
    await browser.close();
    await server.stop();
    for (const [k, v] of Object.entries(out)) console.log(`${k}\t${v}`);
    process.exit(0);
  }

  const flows = { incident: [], derive: [], follow: [] };
  const actions = {};
  const paints = [];
  for (let i = 0; i < runs; i++) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(10000);
    await signIn(page, server.url, 'agente', '/call');
    // Known customer → incident opened (the customer's earlier ticket is
    // resolved and closed through the API between runs, so none blocks it).
    let keys = new Keys(page);
    let t0 = Date.now();
    await keys.type('yupi');
    await page.locator('#customer-results [role=option]').first().waitFor();
    await keys.press('Enter');
    await keys.press('Enter');
    await keys.type('Rosa Díaz');
    await keys.press('Tab');
    await keys.type('Sin servicio');
    await keys.press('Enter');
    const opened = page.getByText(/Ticket CS\d+ abierto/);
    await opened.waitFor();
    flows.incident.push(Date.now() - t0);
    actions.incident = keys.count;
    const number = (await opened.innerText()).match(/CS\d+/)[0];
    paints.push(...(await page.evaluate(() => window.atiendeSearchPaintMs ?? [])));
    await keys.press('Alt+T');

    // Follow-up by number.
    keys = new Keys(page);
    t0 = Date.now();
    await keys.press('Alt+S');
    await keys.type(number);
    await keys.press('Tab');
    await keys.type('Rosa Díaz');
    await keys.press('Enter');
    await page.getByTestId('ticket-detail').waitFor();
    flows.follow.push(Date.now() - t0);
    actions.follow = keys.count;
    await keys.press('Alt+T');

    // Unknown customer → derived to Assurance.
    keys = new Keys(page);
    t0 = Date.now();
    await keys.type('Xyzzyq Qwvxjk Ñandú'); // absent from the demo and from a synthetic 1M master
    await page.getByText(/Ningún cliente coincide/).waitFor();
    await keys.press('Enter');
    await keys.type('Pedro');
    await keys.press('Enter');
    await page.getByText(/derivada a Assurance/).waitFor();
    flows.derive.push(Date.now() - t0);
    actions.derive = keys.count;
    paints.push(...(await page.evaluate(() => window.atiendeSearchPaintMs ?? [])));
    await ctx.close();

    const sup = await server.api('supervisor', NM.id);
    await sup.must('POST', `/api/v1/tickets/${number}/resolve`, { resolution: 'ok' });
    await sup.must('POST', `/api/v1/tickets/${number}/close`, {});
  }
  for (const [k, v] of Object.entries(flows)) {
    out[`${k}: keyboard actions`] = actions[k];
    out[`${k}: ms median (typing included)`] = median(v);
  }
  out['search painted after keystroke, ms median'] = Math.round(median(paints) * 10) / 10;
  out['search painted after keystroke, ms p95'] = Math.round(pct(paints, 0.95) * 10) / 10;
  out['search paints measured'] = paints.length;
} finally {
  await browser.close();
  await server.stop();
}
for (const [k, v] of Object.entries(out)) console.log(`${k}\t${v}`);
