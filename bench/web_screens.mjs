// "Every screen interactive ≤ 300 ms after navigation on the demo data"
// (issue 15), measured in Debian's Chromium against the real binary (SQLite,
// demo data plus a few tickets, cases and a notice) on loopback: for each
// screen of the supervisor (both desks) and the admin, the time from the
// click on its entry in the navigation to the frame after its content (its
// table, list or form, filled from the API) is in the page, as the page's own
// clock measures it. Each screen is visited RUNS times (default 7) in turns
// after a first warm-up visit (its code chunk fetched); median and worst.
//
//   node bench/web_screens.mjs        (after `make build`; ATIENDE_BIN overrides the binary)
import { NM, Server, ZB, launch, signIn } from '../web/tests/lib.mjs';

const runs = Number(process.env.RUNS || 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const server = await new Server().start();
const browser = await launch();
const out = {};
try {
  const agent = await server.api('agente');
  const agentZB = await server.api('agente.zb');
  for (const [q, service] of [['yupi', 'SID-500120'], ['alpina', 'SID-300077'], ['colpatria', 'SID-400901']]) {
    const c = (await agent.must('GET', '/api/v1/customers?q=' + q)).items[0];
    await agent.must('POST', '/api/v1/tickets', { kind: 'incident', category: 'outage', customer_id: c.id, service_id: service, subject: 'Caída ' + q, caller: { name: 'Ana' } });
  }
  const robles = (await agentZB.must('GET', '/api/v1/customers?q=robles')).items[0];
  await agentZB.must('POST', '/api/v1/cases', { procedure: 'zb-unblock', customer_id: robles.id, intake: { caller: 'Juan', phones: ['+56 9 8765 4321'] } });

  // The content that says a screen is there, by path.
  const ready = {
    '/call': '#customer-search',
    '/tickets': '[data-testid=ticket-queue], [data-testid=queue-empty]',
    '/cases': '[data-testid=case-queue], [data-testid=queue-empty]',
    '/notices': '[data-testid=notice-list], [data-testid=queue-empty]',
    '/customers': 'input[name=q]',
    '/admin/users': '[data-testid=users]',
    '/admin/directory': '.grid > *',
    '/admin/import': 'input[type=file]',
    '/admin/mail': '[data-testid=outbox], table',
    '/admin/desks': '[data-testid=desks]',
  };
  const cases = [
    { user: 'supervisor', desk: NM.id },
    { user: 'supervisor', desk: ZB.id },
    { user: 'admin', desk: NM.id },
  ];
  for (const c of cases) {
    const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 768 } });
    const page = await ctx.newPage();
    await signIn(page, server.url, c.user, '/?desk=' + c.desk, { desk: c.desk });
    const paths = await page.$$eval('nav[aria-label] a', (as) => as.map((a) => new URL(a.href).pathname));
    const times = Object.fromEntries(paths.map((p) => [p, []]));
    for (let i = 0; i <= runs; i++) {
      for (const p of paths) {
        const ms = await page.evaluate(
          ({ p, sel }) =>
            new Promise((resolve, reject) => {
              // Off the current screen's content first: the new one must appear.
              const link = [...document.querySelectorAll('nav[aria-label] a')].find((a) => new URL(a.href).pathname === p);
              const t0 = performance.now();
              link.click();
              const deadline = t0 + 10000;
              const check = () => {
                if (location.pathname === p && document.querySelector('main ' + sel.split(', ').join(', main '))) {
                  requestAnimationFrame(() => resolve(performance.now() - t0)); // painted
                } else if (performance.now() > deadline) reject(new Error('no ' + sel + ' at ' + p));
                else requestAnimationFrame(check);
              };
              requestAnimationFrame(check);
            }),
          { p, sel: ready[p] ?? 'main h1' },
        );
        if (i > 0) times[p].push(ms);
      }
    }
    for (const p of paths) out[`${c.user}@${c.desk} ${p} ms (median, worst of ${runs})`] = `${median(times[p]).toFixed(0)}, ${Math.max(...times[p]).toFixed(0)}`;
    await ctx.close();
  }
} finally {
  await browser.close();
  await server.stop();
}
for (const [k, v] of Object.entries(out)) console.log(`${k}: ${v}`);
