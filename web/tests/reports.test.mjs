// The reports screen and the wallboard in a real browser (issue 18): the
// supervisor's figures as a table and a chart, the exports downloaded and
// opened (CSV parsed, XLSX unzipped and its sheet read), the wallboard
// following the live stream; axe-core and a screenshot of each under
// ATIENDE_ARTIFACTS. Run by ctest (CMakeLists.txt); exits non-zero on failure.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { NM, Server, TIMEOUT, axe, check, runSuite, signIn, until } from './lib.mjs';

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// The files of a zip (an XLSX), by name: its central directory read, each
// entry inflated with Node's zlib.
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip file');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50, 'a central directory entry');
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(dataAt, dataAt + size);
    files[name] = (method === 8 ? inflateRawSync(data) : data).toString('utf8');
    p += 46 + nameLen + extraLen + commentLen;
  }
  return files;
}

// The first sheet's rows as text cells (shared and inline strings resolved).
function sheetRows(files) {
  const shared = [...(files['xl/sharedStrings.xml'] ?? '').matchAll(/<si>(.*?)<\/si>/gs)].map((m) => m[1].replace(/<[^>]+>/g, ''));
  const rows = [];
  for (const row of files['xl/worksheets/sheet1.xml'].matchAll(/<row[^>]*>(.*?)<\/row>/gs)) {
    const cells = [];
    for (const c of row[1].matchAll(/<c([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const v = /<v>(.*?)<\/v>/.exec(c[2] ?? '');
      const is = /<t[^>]*>(.*?)<\/t>/.exec(c[2] ?? '');
      if (/t="s"/.test(c[1]) && v) cells.push(shared[Number(v[1])]);
      else if (is) cells.push(is[1]);
      else cells.push(v ? v[1] : '');
    }
    rows.push(cells);
  }
  return rows;
}

async function download(page, testId) {
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: TIMEOUT }), page.getByTestId(testId).click()]);
  const path = await dl.path();
  return { name: dl.suggestedFilename(), data: readFileSync(path) };
}

// Three tickets opened today (2026-12-07, Bogotá), one resolved.
async function scene(server) {
  const sup = await server.api('supervisor', NM.id);
  const agent = await server.api('agente');
  const c = await sup.must('POST', '/api/v1/customers', {
    legal_name: 'Informes Navegador S.A.S.',
    services: [1, 2, 3, 4].map((i) => ({ service_id: 'RB-' + i, circuit: 'C' + i, description: 'Enlace ' + i })),
  });
  const numbers = [];
  for (const s of ['RB-1', 'RB-2', 'RB-3']) {
    const t = await agent.must('POST', '/api/v1/tickets', {
      kind: 'incident',
      customer_id: c.id,
      service_id: s,
      category: 'outage',
      subject: 'Caída ' + s,
      caller: { name: 'Ana Gómez', phone: '+57 300 555 0101' },
    });
    numbers.push(t.number);
  }
  await agent.must('POST', `/api/v1/tickets/${numbers[0]}/resolve`, { resolution: 'Restablecido' });
  return { sup, agent, customer: c, numbers };
}

test('supervisor: the reports screen shows the figures as a table and a chart, in both languages', async ({ page, server, data }) => {
  await signIn(page, server.url, 'supervisor', '/reports', { desk: NM.id });
  const table = page.getByTestId('report-table');
  await table.waitFor({ timeout: TIMEOUT });
  const today = table.locator('tbody tr', { hasText: '2026-12-07' });
  await until(async () => (await today.count()) === 1, 'the row of today');
  const cells = await today.locator('th, td').allInnerTexts();
  assert.equal(cells[0], '2026-12-07');
  assert.equal(cells[1], '3', 'three tickets opened today');
  assert.equal(cells[5], '1', 'one resolved');
  assert.equal(await table.locator('tbody tr').count(), 7, 'one row per day from the 1st');
  const chart = page.getByTestId('report-chart');
  await chart.locator('canvas').waitFor({ timeout: TIMEOUT });
  const legend = await chart.locator('.u-legend').innerText();
  assert.match(legend, /Abiertos/);
  await check(page, 'reports-tickets-es');
  // The SLA report, by hour of day.
  await page.locator('#rep-name').selectOption('sla');
  await page.locator('#rep-by').selectOption('hour');
  await until(async () => /Respuesta en plazo/.test(await table.innerText()), 'the SLA table');
  await page.getByTestId('report-chart').locator('canvas').waitFor({ timeout: TIMEOUT });
  await page.locator('#lang-select').selectOption('en');
  await until(async () => /Response met/.test(await page.getByTestId('report-table').innerText()), 'English');
  await check(page, 'reports-sla-by-hour-en');
  data.sup = true;
});

test('supervisor: exports download and open — CSV parsed, XLSX unzipped and its sheet read', async ({ page, server, scene }) => {
  await signIn(page, server.url, 'supervisor', '/reports', { desk: NM.id });
  await page.getByTestId('report-table').waitFor({ timeout: TIMEOUT });
  const csv = await download(page, 'export-csv');
  assert.match(csv.name, /\.csv$/);
  const lines = csv.data.toString('utf8').trim().split(/\r\n/);
  assert.match(lines[0], /^bucket,opened,incidents/);
  assert.ok(lines.some((l) => l.startsWith('2026-12-07,3,3')), lines.join('\n'));
  const xlsx = await download(page, 'export-xlsx');
  assert.match(xlsx.name, /\.xlsx$/);
  const rows = sheetRows(unzip(xlsx.data));
  assert.deepEqual(rows[0].slice(0, 3), ['bucket', 'opened', 'incidents']);
  assert.deepEqual(rows.find((r) => r[0] === '2026-12-07').slice(0, 2), ['2026-12-07', '3']);
  const each = await download(page, 'export-rows-xlsx');
  const tickets = sheetRows(unzip(each.data));
  assert.equal(tickets.length, 4, 'a header and three tickets');
  assert.deepEqual(tickets.slice(1).map((r) => r[0]).sort(), [...scene.numbers].sort());
  const opened = tickets[0].indexOf('opened_at');
  for (const r of tickets.slice(1)) assert.match(r[opened], /^2026-12-07T10:00:00-05:00$/, 'times in the desk zone');
  const eachCsv = await download(page, 'export-rows-csv');
  assert.equal(eachCsv.data.toString('utf8').trim().split(/\r\n/).length, 4);
});

test('wallboard: full screen, no controls, follows the live stream and the clock', async ({ page, server, scene }) => {
  // Signed in on the console first (the board has no header to wait for), then the board.
  await signIn(page, server.url, 'supervisor', '/', { desk: NM.id });
  await page.goto(server.url + '/wallboard');
  const board = page.getByTestId('wallboard');
  await board.waitFor({ timeout: TIMEOUT });
  assert.equal(await page.locator('header.top').count(), 0, 'no shell: the board is the whole screen');
  assert.equal(await board.locator('button, input, select').count(), 0, 'nothing to operate');
  const open = page.getByTestId('tile-tickets_open').locator('.figure');
  await until(async () => (await open.innerText()) === '2', 'two open tickets');
  // A ticket opened elsewhere shows without a reload.
  await scene.agent.must('POST', '/api/v1/tickets', {
    kind: 'incident',
    customer_id: scene.customer.id,
    service_id: 'RB-4',
    category: 'outage',
    priority: 2,
    subject: 'Caída RB-4',
    caller: { name: 'Ana Gómez', phone: '+57 300 555 0101' },
  });
  await until(async () => (await open.innerText()) === '3', 'three open tickets');
  // The figures are big: readable from three metres on a 1280×800 screen.
  const size = await open.evaluate((e) => parseFloat(getComputedStyle(e).fontSize));
  assert.ok(size >= 100, `figures ${size}px high`);
  await check(page, 'wallboard-live');
  // A day later every target has passed: the breached tile turns red.
  const admin = await server.api('admin');
  await admin.must('POST', '/api/v1/clock', { now: '2026-12-08T22:00:00Z' });
  // A day on, the supervisor's session has ended with the virtual clock: sign in again.
  await signIn(page, server.url, 'supervisor', '/', { desk: NM.id });
  await page.goto(server.url + '/wallboard');
  const breached = page.getByTestId('tile-tickets_breached');
  await until(async () => (await breached.locator('.figure').innerText()) === '3', 'breached tickets');
  assert.match(await breached.getAttribute('class'), /bad/);
  await check(page, 'wallboard-breached');
});

test('agent: no reports screen, but the wallboard', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/reports');
  await page.getByRole('heading', { name: /Sin acceso|No access/ }).waitFor({ timeout: TIMEOUT });
  const r = await page.evaluate(async () => (await fetch('/api/v1/reports/tickets?from=2026-12-01&to=2026-12-07')).status);
  assert.equal(r, 403);
  await page.goto(server.url + '/wallboard');
  await page.getByTestId('tile-tickets_open').waitFor({ timeout: TIMEOUT });
});

await runSuite(tests, {
  server: await new Server().start(),
  setUp: async ({ server }) => ({ scene: await scene(server), data: {} }),
  context: { viewport: { width: 1280, height: 800 }, acceptDownloads: true },
  timeout: TIMEOUT,
});
