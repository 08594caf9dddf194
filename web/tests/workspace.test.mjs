// The workspace (issue 15) in a real browser: the header on one row at 1366
// and 1024 px with the desk's colour, the `?` shortcut overlay, light and dark
// themes; queue views (counts, sorting, j/k/Enter, SLA countdowns, late ZB
// cases and notices); Enter / Ctrl+Enter submitting, focus after navigation;
// the notice's verdict asked and confirmed; words and dates from the
// catalogues; axe-core's WCAG 2.1 A/AA rules on every screen in both
// languages, and a screenshot of each at 1366×768 and 1024×768 under
// ATIENDE_ARTIFACTS. One server, one browser. Run by ctest (CMakeLists.txt).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';

import { NM, Server, TIMEOUT, ZB, axe, runSuite, screenshotPath, signIn, sleep, until } from './lib.mjs';

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// The header's parts on one row, nothing cut off.
async function headerOneRow(page) {
  return page.evaluate(() => {
    const h = document.querySelector('header.top');
    const tops = [...h.children].filter((c) => c.getBoundingClientRect().width > 1 && getComputedStyle(c).position !== 'absolute').map((c) => {
      const r = c.getBoundingClientRect();
      return r.top + r.height / 2;
    });
    return { spread: Math.max(...tops) - Math.min(...tops), overflow: h.scrollWidth - h.clientWidth, height: h.getBoundingClientRect().height };
  });
}

// The screen's reads answered: nothing says «Cargando…» and no request is
// in flight for a moment (the change feed's stream aside).
async function settled(page) {
  await until(async () => !(await page.locator('main').innerText()).match(/Cargando|Loading/), 'the screen loaded');
  await page.waitForLoadState('load');
  await sleep(150);
}

async function setLang(page, lang) {
  await page.locator('#lang-select').selectOption(lang);
  await until(async () => (await page.evaluate(() => document.documentElement.lang)) === lang, 'the language switched');
}

// Advances the ZB case to the notice's follow-up: the supervisor's step done
// with the visit, as the browser test's flow does.
async function coordinate(sup, number, zone) {
  const c = await sup.must('GET', '/api/v1/cases/' + number);
  const now = new Date((await sup.must('GET', '/api/v1/clock')).now);
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(new Date(now.getTime() + 2 * 86400000));
  const phones = ['+56 9 6111 2222', '+56 2 2345 6789'];
  const fields = {};
  for (const f of c.step.form) {
    if (f.type === 'date') fields[f.name] = day;
    else if (f.type === 'phone') fields[f.name] = phones.shift() ?? '+56 9 6555 6666';
    else if (f.type === 'choice') fields[f.name] = f.options[0];
    else fields[f.name] = 'Portón verde, camino a Buin km 3';
  }
  const outcome = c.step.outcomes.find((o) => o.id === 'contacted') ?? c.step.outcomes[0];
  return sup.must('POST', `/api/v1/cases/${number}/steps/${c.step.id}`, { outcome: outcome.id, fields });
}

const server = await new Server().start();
let browser;
const scene = {};

// The scene every test reads: NM tickets (one assigned to the supervisor),
// ZB cases (one overdue, one waiting on the supervisor), an open notice.
async function setScene() {
  let agent = await server.api('agente');
  let supNM = await server.api('supervisor', NM.id);
  const supZB = await server.api('supervisor', ZB.id);
  let agentZB = await server.api('agente.zb');
  const admin = await server.api('admin');
  const find = async (api, q) => (await api.must('GET', '/api/v1/customers?q=' + encodeURIComponent(q))).items[0];
  const yupi = await find(agent, 'yupi');
  const alpina = await find(agent, 'alpina');
  scene.late = await agent.must('POST', '/api/v1/tickets', {
    kind: 'incident', category: 'degradation', customer_id: yupi.id, service_id: 'SID-500120', subject: 'Lentitud Yupi', caller: { name: 'Rosa' },
  });
  const robles = await find(agentZB, 'robles');
  const bahia = await find(agentZB, 'bahía');
  scene.overdueCase = await agentZB.must('POST', '/api/v1/cases', { procedure: 'zb-unblock', customer_id: robles.id, intake: { caller: 'Juan Soto', phones: ['+56 9 6765 4321'], comment: 'Necesita gas' } });
  const coordinated = await coordinate(supZB, scene.overdueCase.number, ZB.zone);
  scene.notice = coordinated.notice;
  // Three days without news of the notice: overdue (the engine's follow-ups).
  await admin.must('POST', '/api/v1/clock', { advance: 'PT73H' });
  // Sessions age on the same clock: new ones.
  agent = await server.api('agente');
  supNM = await server.api('supervisor', NM.id);
  agentZB = await server.api('agente.zb');
  scene.waitingCase = await agentZB.must('POST', '/api/v1/cases', { procedure: 'zb-unblock', customer_id: bahia.id, intake: { caller: 'Ana Vera', phones: ['+56 9 6222 3333'], comment: 'Sin gas' } });
  scene.fresh = await agent.must('POST', '/api/v1/tickets', {
    kind: 'requirement', category: 'change', customer_id: alpina.id, service_id: 'SID-300077', subject: 'Cambio de ancho de banda', caller: { name: 'Laura' },
  });
  scene.fresh = await supNM.must('PATCH', `/api/v1/tickets/${scene.fresh.number}`, { assigned_engineer: 'supervisor', assigned_group: 'Redes', version: scene.fresh.version });
  assert.equal((await agentZB.must('GET', '/api/v1/cases/' + scene.overdueCase.number)).overdue.state, 'overdue');
}

test('header: one row at 1366 and 1024 px, the desk named and coloured, no side panel of shortcuts', async ({ page }) => {
  await signIn(page, server.url, 'admin', '/admin/users', { desk: NM.id });
  for (const lang of ['es-419', 'en']) {
    await setLang(page, lang);
    for (const width of [1366, 1024]) {
      await page.setViewportSize({ width, height: 768 });
      const r = await headerOneRow(page);
      assert.ok(r.spread < 4 && r.overflow <= 0 && r.height < 56, `admin ${lang} at ${width}: the header wraps or overflows: ${JSON.stringify(r)}`);
    }
  }
  await setLang(page, 'es-419');
  const nmColour = await page.evaluate(() => getComputedStyle(document.querySelector('header.top')).borderLeftColor);
  await page.goto(server.url + '/admin/users?desk=' + ZB.id);
  await page.locator('header.top').waitFor();
  const zbColour = await page.evaluate(() => getComputedStyle(document.querySelector('header.top')).borderLeftColor);
  assert.notEqual(nmColour, zbColour, 'each desk has its colour in the header');
  // The supervisor's call screen: the shortcuts are a `?` overlay, not a panel.
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1024, height: 768 } });
  const p = await ctx.newPage();
  p.setDefaultTimeout(TIMEOUT);
  await signIn(p, server.url, 'supervisor', '/call', { desk: ZB.id });
  await p.locator('#customer-search').waitFor();
  const r = await headerOneRow(p);
  assert.ok(r.spread < 4 && r.overflow <= 0, `supervisor at 1024: the header wraps: ${JSON.stringify(r)}`);
  assert.equal(await p.getByRole('complementary', { name: 'Atajos de teclado' }).count(), 0, 'no permanent shortcut panel');
  await p.locator('h1').click(); // out of the search field: `?` is a key there
  await p.keyboard.press('?');
  const help = p.getByTestId('shortcuts');
  await help.waitFor();
  const text = await help.innerText();
  assert.match(text, /Alt\+B/, 'the screen’s own shortcuts');
  assert.match(text, /Alt\+Shift\+C/, 'the desk switch');
  assert.match(text, /Alt\+Shift\+2/, 'the screens');
  await p.keyboard.press('Escape');
  await until(async () => !(await help.isVisible()), 'Esc closes the overlay');
  await ctx.close();
});

test('themes: the OS’s by default, the user’s choice kept per user', async () => {
  const ctx = await browser.newContext({ bypassCSP: true, colorScheme: 'dark', viewport: { width: 1366, height: 768 } });
  const p = await ctx.newPage();
  p.setDefaultTimeout(TIMEOUT);
  const bg = () => p.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await signIn(p, server.url, 'despacho', '/notices');
  await p.getByTestId('views').waitFor();
  assert.equal(await bg(), 'rgb(22, 24, 29)', 'dark like the OS');
  assert.equal(await p.getByTestId('theme').getAttribute('aria-pressed'), 'true');
  await p.screenshot({ path: screenshotPath('ws-dark-dispatch-notices-1366') });
  assert.deepEqual(await axe(p, { wcagAA: true }), [], 'dark theme: WCAG AA');
  await p.getByTestId('theme').click();
  assert.equal(await bg(), 'rgb(255, 255, 255)', 'light once chosen');
  await p.reload();
  await p.getByTestId('views').waitFor();
  assert.equal(await bg(), 'rgb(255, 255, 255)', 'the choice is kept');
  // Another user at this browser follows the OS until choosing.
  await p.getByRole('button', { name: 'Cerrar sesión' }).click();
  await signIn(p, server.url, 'mesa', '/unblocks');
  await p.locator('main h1').waitFor();
  assert.equal(await bg(), 'rgb(22, 24, 29)', 'the other user’s theme is their own');
  await ctx.close();
});

test('cases: the supervisor sees overdue work first, with counts, and opens it in 2 keys', async ({ page }) => {
  await signIn(page, server.url, 'supervisor', '/cases', { desk: ZB.id });
  const queue = page.getByTestId('case-queue');
  await queue.getByText(scene.overdueCase.number).waitFor();
  // Not only the cases waiting on the supervisor: the overdue one is listed, first, marked.
  const rows = await queue.locator('tbody tr').allInnerTexts();
  assert.match(rows[0], new RegExp(scene.overdueCase.number), 'the overdue case first: ' + rows.join(' | '));
  assert.match(rows[0], /Atrasado \(\d+ recordatorios?\)/);
  assert.ok(rows.some((r) => r.includes(scene.waitingCase.number)), 'the case waiting on the supervisor too');
  const count = async (view) => Number(await page.locator(`[data-view=${view}] [data-testid=view-count]`).innerText().then((s) => s.replace(/\D/g, '')));
  assert.equal(await count('overdue'), 1);
  assert.equal(await count('mine'), 1);
  assert.equal(await count('open'), 2);
  // The case list to the overdue case: j, Enter.
  await page.locator('main h1').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/cases/${scene.overdueCase.number}?desk=${ZB.id}`);
  await page.getByRole('heading', { name: `Caso ${scene.overdueCase.number}` }).waitFor();
  // The notice's state in words, the follow-ups counted in the right number.
  const notice = await page.getByTestId('case-notice').innerText();
  assert.match(notice, /Abierto/);
  assert.doesNotMatch(notice, /\bopen\b/);
  assert.doesNotMatch(notice, /\+56/, 'phones in the national format: ' + notice);
  assert.match(await page.locator('main').innerText(), /\d+ recordatorios? enviados?/);
  assert.doesNotMatch(await page.locator('main').innerText(), /\b1 recordatorios\b/);
  assert.doesNotMatch(await page.getByTestId('timeline').innerText(), /\bsystem\b/, 'the actor "system" in words');
  // The focus is on the screen's heading after the navigation.
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
  // The "Overdue" view keeps only it; the choice stays.
  await page.goBack();
  await page.locator('[data-view=overdue]').click();
  await until(async () => (await queue.locator('tbody tr').count()) === 1, 'only the overdue case');
  await page.reload();
  await until(async () => (await page.locator('[data-view=overdue]').getAttribute('aria-pressed')) === 'true', 'the view is remembered');
});

test('tickets: views with counts, SLA countdown coloured, sortable columns, assignee and age', async ({ page }) => {
  await signIn(page, server.url, 'supervisor', '/tickets', { desk: NM.id });
  const queue = page.getByTestId('ticket-queue');
  await queue.getByText(scene.fresh.number).waitFor();
  const late = queue.locator('tr', { hasText: scene.late.number });
  const fresh = queue.locator('tr', { hasText: scene.fresh.number });
  // 73 h old: breached, red; a new one: time left.
  assert.equal(await late.locator('.sla').getAttribute('data-sla'), 'breached');
  assert.match(await late.locator('.sla').innerText(), /vencido hace/);
  assert.match(await fresh.locator('.sla').innerText(), /quedan \d/);
  assert.match(await fresh.innerText(), /supervisor/, 'the assignee');
  assert.match(await late.innerText(), /3 d 1 h/, 'the age');
  const count = async (view) => Number((await page.locator(`[data-view=${view}] [data-testid=view-count]`).innerText()).replace(/\D/g, ''));
  assert.equal(await count('mine'), 1);
  assert.ok((await count('breached')) >= 1);
  await page.locator('[data-view=mine]').click();
  await until(async () => (await queue.locator('tbody tr').count()) === 1, 'mine: the one assigned to me');
  await page.locator('[data-view=open]').click();
  // Sorting by a column, both ways.
  await page.locator('button.sort[data-column=customer]').click();
  const names = async () => queue.locator('tbody tr td:nth-child(3)').allInnerTexts();
  const asc = await names();
  assert.deepEqual(asc, [...asc].sort((a, b) => a.localeCompare(b)));
  assert.equal(await page.locator('th[aria-sort=ascending]').count(), 1);
  await page.locator('button.sort[data-column=customer]').click();
  assert.deepEqual(await names(), [...asc].reverse());
  // Group and assignee from lists.
  const groups = await page.locator('#queue-group option').allInnerTexts();
  assert.ok(groups.includes('Redes'), groups.join(','));
  // Amber at 75% of the target: 3/4 of the fresh ticket's response time passes.
  const sup = await server.api('supervisor', NM.id);
  const tk = await sup.must('GET', '/api/v1/tickets/' + scene.fresh.number);
  const total = new Date(tk.sla.response_due) - new Date(tk.created_at);
  const now = new Date((await sup.must('GET', '/api/v1/clock')).now);
  const target = new Date(new Date(tk.created_at).getTime() + total * 0.8);
  if (target > now) {
    const admin = await server.api('admin');
    await admin.must('POST', '/api/v1/clock', { now: target.toISOString() });
    await until(async () => (await fresh.locator('.sla').getAttribute('data-sla')) === 'warn', 'amber at 75% of the target, live');
  }
  // j/k walk the rows, Enter opens one; the page's heading gets the focus.
  await page.locator('main h1').focus();
  await page.keyboard.press('j');
  await page.keyboard.press('j');
  await page.keyboard.press('k');
  const first = await queue.locator('tbody tr').first().locator('a').innerText();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), first);
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/tickets/${first}?desk=${NM.id}`);
  await page.getByTestId('ticket-detail').waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.tagName), 'H1');
});

test('Enter on a drop-down and Ctrl+Enter in a text area send the form; focus after Alt+Shift+N', async ({ page }) => {
  await signIn(page, server.url, 'supervisor', `/tickets/${scene.late.number}`, { desk: NM.id });
  const form = page.getByTestId('ticket-edit');
  await form.waitFor();
  const sup = await server.api('supervisor', NM.id);
  const before = (await sup.must('GET', '/api/v1/tickets/' + scene.late.number)).version;
  await form.getByLabel(/Prioridad/).selectOption({ index: 0 });
  await form.getByLabel(/Prioridad/).press('Enter');
  await until(async () => (await sup.must('GET', '/api/v1/tickets/' + scene.late.number)).version > before, 'Enter on the drop-down saved');
  const note = form.locator('textarea').first();
  await note.fill('Escalado a campo');
  await note.press('Enter'); // a new line, not sent
  assert.match(await note.inputValue(), /\n$/);
  await note.press('Control+Enter');
  await until(async () => (await sup.must('GET', '/api/v1/tickets/' + scene.late.number)).updates.some((u) => u.text.includes('Escalado a campo')), 'Ctrl+Enter sent the note');
  // Alt+Shift+1 (the call screen) takes the focus to its search; Alt+Shift+2 to the queue's heading.
  await page.keyboard.press('Alt+Shift+2');
  await page.waitForURL('**/tickets?desk=' + NM.id);
  await until(async () => (await page.evaluate(() => document.activeElement?.tagName)) === 'H1', 'the heading has the focus');
  await page.keyboard.press('Tab');
  assert.ok(await page.evaluate(() => !!document.activeElement?.closest('main')), 'the next Tab is in the screen');
});

test('notices: late ones marked; the verdict is not preselected, asked for and confirmed; the form resets', async ({ page }) => {
  await signIn(page, server.url, 'despacho', '/notices');
  const list = page.getByTestId('notice-list');
  const row = list.locator('tr', { hasText: scene.notice.number });
  await row.waitFor();
  assert.match(await row.innerText(), /Atrasado/, 'the overdue mark');
  await row.getByRole('link').click();
  const ed = page.getByTestId('notice-editor');
  await ed.waitFor();
  assert.equal(await ed.locator('input[name=outcome]:checked').count(), 0, 'no verdict preselected');
  await ed.getByRole('button', { name: 'Cerrar aviso' }).click();
  await ed.getByText('Elija el resultado de la visita.').waitFor();
  await ed.getByLabel('Instalación apta').check();
  const obs = ed.getByLabel(/Observaciones del técnico/);
  await obs.fill('Todo en orden');
  await obs.press('Control+Enter');
  const dialog = page.getByTestId('notice-confirm');
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /Instalación apta/);
  await page.screenshot({ path: screenshotPath('ws-notice-confirm-1366') });
  assert.deepEqual(await axe(page, { wcagAA: true }), []);
  await page.keyboard.press('Escape'); // keeps it open
  const disp = await server.api('despacho');
  assert.equal((await disp.must('GET', '/api/v1/notices/' + scene.notice.number)).state, 'open');
  await ed.getByRole('button', { name: 'Cerrar aviso' }).click();
  await dialog.getByRole('button', { name: 'Sí, cerrar el aviso' }).click();
  await page.getByText(`Aviso ${scene.notice.number} cerrado.`).waitFor();
  assert.equal((await disp.must('GET', '/api/v1/notices/' + scene.notice.number)).outcome, 'apta');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'notice-title', 'the focus on the notice, not the button');

  // The back office's unblock lifts the block and closes the case: asked first.
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 768 } });
  const bo = await ctx.newPage();
  bo.setDefaultTimeout(TIMEOUT);
  await signIn(bo, server.url, 'mesa', '/unblocks');
  const card = bo.getByTestId('case').filter({ hasText: scene.overdueCase.number });
  await card.getByRole('button', { name: 'Cliente desbloqueado' }).click();
  const ask = bo.getByTestId('step-confirm');
  await ask.waitFor();
  assert.match(await ask.innerText(), new RegExp(scene.overdueCase.number));
  await bo.keyboard.press('Escape');
  assert.equal((await disp.must('GET', '/api/v1/cases/' + scene.overdueCase.number)).state, 'open', 'Esc keeps the case open');
  await card.getByRole('button', { name: 'Cliente desbloqueado' }).click();
  await ask.getByRole('button', { name: 'Sí: Cliente desbloqueado' }).click();
  await bo.getByText(/Paso registrado/).waitFor();
  assert.equal((await disp.must('GET', '/api/v1/cases/' + scene.overdueCase.number)).state, 'closed');
  await ctx.close();
});

test('words and dates: one date format per language, in the desk’s zone', async ({ page }) => {
  await signIn(page, server.url, 'supervisor', `/cases/${scene.overdueCase.number}`, { desk: ZB.id });
  await page.getByTestId('case-notice').waitFor();
  // The engine's codes and numbers in the user's words and format.
  const tl = await page.getByTestId('timeline').innerText();
  assert.match(tl, /cerrado: Instalación apta/, tl);
  assert.doesNotMatch(tl, /\+56\d{8}/, 'phones in the national format: ' + tl);
  const dates = async () => (await page.locator('main').innerText()).match(/\b\d{1,4}[-/.]\d{1,2}[-/.]\d{2,4}\b/g) ?? [];
  const es = await dates();
  assert.ok(es.length >= 2, es.join(','));
  assert.ok(es.every((d) => /^\d{2}\/\d{2}\/\d{4}$/.test(d)), 'es-419: dd/mm/yyyy everywhere: ' + es.join(','));
  await setLang(page, 'en');
  await until(async () => (await dates()).every((d) => /^\d{2}\/\d{2}\/\d{4}$/.test(d)) && /Case /.test(await page.locator('main h1').innerText()), 'en: mm/dd/yyyy everywhere');
  await setLang(page, 'es-419');
});

// Every screen of every role, both languages, both sizes: a screenshot and
// axe-core's WCAG 2.1 A/AA rules (0 violations).
test('every screen: WCAG 2.1 AA in es-419 and en; screenshots at 1366 and 1024', async () => {
  const screens = [
    { user: 'agente', paths: ['/call', '/customers'] },
    { user: 'supervisor', desk: NM.id, paths: ['/call', '/tickets', `/tickets/${scene.late.number}`, '/customers'] },
    { user: 'supervisor', desk: ZB.id, paths: ['/cases', `/cases/${scene.waitingCase.number}`, '/notices', `/notices/${scene.notice.number}`] },
    { user: 'despacho', paths: ['/notices'] },
    { user: 'mesa', paths: ['/unblocks'] },
    { user: 'admin', desk: NM.id, paths: ['/admin/users', '/admin/directory', '/admin/import', '/admin/mail', '/admin/desks'] },
    { user: 'cliente', paths: ['/portal'] },
  ];
  const bad = [];
  for (const s of screens) {
    const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1366, height: 768 }, timezoneId: 'Asia/Tokyo' });
    const p = await ctx.newPage();
    p.setDefaultTimeout(TIMEOUT);
    await signIn(p, server.url, s.user, s.paths[0] + (s.desk ? '?desk=' + s.desk : ''), { desk: s.desk });
    for (const lang of ['es-419', 'en']) {
      await setLang(p, lang);
      for (const path of s.paths) {
        await p.setViewportSize({ width: 1366, height: 768 });
        // A client-side navigation (as the menu does): no reload per screen.
        await p.evaluate((to) => {
          history.pushState(null, '', to);
          dispatchEvent(new PopStateEvent('popstate'));
        }, path + (s.desk ? '?desk=' + s.desk : ''));
        await p.locator('main h1').first().waitFor();
        await settled(p);
        const name = `ws-${s.user}${s.desk ? '-' + s.desk.split('-')[1] : ''}${path.replace(/\//g, '-')}-${lang}`;
        await p.screenshot({ path: screenshotPath(name + '-1366') });
        for (const v of await axe(p, { wcagAA: true })) bad.push({ screen: name, ...v });
        await p.setViewportSize({ width: 1024, height: 768 });
        const r = await headerOneRow(p);
        if (r.spread >= 4 || r.overflow > 0) bad.push({ screen: name, id: 'header-wraps-at-1024', r });
        await p.screenshot({ path: screenshotPath(name + '-1024') });
      }
    }
    await ctx.close();
  }
  // The sign-in form, both languages.
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1024, height: 768 } });
  const p = await ctx.newPage();
  await p.goto(server.url + '/');
  await p.getByLabel('Usuario').waitFor();
  for (const v of await axe(p, { wcagAA: true })) bad.push({ screen: 'login', ...v });
  await p.screenshot({ path: screenshotPath('ws-login-1024') });
  await ctx.close();
  writeFileSync(screenshotPath('ws-violations').replace(/\.png$/, '.json'), JSON.stringify(bad, null, 1));
  assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
});

await runSuite(tests, {
  server,
  setUp: async ({ browser: b }) => {
    browser = b;
    await setScene();
  },
  context: { timezoneId: 'Asia/Tokyo', locale: 'es-CO', viewport: { width: 1366, height: 768 } },
  timeout: TIMEOUT,
});
