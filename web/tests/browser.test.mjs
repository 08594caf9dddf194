// The console and the portal in a real browser (issue 7): each role's main
// flow end to end against the real binary (SQLite, virtual clock), role
// isolation, the NM desk's reopen and blocked-creation paths, a lost
// connection, the language switch; axe-core on each main screen (no serious
// or critical violations) and a screenshot of each under ATIENDE_ARTIFACTS.
// The demo has two desks (lib.mjs NM, ZB): NM flows run as agente and cliente
// in cirion-nm, ZB flows as agente.zb, despacho and mesa in abastible-zb;
// supervisor and admin work in both and choose one after signing in.
// Run by ctest (CMakeLists.txt); exits non-zero when any test fails.
import assert from 'node:assert/strict';
import { Keys, NM, PASSWORD, Server, TIMEOUT, ZB, axe, check, expectText, runSuite, signIn, sleep } from './lib.mjs';

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

// Waits (bounded) until the header names the desk: "Campaña: <name> <zone>"
// (or "Desk: …" in English), its parts on one line as the eye reads them.
async function expectDesk(page, desk, label = 'Campaña') {
  const want = `${label}: ${desk.name} ${desk.zone}`;
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const text = (await page.getByTestId('desk').innerText()).replace(/\s+/g, ' ').trim();
    if (text.startsWith(want)) return text;
    if (Date.now() > deadline) assert.fail(`the header says «${text}», not «${want}»`);
    await sleep(100);
  }
}

// Picks a customer with the keyboard from the call workspace.
async function pickCustomer(page, keys, query) {
  await page.locator('#customer-search').focus();
  await keys.type(query);
  await page.locator('#customer-results [role=option]').first().waitFor();
  await keys.press('Enter');
  await page.getByTestId('customer-card').waitFor();
}

test('agent: known customer → incident opened by keyboard in ≤ 8 actions', async ({ page, server }) => {
  await signIn(page, server.url, 'agente');
  await page.waitForURL('**/call');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'customer-search', 'the search has the focus');
  const keys = new Keys(page);
  await keys.type('salud total');
  const first = page.locator('#customer-results [role=option]').first();
  await first.waitFor();
  const text = await first.innerText();
  assert.match(text, /SALUD TOTAL/);
  assert.match(text, /Prioritario/, 'the Prioritario badge shows');
  assert.match(text, /Legacy sin Out/, 'the technology shows');
  await keys.press('Enter');
  await page.getByTestId('customer-card').waitFor();
  await keys.press('Enter'); // "Incidente", focused after the pick
  await page.getByRole('heading', { name: 'Nuevo incidente' }).waitFor();
  await expectText(page.locator('.definition'), /afecta directamente el servicio/);
  await keys.type('Ana Pérez');
  await keys.press('Tab');
  await keys.type('Sin servicio en la sede principal');
  await check(page, 'agent-incident-form');
  await keys.press('Enter');
  await page.getByText(/Ticket CS0000001 abierto/).waitFor();
  assert.ok(keys.count <= 8, `took ${keys.count} keyboard actions: ${keys.log.join(' ')}`);
  const sup = await server.api('supervisor', NM.id);
  const tk = await sup.must('GET', '/api/v1/tickets/CS0000001');
  assert.equal(tk.customer.legal_name, 'SALUD TOTAL EPS-S S.A');
  assert.equal(tk.caller.name, 'Ana Pérez');
  assert.equal(tk.service.service_id, 'SID-100231');
  const calls = await sup.must('GET', '/api/v1/interactions?ticket=CS0000001');
  assert.equal(calls.items[0].outcome, 'ticket_opened', 'the call is logged with the opening');
});

test('errors: a wrong password and a missing field say so next to them', async ({ page, server }) => {
  await page.goto(server.url + '/');
  await page.getByLabel(/Usuario/).fill('agente');
  await page.getByLabel(/Contraseña/).fill('no-es-la-clave');
  await page.keyboard.press('Enter');
  await page.getByText('Usuario o contraseña incorrectos.').waitFor();
  assert.equal(await page.getByLabel(/Usuario/).inputValue(), 'agente', 'the username is kept');
  await signIn(page, server.url, 'agente', '/call');
  const keys = new Keys(page);
  await pickCustomer(page, keys, 'rcn');
  await keys.press('Enter');
  await page.getByRole('textbox', { name: 'Nombre de quien llama', exact: true }).fill('Jorge');
  await page.keyboard.press('Enter'); // no subject
  const subject = page.getByRole('textbox', { name: 'Asunto', exact: true });
  await page.locator('input[name=subject][aria-invalid=true]').waitFor();
  const described = await subject.getAttribute('aria-describedby');
  await expectText(page.locator('#' + described.split(' ').pop()), /Este dato es obligatorio/);
  await check(page, 'agent-missing-subject');
});

test('agent: blocked creation shows the ticket and the next step', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  const keys = new Keys(page);
  await pickCustomer(page, keys, 'salud total');
  await keys.press('Enter');
  await page.getByLabel(/Nombre de quien llama/).fill('Ana Pérez');
  await page.getByLabel('Asunto').fill('Sigue sin servicio');
  await page.keyboard.press('Enter');
  const blocked = page.getByTestId('blocked');
  await blocked.waitFor();
  await expectText(blocked, /CS0000001 \(Nuevo\)/);
  await expectText(blocked, /seguimiento/i);
  // Resolved but not closed: the customer can close it in the portal.
  const sup = await server.api('supervisor', NM.id);
  await sup.must('POST', '/api/v1/tickets/CS0000001/resolve', { resolution: 'Se reinició el CPE' });
  await page.getByRole('button', { name: /Abrir incidente/ }).click();
  await page.getByText(/resuelto pero no cerrado/).waitFor();
  await expectText(blocked, /cerrarlo en el portal/);
  assert.equal(await page.getByLabel('Asunto').inputValue(), 'Sigue sin servicio', 'the input is kept');
  await check(page, 'agent-blocked-creation');
});

// A fast typist presses Enter before the results of the whole name arrive:
// the pick is from those, not from the results of the first letter still on
// screen ("a" lists ALPINA first in the NM desk). The answers for anything
// but "a" are held back to make that moment last.
test('agent: Enter pressed before the results of what is typed waits for them', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  await page.route('**/api/v1/customers?*', async (route) => {
    if (new URL(route.request().url()).searchParams.get('q') !== 'a') await sleep(1500);
    await route.continue().catch(() => {}); // the console may have cancelled it meanwhile
  });
  await page.locator('#customer-search').focus();
  await page.keyboard.type('a');
  await expectText(page.locator('#customer-results [role=option]').first(), /ALPINA/);
  await page.keyboard.type('ress');
  await page.keyboard.press('Enter');
  await expectText(page.getByTestId('customer-card'), /ARESS CORREDORES DE SEGUROS/);
  await page.unroute('**/api/v1/customers?*');
});

// The same for the derivation: Alt+A while the answer for the last letters is
// on its way derives with the whole company name, once no customer matches it.
test('agent: Alt+A pressed before the results of what is typed derives with the whole name', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  await page.locator('#customer-search').focus();
  await page.keyboard.type('Zeta Inexistente');
  await page.getByText(/Ningún cliente coincide/).waitFor();
  await page.locator('#derive-caller').fill('Inés Ruiz');
  await page.route('**/api/v1/customers?*', async (route) => {
    await sleep(1500);
    await route.continue().catch(() => {});
  });
  await page.locator('#customer-search').focus();
  await page.keyboard.press('End');
  await page.keyboard.type(' Norte');
  await page.keyboard.press('Alt+A');
  await page.getByText(/derivada a Assurance/).waitFor();
  await page.unroute('**/api/v1/customers?*');
  const sup = await server.api('supervisor', NM.id);
  const c = (await sup.must('GET', '/api/v1/interactions?limit=5')).items.find((x) => x.caller.name === 'Inés Ruiz');
  assert.equal(c?.caller.company, 'Zeta Inexistente Norte');
});

// With no match a few letters ago, Enter asks for the caller's name at once
// (the agent types it straight on), and the derivation still waits for the
// answer on its way so the company is logged as typed.
test('agent: no match yet → Enter asks the caller’s name at once while the last answer is on its way', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  await page.locator('#customer-search').focus();
  await page.keyboard.type('Zeta Inexistente');
  await page.getByText(/Ningún cliente coincide/).waitFor();
  await page.route('**/api/v1/customers?*', async (route) => {
    await sleep(1500);
    await route.continue().catch(() => {});
  });
  await page.keyboard.type(' Norte');
  await page.keyboard.press('Enter');
  await page.keyboard.type('Marta Gil');
  await page.keyboard.press('Enter');
  await page.getByText(/derivada a Assurance/).waitFor();
  await page.unroute('**/api/v1/customers?*');
  const sup = await server.api('supervisor', NM.id);
  const c = (await sup.must('GET', '/api/v1/interactions?limit=5')).items.find((x) => x.caller.name === 'Marta Gil');
  assert.equal(c?.caller.company, 'Zeta Inexistente Norte');
});

test('agent: unknown customer → derived to Assurance', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  const keys = new Keys(page);
  await keys.type('Transportes Inexistentes Zeta');
  await page.getByText(/Ningún cliente coincide/).waitFor();
  await keys.press('Enter'); // to the caller's name
  await keys.type('Pedro Gómez');
  await keys.press('Enter');
  await page.getByText(/derivada a Assurance/).waitFor();
  assert.ok(keys.count <= 4, `took ${keys.count}`);
  const sup = await server.api('supervisor', NM.id);
  const calls = await sup.must('GET', '/api/v1/interactions?limit=5');
  const c = calls.items.find((x) => x.outcome === 'derived_assurance');
  assert.ok(c, 'a derived call is logged');
  assert.equal(c.caller.name, 'Pedro Gómez');
  assert.equal(c.caller.company, 'Transportes Inexistentes Zeta');
  await check(page, 'agent-derived');
});

test('agent: follow-up by number, reopen the same day, refused later → new linked ticket', async ({ page, server }) => {
  let sup = await server.api('supervisor', NM.id);
  // CS0000001 was resolved today (above): reopening is allowed.
  await signIn(page, server.url, 'agente', '/call');
  const keys = new Keys(page);
  await keys.press('Alt+S');
  await keys.type('cs0000001');
  await keys.press('Tab');
  await keys.type('Ana Pérez');
  await keys.press('Enter');
  await page.getByTestId('ticket-detail').waitFor();
  assert.ok(keys.count <= 5, `follow-up took ${keys.count}`);
  await expectText(page.getByTestId('ticket-detail'), /Resuelto/);
  await check(page, 'agent-follow-up');
  await page.getByLabel(/Motivo/).fill('Sigue intermitente');
  await page.keyboard.press('Enter');
  await page.getByText(/volvió a «En curso»/).waitFor();
  assert.equal((await sup.must('GET', '/api/v1/tickets/CS0000001')).state, 'in_progress');

  // Resolved again, and two days pass: the rule refuses and says what to do.
  await sup.must('POST', '/api/v1/tickets/CS0000001/resolve', { resolution: 'Cambio de puerto' });
  const admin = await server.api('admin');
  await admin.must('POST', '/api/v1/clock', { advance: 'PT48H' });
  await signIn(page, server.url, 'agente', '/call'); // the session aged two days too
  await page.keyboard.press('Alt+S');
  await page.locator('#follow-number').fill('CS0000001');
  await page.getByLabel(/Nombre de quien llama/).fill('Ana Pérez');
  await page.keyboard.press('Enter');
  await page.getByLabel(/Motivo/).fill('Volvió a fallar');
  await page.keyboard.press('Enter');
  const refused = page.getByTestId('reopen-refused');
  await refused.waitFor();
  await expectText(refused, /no se resolvió hoy/);
  await check(page, 'agent-reopen-refused');
  await refused.getByRole('button', { name: /vinculado a CS0000001/ }).press('Enter');
  await page.getByText(/quedará vinculado a CS0000001/).waitFor();
  await page.getByLabel('Asunto').fill('Falla recurrente');
  await page.keyboard.press('Enter');
  await page.getByText(/Ticket CS0000002 abierto/).waitFor();
  sup = await server.api('supervisor', NM.id); // sessions aged two days
  const tk = await sup.must('GET', '/api/v1/tickets/CS0000002');
  assert.equal(tk.linked_to, 'CS0000001');
  assert.equal((await sup.must('GET', '/api/v1/tickets/CS0000001')).state, 'closed');
});

test('agent: service information without a ticket; end call logs the call', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  const keys = new Keys(page);
  await pickCustomer(page, keys, 'alpina');
  await keys.press('Alt+V');
  await keys.type('Luis Mora');
  await keys.press('Enter');
  const info = page.getByTestId('service-info');
  await info.waitFor();
  await expectText(info, /Laura Pineda/);
  await expectText(info, /SID-300077/);
  await check(page, 'agent-service-info');
  await keys.press('Alt+T');
  await page.getByText(/Llamada terminada/).waitFor();
  // A call with nothing done is still logged when it ends.
  await pickCustomer(page, keys, 'yupi');
  await page.keyboard.press('Alt+T');
  await page.getByText(/Llamada terminada/).waitFor();
  const sup = await server.api('supervisor', NM.id);
  const calls = (await sup.must('GET', '/api/v1/interactions?limit=10')).items;
  assert.ok(calls.some((c) => c.type === 'service_info' && c.caller.name === 'Luis Mora'));
  assert.ok(calls.some((c) => c.type === 'other' && c.outcome === 'other'), JSON.stringify(calls.map((c) => c.outcome)));
});

test('portal: a customer sees its tickets, comments and closes a resolved one', async ({ page, server }) => {
  const agent = await server.api('agente');
  const sup = await server.api('supervisor', NM.id);
  const custs = await agent.must('GET', '/api/v1/customers?q=colpatria');
  const colpatria = custs.items[0];
  const tk = await agent.must('POST', '/api/v1/tickets', {
    kind: 'incident', category: 'degradation', customer_id: colpatria.id, service_id: 'SID-400900',
    subject: 'Lentitud en el enlace', caller: { name: 'María Ruiz' },
  });
  await sup.must('POST', `/api/v1/tickets/${tk.number}/comments`, { text: 'Revisando con el proveedor', kind: 'comment' });
  await sup.must('POST', `/api/v1/tickets/${tk.number}/comments`, { text: 'nota interna secreta', kind: 'work_note' });
  await sup.must('POST', `/api/v1/tickets/${tk.number}/resolve`, { resolution: 'Se amplió el ancho de banda' });
  await signIn(page, server.url, 'cliente', '/portal');
  const list = page.getByTestId('portal-tickets');
  await list.waitFor();
  const text = await list.innerText();
  assert.match(text, new RegExp(tk.number));
  assert.doesNotMatch(text, /CS0000001/, 'another company’s ticket is not listed');
  await check(page, 'portal-tickets');
  await page.getByRole('link', { name: tk.number }).press('Enter');
  const detail = page.getByTestId('portal-ticket');
  await detail.waitFor();
  await expectText(detail, /Revisando con el proveedor/);
  assert.doesNotMatch(await detail.innerText(), /nota interna/, 'work notes stay internal');
  await page.getByLabel(/Comentario/).fill('Gracias, ya funciona');
  await page.getByRole('button', { name: 'Agregar comentario' }).click();
  await page.getByText('Comentario agregado.').waitFor();
  await check(page, 'portal-ticket');
  await page.getByRole('button', { name: 'Cerrar ticket' }).click();
  await page.getByTestId('portal-close-confirm').getByRole('button', { name: 'Sí, cerrar el ticket' }).click(); // asked first
  await page.getByText(`Ticket ${tk.number} cerrado.`).waitFor();
  const after = await sup.must('GET', `/api/v1/tickets/${tk.number}`);
  assert.equal(after.state, 'closed');
  assert.ok(after.updates.some((u) => u.text === 'Gracias, ya funciona'));
});

test('live: a queue, a ticket page and the portal follow others’ changes without a reload', async ({ page, browser, server }) => {
  const agent = await server.api('agente');
  const sup = await server.api('supervisor', NM.id);
  const colpatria = (await agent.must('GET', '/api/v1/customers?q=colpatria')).items[0];
  await signIn(page, server.url, 'supervisor', '/', { desk: NM.id });
  await page.waitForURL('**/call?desk=' + NM.id);
  await page.keyboard.press('Alt+Shift+2');
  await page.waitForURL('**/tickets?desk=' + NM.id);
  await page.getByRole('heading', { name: 'Cola de tickets' }).waitFor(); // may be empty when run alone
  const queue = page.getByTestId('ticket-queue');
  // The stream is open (the badge says so), and this document stays the same one.
  await page.locator('[data-live=on]').waitFor({ timeout: TIMEOUT });
  await page.evaluate(() => (window.sameDocument = true));
  const tk = await agent.must('POST', '/api/v1/tickets', {
    kind: 'incident', category: 'outage', customer_id: colpatria.id, service_id: 'SID-400901',
    subject: 'Caída del Internet corporativo', caller: { name: 'Pedro Gil' },
  });
  // With the stream open, screens poll once a minute only: this row comes from the change.
  await queue.getByText(tk.number).waitFor({ timeout: TIMEOUT });
  await queue.getByRole('link', { name: tk.number }).click();
  const detail = page.getByTestId('ticket-detail');
  await detail.waitFor();
  await sup.must('POST', `/api/v1/tickets/${tk.number}/comments`, { text: 'Proveedor confirma corte de fibra', kind: 'comment' });
  await detail.getByText('Proveedor confirma corte de fibra').waitFor({ timeout: TIMEOUT });
  assert.equal(await page.evaluate(() => window.sameDocument), true, 'the page was not reloaded');

  // The portal: the customer's open ticket page shows the desk's answer as it comes.
  const portalContext = await browser.newContext({ bypassCSP: true, timezoneId: 'Asia/Tokyo', locale: 'es-CO' });
  const portal = await portalContext.newPage();
  portal.setDefaultTimeout(TIMEOUT);
  try {
    await signIn(portal, server.url, 'cliente', `/portal/${tk.number}`);
    const mine = portal.getByTestId('portal-ticket');
    await mine.waitFor();
    await portal.locator('[data-live=on]').waitFor({ timeout: TIMEOUT });
    await sup.must('POST', `/api/v1/tickets/${tk.number}/resolve`, { resolution: 'Se empalmó la fibra' });
    // The history line in the customer's words, not the server's state names.
    await mine.getByText('Nuevo → Resuelto: Se empalmó la fibra').waitFor({ timeout: TIMEOUT });
    await check(portal, 'portal-live');
  } finally {
    await portalContext.close();
  }
});

test('supervisor: ticket queue, critical first, SLA breaches; work a ticket', async ({ page, server }) => {
  const agent = await server.api('agente');
  const yupi = (await agent.must('GET', '/api/v1/customers?q=yupi')).items[0];
  const alpina = (await agent.must('GET', '/api/v1/customers?q=alpina')).items[0];
  await agent.must('POST', '/api/v1/tickets', {
    kind: 'requirement', category: 'change', customer_id: alpina.id, service_id: 'SID-300077', subject: 'Cambio de ancho de banda', caller: { name: 'Laura' },
  });
  await agent.must('POST', '/api/v1/tickets', {
    kind: 'incident', category: 'degradation', customer_id: yupi.id, service_id: 'SID-500120', subject: 'Lentitud Yupi', caller: { name: 'Rosa' },
  });
  // Three days pass before the supervisor signs in (sessions age on the same clock).
  const admin = await server.api('admin');
  await admin.must('POST', '/api/v1/clock', { advance: 'PT72H' });
  await signIn(page, server.url, 'supervisor', '/', { desk: NM.id });
  await page.waitForURL('**/call?desk=' + NM.id);
  await page.keyboard.press('Alt+Shift+2');
  await page.waitForURL('**/tickets?desk=' + NM.id);
  const queue = page.getByTestId('ticket-queue');
  await queue.waitFor();
  const rows = await queue.locator('tbody tr').allInnerTexts();
  assert.ok(rows.length >= 2, rows.join('\n'));
  assert.match(rows[0], /Prioritario/, 'critical customers first: ' + rows[0]);
  assert.match(rows[rows.length - 1], /PRODUCTOS YUPI/, 'the non-critical ticket last');
  await expectText(queue, /Vencido/);
  await check(page, 'supervisor-tickets');
  await page.locator('[data-view=breached]').click(); // the "Vencidos" view
  await queue.getByText('Vencido').first().waitFor({ timeout: TIMEOUT });
  const yupiRow = queue.locator('tr', { hasText: 'PRODUCTOS YUPI' });
  await yupiRow.getByRole('link').click();
  await page.getByTestId('ticket-detail').waitFor();
  await page.getByRole('textbox', { name: 'Solución', exact: true }).fill('Se cambió el equipo');
  await page.getByRole('button', { name: 'Resolver' }).click();
  await page.getByText(/resuelto\./).waitFor();
  await check(page, 'supervisor-ticket');
});

test('dispatch: open notices, visit details with errors next to fields, close no apta', async ({ page, server }) => {
  const disp = await server.api('despacho');
  const agent = await server.api('agente.zb');
  const robles = (await agent.must('GET', '/api/v1/customers?q=robles')).items[0];
  const now = new Date((await disp.must('GET', '/api/v1/clock')).now);
  // Visit days are the ZB desk's (Santiago) days.
  const day = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: ZB.zone }).format(new Date(now.getTime() + d * 86400000));
  const n = await disp.must('POST', '/api/v1/notices', {
    customer_id: robles.id, visit_day: day(1), location_ref: 'Casa patronal', phone_1: '+56 9 3111 2222', phone_2: '+56 9 3333 4444', observations: 'Cliente ZB',
  });
  await signIn(page, server.url, 'despacho');
  await page.waitForURL('**/notices');
  await expectDesk(page, ZB); // one desk: shown, no switch
  assert.equal(await page.getByTestId('desk').getByRole('button').count(), 0);
  const list = page.getByTestId('notice-list');
  await list.getByText(n.number).waitFor();
  await list.getByText(/Agrícola Los Robles/).waitFor(); // the notice's customer by name
  await check(page, 'dispatch-notices');
  await list.getByRole('link', { name: new RegExp(n.number) }).click();
  const ed = page.getByTestId('notice-editor');
  await ed.waitFor();
  await ed.getByLabel('Día de la visita').fill(day(3));
  await ed.getByLabel('Referencia del lugar').fill('Portón verde, camino a Buin km 3');
  await ed.getByLabel('Teléfono 1').fill('+56 9 8765 4321');
  await ed.getByLabel('Teléfono 2').fill('12');
  await ed.getByRole('button', { name: 'Guardar visita' }).click();
  const phone2 = ed.getByLabel('Teléfono 2');
  await ed.locator('.field.has-error').first().waitFor();
  assert.equal(await phone2.getAttribute('aria-invalid'), 'true', 'the error sits on phone 2');
  await phone2.fill('+56 2 2345 6789');
  await ed.getByRole('button', { name: 'Guardar visita' }).click();
  await page.getByText(`Aviso ${n.number} actualizado.`).waitFor();
  const saved = await disp.must('GET', `/api/v1/notices/${n.number}`);
  assert.equal(saved.visit_day, day(3));
  assert.equal(saved.phone_2, '+56223456789');
  await ed.getByLabel('Instalación no apta').check();
  await ed.getByRole('button', { name: 'Cerrar aviso' }).click();
  await ed.locator('textarea[name=tech_observations][aria-invalid=true]').waitFor();
  await ed.getByLabel(/Observaciones del técnico/).fill('Regulador con fuga');
  await ed.getByRole('button', { name: 'Cerrar aviso' }).click();
  await page.getByTestId('notice-confirm').getByRole('button', { name: 'Sí, cerrar el aviso' }).click(); // irreversible: asked first
  await page.getByText(`Aviso ${n.number} cerrado.`).waitFor();
  const closed = await disp.must('GET', `/api/v1/notices/${n.number}`);
  assert.equal(closed.state, 'closed');
  assert.equal(closed.outcome, 'no_apta');
  await check(page, 'dispatch-notice-closed');
});

test('admin: users, directory, import report row by row, mail outbox', async ({ page, server }) => {
  await signIn(page, server.url, 'admin', '/', { desk: NM.id });
  await page.waitForURL('**/admin/users?desk=' + NM.id);
  await page.getByTestId('users').getByText('agente', { exact: true }).waitFor();
  // A staff user works in the desks ticked: the current one unless others are.
  assert.equal(await page.getByRole('checkbox', { name: NM.name }).isChecked(), true);
  assert.equal(await page.getByRole('checkbox', { name: ZB.name }).isChecked(), false);
  await page.getByRole('textbox', { name: 'Usuario', exact: true }).fill('nueva');
  await page.getByLabel('Contraseña').fill('corta');
  await page.getByRole('button', { name: 'Agregar', exact: true }).click();
  await page.locator('input[name=password][aria-invalid=true]').waitFor();
  await page.getByLabel('Contraseña').fill('una-clave-larga-9');
  await page.getByRole('button', { name: 'Agregar', exact: true }).click();
  await page.getByText('Usuario nueva agregado.').waitFor();
  await expectText(page.getByTestId('users').locator('tr', { hasText: 'nueva' }), new RegExp(NM.name));
  await check(page, 'admin-users');

  await page.keyboard.press('Alt+Shift+2');
  await page.waitForURL('**/admin/directory?desk=' + NM.id);
  const box = page.getByLabel(/Direcciones de «assurance»/);
  await box.waitFor();
  await box.fill('no-es-correo');
  await box.locator('xpath=ancestor::form').getByRole('button', { name: 'Guardar' }).click();
  await box.locator('xpath=ancestor::form').locator('.error').first().waitFor();
  await box.fill('assurance@cirion.example');
  await box.locator('xpath=ancestor::form').getByRole('button', { name: 'Guardar' }).click();
  await page.getByText('Lista «assurance» guardada.').waitFor();
  await check(page, 'admin-directory');

  await page.keyboard.press('Alt+Shift+3');
  await page.waitForURL('**/admin/import?desk=' + NM.id);
  const tsv = 'GRUPO ECONOMICO\tCLIENTES\tCRÍTICO\tTECNOLOGIA\nGRUPO NUEVO\tEmpresa Nueva S.A.S.\tPrioritario\tSDWAN con Out Vipt\n\t\tPrioritario\tLegacy\n';
  await page.getByLabel(/Archivo/).setInputFiles({ name: 'maestra.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(tsv) });
  await page.getByRole('button', { name: 'Importar' }).click();
  const report = page.getByTestId('import-report');
  await report.waitFor();
  const rt = await report.innerText();
  assert.match(rt, /no se guardó nada/);
  assert.match(rt, /1 nuevas/);
  assert.match(rt, /Filas rechazadas/);
  assert.match(rt, /\b3\b/, 'the rejected row is numbered: ' + rt);
  await check(page, 'admin-import');

  const admin = await server.api('admin', NM.id);
  await admin.must('POST', '/api/v1/directory/assurance/test', {});
  await page.keyboard.press('Alt+Shift+4');
  await page.waitForURL('**/admin/mail?desk=' + NM.id);
  const outbox = page.getByTestId('outbox');
  await outbox.locator('tbody tr').first().waitFor();
  await outbox.getByRole('button', { name: /tal como salió/ }).first().click();
  const raw = page.getByTestId('raw-mail');
  await raw.waitFor();
  await expectText(raw, /^Subject: /m);
  await check(page, 'admin-mail');
});

test('admin: disable and enable a user, revoke a token; a user changes their own password (issue 19)', async ({ page, browser, server }) => {
  const admin = await server.api('admin', NM.id);
  await admin.must('POST', '/api/v1/users', { username: 'temporal', role: 'agent', password: PASSWORD, desks: [NM.id] });
  const firstToken = (await admin.must('POST', '/api/v1/tokens', { username: 'temporal', ttl_hours: 24 }, 201)).token;
  const bearer = async (tok) => (await fetch(server.url + '/api/v1/session', { headers: { Authorization: 'Bearer ' + tok } })).status;
  let temporal = await server.api('temporal');
  await signIn(page, server.url, 'admin', '/admin/users', { desk: NM.id });
  const users = page.getByTestId('users');
  await users.getByText('temporal', { exact: true }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Deshabilitar a admin', exact: true }).count(), 0, 'no control to disable oneself');

  // Disabling asks first; Esc keeps the user as they were.
  await page.getByRole('button', { name: 'Deshabilitar a temporal', exact: true }).click();
  const ask = page.getByTestId('user-disable');
  await ask.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'No, mantenerlo Esc', '"keep" has the focus');
  await check(page, 'admin-user-disable');
  await page.keyboard.press('Escape');
  await ask.waitFor({ state: 'detached' });
  assert.equal((await temporal.get('/api/v1/session')).status, 200, 'Esc disabled nothing');
  await page.getByRole('button', { name: 'Deshabilitar a temporal', exact: true }).click();
  await ask.getByRole('button', { name: 'Sí, deshabilitar' }).click();
  await page.getByText('Usuario temporal deshabilitado. Sesiones y tokens terminados: 2.').waitFor();
  await expectText(users.locator('tr', { hasText: 'temporal' }), /deshabilitado/);
  assert.equal((await temporal.get('/api/v1/session')).status, 401, 'the disabled user’s session ended');
  assert.equal(await bearer(firstToken), 401, 'the disabled user’s API token ended');
  await page.getByRole('button', { name: 'Habilitar a temporal', exact: true }).click();
  await page.getByText('Usuario temporal habilitado: puede iniciar sesión de nuevo.').waitFor();
  temporal = await server.api('temporal');

  // Sessions and tokens: by id, never the secret; revoking asks first.
  const secret = (await admin.must('POST', '/api/v1/tokens', { username: 'temporal', ttl_hours: 24 }, 201)).token;
  await page.locator('#tokens-user').selectOption('temporal');
  const list = page.getByTestId('credentials');
  await expectText(list, /Token de API/);
  assert.doesNotMatch(await page.locator('#main').innerText(), new RegExp(secret), 'a secret is on screen');
  const [api] = (await admin.must('GET', '/api/v1/tokens?username=temporal&kind=api')).items;
  await page.getByRole('button', { name: `Revocar el token de API n.º ${api.id} de temporal`, exact: true }).click();
  const revoke = page.getByTestId('token-revoke');
  await revoke.waitFor();
  await check(page, 'admin-token-revoke');
  await revoke.getByRole('button', { name: 'Sí, revocar' }).click();
  await page.getByText(`Se revocó el token de API n.º ${api.id} de temporal.`).waitFor();
  assert.equal(await list.locator(`tr[data-credential="${api.id}"]`).count(), 0, 'the revoked token is still listed');
  assert.equal(await bearer(secret), 401, 'the revoked API token still works');
  assert.equal((await temporal.get('/api/v1/session')).status, 200, 'revoking one token ended another credential');
  await page.locator('#tokens-user').selectOption('admin');
  await expectText(list, /la suya, ahora/);
  await check(page, 'admin-access');
  // The same screen and its question in English.
  await page.getByLabel('Idioma').selectOption('en');
  await expectText(page.getByTestId('credentials'), /yours, now/);
  await expectText(page.locator('#main'), /Sessions and API tokens/);
  await check(page, 'admin-access-en');
  await page.getByRole('button', { name: 'Disable temporal', exact: true }).click();
  await expectText(page.getByTestId('user-disable'), /Disable temporal\?/);
  await check(page, 'admin-user-disable-en');
  await page.keyboard.press('Escape');
  await page.getByTestId('user-disable').waitFor({ state: 'detached' });
  await page.getByLabel('Language').selectOption('es-419');

  // The user changes their own password from the header: this session
  // stays, the other (a thief's, say) ends.
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  try {
    const p2 = await ctx.newPage();
    p2.setDefaultTimeout(TIMEOUT);
    await signIn(p2, server.url, 'temporal', '/call');
    await p2.getByTestId('password-open').click();
    const dialog = p2.getByTestId('password-dialog');
    await dialog.waitFor();
    await p2.getByLabel('Contraseña actual').fill('no-es-la-clave');
    await p2.getByLabel(/^Contraseña nueva/).fill('otra-clave-larga-1');
    await p2.getByLabel('Repita la contraseña nueva').fill('otra-clave-larga-1');
    await dialog.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await p2.locator('input[name=current_password][aria-invalid=true]').waitFor();
    await expectText(dialog, /Revise el campo «Contraseña actual»/);
    assert.equal(await p2.locator('header.top').count(), 1, 'a wrong current password signed the user out');
    await p2.getByLabel('Contraseña actual').fill(PASSWORD);
    await p2.getByLabel('Repita la contraseña nueva').fill('otra-clave-larga-2');
    await dialog.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expectText(dialog, /No coincide con la contraseña nueva/);
    await check(p2, 'password-dialog');
    await p2.getByLabel('Repita la contraseña nueva').fill('otra-clave-larga-1');
    await dialog.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await p2.getByText('Contraseña cambiada. Sesiones cerradas en otros equipos: 1.').waitFor();
    await check(p2, 'password-changed');
    assert.equal((await temporal.get('/api/v1/session')).status, 401, 'the other session outlived the password change');
    assert.equal(await p2.evaluate(async () => (await fetch('/api/v1/session')).status), 200, 'the session that changed it ended');
    await p2.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The dialog in English.
    await p2.getByLabel('Idioma').selectOption('en');
    await p2.getByTestId('password-open').click();
    await expectText(p2.getByTestId('password-dialog'), /Change your password/);
    await check(p2, 'password-dialog-en');
    await p2.keyboard.press('Escape');
  } finally {
    await ctx.close();
  }
});

test('roles: screens of other roles are neither shown nor reachable, and the API refuses', async ({ browser, server }) => {
  const cases = [
    ['despacho', '/call', '/api/v1/tickets', 'POST'],
    ['agente', '/admin/users', '/api/v1/users', 'GET'],
    ['mesa', '/tickets', '/api/v1/mail', 'GET'],
    ['supervisor', '/admin/import', '/api/v1/users', 'GET'],
  ];
  for (const [user, screen, api, method] of cases) {
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    page.setDefaultTimeout(TIMEOUT);
    await signIn(page, server.url, user, screen, { desk: NM.id });
    await page.getByRole('heading', { name: 'Sin acceso' }).waitFor();
    const nav = await page.getByRole('navigation').innerText();
    assert.doesNotMatch(nav, screen === '/call' ? /Llamada/ : screen === '/tickets' ? /Tickets/ : /Usuarios|Importar/, `${user} sees ${screen} in the menu: ${nav}`);
    const status = await page.evaluate(async ([m, p]) => (await fetch(p, { method: m, headers: { 'Content-Type': 'application/json' }, body: m === 'POST' ? '{}' : undefined })).status, [method, api]);
    assert.equal(status, 403, `${user} ${method} ${api}`);
    await ctx.close();
  }
  // A customer user lands in the portal, not the console.
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, server.url, 'cliente', '/');
  await page.waitForURL('**/portal');
  await ctx.close();
});

test('errors: a lost connection is shown and the form keeps its input', async ({ page, context, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  const keys = new Keys(page);
  await pickCustomer(page, keys, 'rcn');
  await page.keyboard.press('Alt+I');
  await page.getByLabel(/Nombre de quien llama/).fill('Jorge');
  await page.getByLabel('Asunto').fill('Caída del enlace de video');
  await context.setOffline(true);
  await page.keyboard.press('Enter');
  await page.locator('.offline').waitFor();
  await expectText(page.locator('.offline'), /Se perdió la conexión/);
  assert.equal(await page.getByLabel('Asunto').inputValue(), 'Caída del enlace de video');
  await check(page, 'agent-offline');
  await context.setOffline(false);
  await page.locator('.offline').waitFor({ state: 'detached', timeout: TIMEOUT });
  await page.getByRole('button', { name: /Abrir incidente/ }).click();
  await page.getByText(/Ticket CS\d+ abierto/).waitFor();
});

test('language: English on request; times in the desk’s zone, not the browser’s', async ({ page, server }) => {
  const sup = await server.api('supervisor', NM.id);
  const tk = (await sup.must('GET', '/api/v1/tickets?state=all&limit=1')).items[0];
  await signIn(page, server.url, 'supervisor', '/tickets/' + tk.number, { desk: NM.id });
  await page.getByTestId('ticket-detail').waitFor();
  // The browser runs in Tokyo (see newContext); the desk in Bogotá (UTC-5).
  const at = (timeZone) => new Intl.DateTimeFormat('es-419', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(tk.created_at));
  const shown = await page.getByTestId('ticket-detail').innerText();
  assert.ok(shown.includes(at('America/Bogota')), `${at('America/Bogota')} not in ${shown}`);
  assert.ok(!shown.includes(at('Asia/Tokyo')), 'a time in the browser’s zone');
  await page.getByLabel('Idioma').selectOption('en');
  await page.getByRole('link', { name: /Tickets/ }).waitFor();
  // The menu in English; the NM desk runs no ZB procedure, so no ZB cases there.
  const nav = await expectText(page.getByRole('navigation'), /Notices/);
  assert.doesNotMatch(nav, /ZB cases|Casos ZB/, 'a screen of a procedure the desk does not run');
  await expectText(page.getByTestId('ticket-detail'), /Assigned engineer/);
  await expectDesk(page, NM, 'Desk');
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
  await check(page, 'supervisor-ticket-en');
  await page.getByLabel('Language').selectOption('es-419');
});

// The desk's time for an instant, as the console shows it (Bogotá by default).
const deskTime = (iso, timeZone = NM.zone) =>
  new Intl.DateTimeFormat('es-419', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false }).format(new Date(iso));

test('supervisor: ticket priority and group by keyboard; a stale edit says so and keeps the input', async ({ page, server }) => {
  const agent = await server.api('agente');
  const sup = await server.api('supervisor', NM.id);
  const virrey = (await agent.must('GET', '/api/v1/customers?q=virrey solis')).items[0];
  const tk = await agent.must('POST', '/api/v1/tickets', {
    kind: 'requirement', category: 'change', customer_id: virrey.id, subject: 'Cambio de ventana de mantenimiento', caller: { name: 'Eva Díaz' },
  });
  assert.equal(tk.state, 'new');
  assert.notEqual(tk.priority, 1);
  await signIn(page, server.url, 'supervisor', '/tickets/' + tk.number, { desk: NM.id });
  const form = page.getByTestId('ticket-edit');
  await form.waitFor();
  // Only the moves PATCH accepts from "new" (core TicketTransitions(): update, cancel).
  const states = await form.getByLabel('Estado').locator('option').allInnerTexts();
  assert.deepEqual(states, ['Nuevo (actual)', 'En curso', 'En espera', 'Cancelado']);
  const prios = await form.getByLabel('Prioridad').locator('option').allInnerTexts();
  assert.deepEqual(prios, ['P1 · Crítica', 'P2 · Alta', 'P3 · Moderada', 'P4 · Baja']);
  await check(page, 'supervisor-ticket-edit');

  // Keyboard only: priority to P1, Tab to the group, type, Tab to the note, Tab to save, Enter.
  const keys = new Keys(page);
  await form.getByLabel('Prioridad').focus();
  await keys.press('Home');
  assert.equal(await form.getByLabel('Prioridad').inputValue(), '1');
  await keys.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('name')), 'assigned_group');
  await keys.type('Redes Bogotá');
  await keys.press('Tab');
  await keys.press('Tab');
  await keys.type('Escalado a redes por la ventana');
  await keys.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Guardar cambios');
  await keys.press('Enter');
  await page.getByText(new RegExp(`Cambios guardados en ${tk.number}\\. SLA: vence`)).waitFor();
  const saved = await sup.must('GET', '/api/v1/tickets/' + tk.number);
  assert.equal(saved.priority, 1);
  assert.equal(saved.assigned_group, 'Redes Bogotá');
  assert.ok(saved.updates.some((u) => u.kind === 'work_note' && u.text === 'Escalado a redes por la ventana'));
  assert.ok(new Date(saved.sla.response_due) < new Date(tk.sla.response_due), 'P1 moves the response target earlier');
  // The page shows the new SLA due times at once.
  const sla = page.getByTestId('ticket-sla');
  await sla.getByText(deskTime(saved.sla.response_due)).waitFor();
  assert.ok((await sla.innerText()).includes(deskTime(saved.sla.resolution_due)));

  // A reload shows the new values.
  await page.reload();
  await form.waitFor();
  const detail = await page.getByTestId('ticket-detail').innerText();
  assert.match(detail, /P1 · Crítica/);
  assert.match(detail, /Redes Bogotá/);
  assert.equal(await form.getByLabel('Prioridad').inputValue(), '1');
  assert.equal(await form.getByLabel('Grupo asignado').inputValue(), 'Redes Bogotá');

  // A stale edit: someone changes the ticket behind the page's back.
  await form.getByLabel('Estado').selectOption('in_progress');
  await form.getByLabel('Ingeniero asignado').fill('Ing. Marta Gil');
  await sup.must('PATCH', '/api/v1/tickets/' + tk.number, { assigned_engineer: 'Ing. Pedro Ruiz' });
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  const conflict = page.getByTestId('ticket-conflict');
  await conflict.waitFor();
  await expectText(conflict, new RegExp(`Otra persona cambió el ticket ${tk.number}`));
  assert.equal(await form.getByLabel('Ingeniero asignado').inputValue(), 'Ing. Marta Gil', 'the input is kept');
  assert.equal(await form.getByLabel('Estado').inputValue(), 'in_progress', 'the input is kept');
  const untouched = await sup.must('GET', '/api/v1/tickets/' + tk.number);
  assert.equal(untouched.assigned_engineer, 'Ing. Pedro Ruiz', 'the stale edit changed nothing');
  assert.equal(untouched.state, 'new');
  await check(page, 'supervisor-ticket-conflict');
  // Reload keeps the input on top of the current version; saving then works.
  await conflict.getByRole('button', { name: /Recargar/ }).press('Enter');
  await conflict.waitFor({ state: 'detached' });
  assert.equal(await form.getByLabel('Ingeniero asignado').inputValue(), 'Ing. Marta Gil');
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.getByText(`Cambios guardados en ${tk.number}.`, { exact: false }).waitFor();
  const after = await sup.must('GET', '/api/v1/tickets/' + tk.number);
  assert.equal(after.assigned_engineer, 'Ing. Marta Gil');
  assert.equal(after.state, 'in_progress');
  // From "in progress" the choices change with the state.
  await page.getByTestId('ticket-detail').getByText('En curso').first().waitFor();
  assert.deepEqual(await form.getByLabel('Estado').locator('option').allInnerTexts(), ['En curso (actual)', 'En espera', 'Cancelado']);
});

// The back office works in the ZB desk (mesa): a bulk LPG customer's master
// data, its supply tanks as services and its contacts, none of them at first.
test('back office: edits a customer’s master data, services and contacts; API errors sit next to the field', async ({ page, server }) => {
  await signIn(page, server.url, 'mesa', '/customers');
  await page.getByRole('searchbox', { name: /Buscar cliente/ }).fill('espiga');
  await page.getByTestId('customer-list').getByRole('link', { name: 'Panadería La Espiga SpA' }).press('Enter');
  await page.getByTestId('customer-master').waitFor();
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  await check(page, 'back-office-customer');
  await page.getByRole('button', { name: 'Editar datos maestros' }).press('Enter');
  const form = page.getByTestId('master-form');
  await form.waitFor();
  await form.getByLabel('Grupo', { exact: true }).fill('PANIFICADORAS DEL SUR');
  await form.getByLabel('Correo de la empresa').fill('no-es-correo');
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  const email = form.getByLabel('Correo de la empresa');
  await form.locator('input[name=email][aria-invalid=true]').waitFor();
  const described = await email.getAttribute('aria-describedby');
  await expectText(page.locator('#' + described.split(' ').pop()), /No es una dirección de correo válida\. Detalle: .*is not an e-mail address/, 'the API’s message sits under the field');
  assert.equal(await form.getByLabel('Grupo', { exact: true }).inputValue(), 'PANIFICADORAS DEL SUR', 'the input is kept');
  await check(page, 'back-office-master-error');
  await email.fill('pedidos@laespiga.cl');
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.getByText('Datos maestros guardados.').waitFor();
  const mesa = await server.api('mesa');
  let c = await mesa.must('GET', '/api/v1/customers/' + id);
  assert.equal(c.group, 'PANIFICADORAS DEL SUR');
  assert.equal(c.email, 'pedidos@laespiga.cl');
  // The NM desk has no such customer: the record is the ZB desk's alone.
  assert.equal((await (await server.api('agente')).get('/api/v1/customers/' + id)).status, 404);

  // Contacts: none yet; add two, the second with a bad e-mail, then fix it.
  const contacts = page.getByTestId('customer-contacts');
  await contacts.getByRole('button', { name: 'Editar contactos' }).click();
  const ed = page.getByTestId('contacts-editor');
  await ed.getByRole('button', { name: 'Agregar contacto' }).press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'contact-0-name');
  await page.keyboard.type('Jaime Fuentes');
  await ed.locator('#contact-0-phone').fill('+56 2 2876 5400');
  await ed.getByRole('button', { name: 'Agregar contacto' }).press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'contact-1-name');
  await page.keyboard.type('Rosa Marín');
  await ed.locator('#contact-1-role').fill('Jefa de local');
  await ed.locator('#contact-1-email').fill('rosa@');
  await ed.getByRole('button', { name: 'Guardar contactos' }).click();
  await ed.locator('#contact-1-email[aria-invalid=true]').waitFor();
  await expectText(page.locator('#contact-1-email-err'), /No es una dirección de correo válida\. Detalle: contacts\[1\]\.email: is not an e-mail address/);
  assert.equal(await ed.locator('#contact-1-name').inputValue(), 'Rosa Marín', 'the input is kept');
  await check(page, 'back-office-contacts-error');
  await ed.locator('#contact-1-email').fill('rosa.marin@laespiga.cl');
  await ed.getByRole('button', { name: 'Guardar contactos' }).click();
  await page.getByText('Contactos guardados.').waitFor();
  c = await mesa.must('GET', '/api/v1/customers/' + id);
  assert.equal(c.contacts.length, 2);
  assert.equal(c.contacts[0].phone, '+56 2 2876 5400');
  assert.deepEqual(c.contacts[1], { name: 'Rosa Marín', role: 'Jefa de local', phone: '', email: 'rosa.marin@laespiga.cl' });
  await page.reload();
  await contacts.getByText('Rosa Marín').waitFor();
  await expectText(page.getByTestId('customer-master'), /PANIFICADORAS DEL SUR/);

  // Services (its tanks): a second one under a taken id is refused under that
  // row's field; with its own id both are saved.
  await page.getByRole('button', { name: 'Editar datos maestros' }).click();
  await form.getByRole('button', { name: 'Agregar servicio' }).press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'service-0-service_id');
  await page.keyboard.type('TQ-100871-1');
  await form.locator('#service-0-description').fill('Estanque granel 2 m³');
  await form.getByRole('button', { name: 'Agregar servicio' }).press('Enter');
  await page.waitForFunction(() => document.activeElement?.id === 'service-1-service_id');
  await page.keyboard.type('TQ-100871-1');
  await form.locator('#service-1-description').fill('Estanque granel 1 m³');
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  await form.locator('#service-1-service_id[aria-invalid=true]').waitFor();
  await expectText(page.locator('#service-1-service_id-err'), /services\[1\]\.service_id: .*is already services\[0\]/);
  assert.equal((await mesa.must('GET', '/api/v1/customers/' + id)).services.length, 0, 'nothing saved');
  await form.locator('#service-1-service_id').fill('TQ-100871-2');
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.getByText('Datos maestros guardados.').waitFor();
  c = await mesa.must('GET', '/api/v1/customers/' + id);
  assert.deepEqual(c.services.map((s) => [s.service_id, s.description]), [['TQ-100871-1', 'Estanque granel 2 m³'], ['TQ-100871-2', 'Estanque granel 1 m³']]);
  await expectText(page.getByTestId('customer-master'), /TQ-100871-2/);

  // A stale master edit: refused, said so, the input kept; reload and save again.
  await page.getByRole('button', { name: 'Editar datos maestros' }).click();
  await form.getByLabel('Región', { exact: true }).fill('Biobío');
  await mesa.must('PATCH', '/api/v1/customers/' + id, { phone: '+56 2 2876 0000' });
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  const conflict = page.getByTestId('customer-conflict');
  await conflict.waitFor();
  await expectText(conflict, /Otra persona cambió este cliente/);
  assert.equal(await form.getByLabel('Región', { exact: true }).inputValue(), 'Biobío', 'the input is kept');
  assert.equal((await mesa.must('GET', '/api/v1/customers/' + id)).region, 'Metropolitana');
  await conflict.getByRole('button', { name: /Recargar/ }).click();
  await form.getByRole('button', { name: 'Guardar cambios' }).click();
  await page.getByText('Datos maestros guardados.').waitFor();
  c = await mesa.must('GET', '/api/v1/customers/' + id);
  assert.equal(c.region, 'Biobío');
  assert.equal(c.phone, '+56 2 2876 0000', 'the other person’s change stays');
});

test('agent: sees the customer page without the master edit; updates contacts for a caller; the API refuses the edit', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  await page.keyboard.press('Alt+Shift+2');
  await page.waitForURL('**/customers');
  await page.getByRole('searchbox', { name: /Buscar cliente/ }).fill('alpina');
  await page.getByTestId('customer-list').getByRole('link', { name: /ALPINA/ }).click();
  await page.getByTestId('customer-master').waitFor();
  const id = Number(new URL(page.url()).pathname.split('/').pop());
  assert.equal(await page.getByRole('button', { name: 'Editar datos maestros' }).count(), 0, 'no master edit for an agent');
  await check(page, 'agent-customer');
  const status = await page.evaluate(
    async (id) => (await fetch('/api/v1/customers/' + id, { method: 'PATCH', headers: { 'Content-Type': 'application/json' }, body: '{"group":"X"}' })).status,
    id,
  );
  assert.equal(status, 403, 'the API refuses an agent’s master edit');
  // The contacts, on behalf of a caller (logged as a call).
  await page.getByRole('button', { name: 'Editar contactos' }).click();
  const ed = page.getByTestId('contacts-editor');
  await ed.locator('#contact-0-role').fill('NOC 24x7');
  await ed.getByRole('button', { name: 'Guardar contactos' }).click();
  await ed.locator('input[name=caller_name][aria-invalid=true]').waitFor();
  await expectText(ed.locator('.field.has-error'), /Este dato es obligatorio/);
  await ed.getByLabel(/Quién pidió el cambio/).fill('Luis Mora');
  await ed.getByRole('button', { name: 'Guardar contactos' }).click();
  await page.getByText('Contactos guardados.').waitFor();
  const sup = await server.api('supervisor', NM.id);
  const c = await sup.must('GET', '/api/v1/customers/' + id);
  assert.equal(c.contacts[0].role, 'NOC 24x7');
  const calls = (await sup.must('GET', '/api/v1/interactions?limit=5')).items;
  assert.ok(calls.some((x) => x.outcome === 'contacts_updated' && x.caller.name === 'Luis Mora'), 'the update is logged as a call');
});

test('agent: updates the company’s contacts during a service-information call (NM-8); a concurrent save is not overwritten unseen', async ({ page, server }) => {
  await signIn(page, server.url, 'agente', '/call');
  const keys = new Keys(page);
  await pickCustomer(page, keys, 'yupi');
  await keys.press('Alt+V');
  await keys.type('Rosa Niño');
  await keys.press('Enter');
  const info = page.getByTestId('service-info');
  await info.waitFor();
  await info.getByRole('button', { name: 'Editar contactos' }).press('Enter');
  const ed = info.getByTestId('contacts-editor');
  await ed.waitFor();
  assert.equal(await ed.getByLabel(/Quién pidió el cambio/).count(), 0, 'the call already says who asks');
  await ed.locator('#contact-0-phone').fill('+57 602 555 0111');
  await check(page, 'agent-call-contacts');
  // Meanwhile someone else saves the list: this save is refused, nothing is
  // lost on either side, and the list saved meanwhile is shown after a reload.
  const sup = await server.api('supervisor', NM.id);
  const before = (await sup.must('GET', '/api/v1/customers?q=yupi')).items[0];
  const other = { name: 'Otro Contacto', role: 'Compras', phone: '+57 602 555 0999', email: '' };
  await sup.must('PUT', `/api/v1/customers/${before.id}/contacts`, { contacts: [...before.contacts, other], caller: { name: 'Pedro Ríos' } });
  await ed.getByRole('button', { name: 'Guardar contactos' }).press('Enter');
  await ed.getByTestId('contacts-conflict').waitFor();
  assert.equal(await ed.locator('#contact-0-phone').inputValue(), '+57 602 555 0111', 'the input is kept');
  assert.equal((await sup.must('GET', '/api/v1/customers/' + before.id)).contacts.length, before.contacts.length + 1, 'the other save stays');
  await ed.getByRole('button', { name: /Recargar y conservar/ }).press('Enter');
  await expectText(ed.getByTestId('contacts-stored'), /Otro Contacto \(Compras\)/);
  await check(page, 'agent-contacts-conflict');
  await ed.getByRole('button', { name: 'Guardar contactos' }).press('Enter');
  await page.getByText('Contactos guardados.').waitFor();
  await expectText(info, /\+57 602 555 0111/);
  const yupi = (await sup.must('GET', '/api/v1/customers?q=yupi')).items[0];
  assert.equal(yupi.contacts[0].phone, '+57 602 555 0111');
  assert.equal(yupi.version, before.version + 2, 'saved over the version it was shown');
  const calls = (await sup.must('GET', '/api/v1/interactions?limit=5')).items;
  assert.ok(calls.some((x) => x.outcome === 'contacts_updated' && x.caller.name === 'Rosa Niño'), 'logged with the call’s caller');
});

// Desks (docs/desks.md, docs/web.md "Desks"): a user of several desks picks
// one after signing in and switches from the header with Alt+Shift+C; every
// request names the desk, and a switch never leaves the old desk's records on
// screen under the new desk's name — both desks number their tickets from 1,
// so the same number is two records.
test('desks: supervisor chooses a desk, sees its queue, switches by keyboard and sees only the other desk’s records', async ({ page, server }) => {
  const supNm = await server.api('supervisor', NM.id);
  const zbAgent = await server.api('agente.zb');
  const espiga = (await zbAgent.must('GET', '/api/v1/customers?q=espiga')).items[0];
  const zbTk = await zbAgent.must('POST', '/api/v1/tickets', {
    kind: 'requirement', category: 'change', customer_id: espiga.id, subject: 'Cambio de horario de entrega de gas', caller: { name: 'Jaime Fuentes' },
  });
  // An open NM ticket; and the NM desk has a ticket of the ZB ticket's number
  // too (the one just made when it had none before).
  const agent = await server.api('agente');
  const virrey = (await agent.must('GET', '/api/v1/customers?q=virrey solis')).items[0];
  const nmTk = await agent.must('POST', '/api/v1/tickets', {
    kind: 'requirement', category: 'change', customer_id: virrey.id, subject: 'Cambio de plan de datos', caller: { name: 'Eva Díaz' },
  });
  const same = await supNm.get('/api/v1/tickets/' + zbTk.number);
  assert.equal(same.status, 200, 'both desks have ' + zbTk.number);
  const nmSame = same.body;
  assert.notEqual(nmSame.subject, zbTk.subject);

  // Every API request of the page names the desk it acts in (but signing in
  // and the session read at start-up), the live feed's too.
  const asked = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname.startsWith('/api/')) asked.push(`${r.method()} ${u.pathname}${u.search}`);
  });

  // Signed out, a link to the queue: sign in, then choose the desk (keyboard).
  await page.goto(server.url + '/tickets');
  await page.getByLabel('Usuario').fill('supervisor');
  await page.getByLabel('Contraseña').fill('atiende-demo');
  await page.keyboard.press('Enter');
  const chooser = page.getByTestId('desk-chooser');
  await chooser.waitFor();
  assert.deepEqual(await chooser.locator('.desk-list button .desk-name').allInnerTexts(), [ZB.name, NM.name]);
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-desk')), ZB.id, 'the first desk has the focus');
  await check(page, 'desk-chooser');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForURL(`**/tickets?desk=${NM.id}`);
  await expectDesk(page, NM);
  const queue = page.getByTestId('ticket-queue');
  await queue.getByText(nmTk.subject).waitFor();
  assert.doesNotMatch(await queue.innerText(), new RegExp(zbTk.subject), 'the other desk’s ticket is not listed');
  await check(page, 'desk-nm-queue');

  // An NM ticket's page; then Alt+Shift+C, Enter: the ZB desk.
  await queue.locator('tr', { hasText: nmTk.subject }).getByRole('link', { name: nmTk.number }).click();
  await page.waitForURL(`**/tickets/${nmTk.number}?desk=${NM.id}`);
  await page.getByTestId('ticket-detail').getByText(nmTk.subject).first().waitFor();
  await page.keyboard.press('Alt+Shift+C');
  const dialog = page.getByTestId('desk-dialog');
  await dialog.waitFor();
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute('data-desk')), ZB.id, 'the other desk has the focus');
  await check(page, 'desk-switch-dialog');
  await page.keyboard.press('Enter');
  // The record's number means another record there: back to the desk's queue.
  await page.waitForURL(`**/tickets?desk=${ZB.id}`);
  await dialog.waitFor({ state: 'hidden' });
  await expectDesk(page, ZB);
  await queue.getByText(zbTk.subject).waitFor();
  const zbRows = await queue.locator('tbody tr').allInnerTexts();
  assert.ok(zbRows.every((r) => !r.includes(nmTk.subject) && !/SALUD TOTAL|ALPINA|YUPI|VIRREY|COLPATR/i.test(r)), 'only the ZB desk’s records: ' + zbRows.join(' | '));
  await check(page, 'desk-zb-queue');
  // Its ticket with that number is its own, its times in Santiago (not Bogotá, not the browser's Tokyo).
  await queue.getByRole('link', { name: zbTk.number }).click();
  const detail = page.getByTestId('ticket-detail');
  await detail.getByText(zbTk.subject).first().waitFor();
  const shown = await detail.innerText();
  assert.ok(!shown.includes(nmSame.subject), 'the NM ticket of that number is not shown');
  assert.ok(shown.includes(deskTime(zbTk.created_at, ZB.zone)), `${deskTime(zbTk.created_at, ZB.zone)} not in ${shown}`);
  assert.ok(!shown.includes(deskTime(zbTk.created_at, NM.zone)), 'a time in the other desk’s zone');

  // In English the header says the same.
  await page.getByLabel('Idioma').selectOption('en');
  await expectDesk(page, ZB, 'Desk');
  await check(page, 'desk-zb-ticket-en');
  await page.getByLabel('Language').selectOption('es-419');
  await expectDesk(page, ZB);

  // Back: the NM desk's queue again, under its name (the URL says the desk).
  await page.goBack();
  await page.goBack();
  await page.waitForURL(`**/tickets/${nmTk.number}?desk=${NM.id}`);
  await expectDesk(page, NM);
  await page.getByTestId('ticket-detail').getByText(nmTk.subject).first().waitFor();
  assert.doesNotMatch(await page.getByTestId('ticket-detail').innerText(), new RegExp(zbTk.subject));

  // The live feed followed the desk; every request named one.
  const events = asked.filter((a) => a.startsWith('GET /api/v1/events'));
  assert.ok(events.some((a) => a.includes('desk=' + NM.id)) && events.some((a) => a.includes('desk=' + ZB.id)), events.join('\n'));
  const unnamed = asked.filter((a) => !/[?&]desk=/.test(a) && !/^(GET|POST|DELETE) \/api\/v1\/session$/.test(a));
  assert.deepEqual(unnamed, [], 'requests without a desk');

  // The desk chosen last is the default at the next sign-in: no chooser.
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.getByLabel('Usuario').waitFor();
  assert.equal(new URL(page.url()).searchParams.get('desk'), null, 'signed out, the URL names no desk');
  await signIn(page, server.url, 'supervisor', '/tickets');
  await expectDesk(page, ZB);
  await queue.getByText(zbTk.subject).waitFor();

  // A remembered desk the user no longer works in (or a link's) is ignored: the chooser.
  await page.evaluate(() => localStorage.setItem('atiende.desk.default.supervisor', 'main'));
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.getByLabel('Usuario').waitFor();
  await page.goto(server.url + '/tickets?desk=main');
  await page.getByLabel('Usuario').fill('supervisor');
  await page.getByLabel('Contraseña').fill('atiende-demo');
  await page.keyboard.press('Enter');
  await chooser.waitFor();
  assert.equal(new URL(page.url()).searchParams.get('desk'), null, 'the desk not the user’s left the URL');
  await page.getByLabel('Idioma').selectOption('en');
  await chooser.getByRole('heading', { name: 'Which desk are you working in now?' }).waitFor();
  await check(page, 'desk-chooser-en');
  await page.getByLabel('Language').selectOption('es-419');
  await chooser.locator(`button[data-desk="${NM.id}"]`).click();
  await page.waitForURL(`**/tickets?desk=${NM.id}`);
  await queue.getByText(nmTk.subject).waitFor();
});

test('desks: a user of one desk is never asked; the header names the desk without a switch', async ({ page, server }) => {
  await signIn(page, server.url, 'agente');
  await page.waitForURL('**/call'); // no desk in the URL: the user's only one is implied
  assert.equal(await page.getByTestId('desk-chooser').count(), 0);
  await expectDesk(page, NM);
  assert.equal(await page.getByTestId('desk').getByRole('button').count(), 0, 'nothing to switch to');
  await page.keyboard.press('Alt+Shift+C');
  assert.equal(await page.getByTestId('desk-dialog').count(), 0);
  await page.locator('main h1').click();
  await page.keyboard.press('?'); // the shortcuts' overlay
  await page.getByTestId('shortcuts').waitFor();
  const help = await page.getByTestId('shortcuts').innerText();
  assert.doesNotMatch(help, /Alt\+Shift\+C/, 'no desk shortcut listed for one desk');
  await page.keyboard.press('Escape');
  await page.getByTestId('shortcuts').waitFor({ state: 'detached' });
  // A customer user too: the portal names its customer's desk.
  await page.getByRole('button', { name: 'Cerrar sesión' }).click();
  await page.getByLabel('Usuario').waitFor();
  await signIn(page, server.url, 'cliente.zb', '/portal');
  await expectDesk(page, ZB);
});

// A desk's language is the console's for whoever chose none; a choice stays.
test('desks: the console speaks the desk’s language unless the user chose one', async ({ page, browser, server }) => {
  const admin = await server.api('admin', ZB.id);
  const zb = await admin.must('GET', '/api/v1/desks/' + ZB.id);
  await admin.must('PATCH', '/api/v1/desks/' + ZB.id, { language: 'en', version: zb.version });
  try {
    await signIn(page, server.url, 'despacho');
    await page.getByRole('heading', { name: /notices/i }).first().waitFor();
    await expectDesk(page, ZB, 'Desk');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await check(page, 'desk-language-en');
    // The user's own choice outranks the desk's, also after a reload.
    await page.getByLabel('Language').selectOption('es-419');
    await expectDesk(page, ZB);
    await page.reload();
    await expectDesk(page, ZB);
    // The supervisor switching between the desks (no choice of language) follows each desk's.
    const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    const sp = await ctx.newPage();
    sp.setDefaultTimeout(TIMEOUT);
    await signIn(sp, server.url, 'supervisor', '/notices', { desk: NM.id });
    await expectDesk(sp, NM);
    await sp.keyboard.press('Alt+Shift+C');
    await sp.getByTestId('desk-dialog').waitFor();
    await sp.keyboard.press('Enter');
    await expectDesk(sp, ZB, 'Desk');
    await ctx.close();
  } finally {
    const now = await admin.must('GET', '/api/v1/desks/' + ZB.id);
    await admin.must('PATCH', '/api/v1/desks/' + ZB.id, { language: 'es', version: now.version });
  }
});

// The whole ZB protocol through the screens (issue 6's cases API).
test('ZB: intake → supervisor coordinates the visit → overdue → dispatch apta → back office unblocks', async ({ page, browser, server }) => {
  const sup0 = await server.api('supervisor', ZB.id);
  // Agent of the ZB desk: the blocked bulk customer gets the ZB form.
  await signIn(page, server.url, 'agente.zb', '/call');
  const keys = new Keys(page);
  await pickCustomer(page, keys, 'robles');
  await expectText(page.getByTestId('customer-card'), /Bloqueo ZB/);
  await keys.press('Alt+Z');
  await page.getByRole('textbox', { name: 'Nombre de quien llama', exact: true }).fill('Juan Soto');
  await page.getByRole('textbox', { name: 'Teléfono de contacto', exact: true }).fill('+56 9 8765 4321');
  await page.getByLabel('Comentario').fill('Necesita gas para la calefacción');
  await check(page, 'agent-zb-intake');
  await page.getByRole('button', { name: /Guardar y abrir caso/ }).click();
  const opened = page.getByText(/Caso ZB\d+ abierto/);
  await opened.waitFor();
  const number = (await opened.innerText()).match(/ZB\d+/)[0];

  // Supervisor: the case in the queue, its current step's form from the procedure file.
  const ctx2 = await browser.newContext({ bypassCSP: true });
  const sp = await ctx2.newPage();
  sp.setDefaultTimeout(TIMEOUT);
  await signIn(sp, server.url, 'supervisor', '/cases', { desk: ZB.id });
  await sp.getByTestId('case-queue').getByText(number).waitFor();
  await check(sp, 'supervisor-cases');
  await sp.getByRole('link', { name: number }).click();
  const form = sp.locator('#step-form');
  await form.waitFor();
  const c = await sup0.must('GET', '/api/v1/cases/' + number);
  const now = new Date((await sup0.must('GET', '/api/v1/clock')).now);
  const day = (d) => new Intl.DateTimeFormat('en-CA', { timeZone: ZB.zone }).format(new Date(now.getTime() + d * 86400000));
  const phones = ['+56 9 3111 2222', '+56 2 2345 6789'];
  for (const f of c.step.form) {
    const el = form.locator(`[name="${f.name}"]`);
    if (f.type === 'date') await el.fill(day(2));
    else if (f.type === 'phone') await el.fill(phones.shift() ?? '+56 9 5555 6666');
    else if (f.type === 'choice') await el.selectOption({ index: 1 });
    else await el.fill('Portón verde, camino a Buin km 3');
  }
  await check(sp, 'supervisor-case-step');
  const outcome = c.step.outcomes.find((o) => o.id === 'contacted') ?? c.step.outcomes[0];
  await form.getByRole('button', { name: outcome.label }).click();
  await sp.getByText(/Paso registrado/).waitFor();
  const after = await sup0.must('GET', '/api/v1/cases/' + number);
  assert.ok(after.notice, 'the notice is created with the visit');
  assert.ok(after.timeline.length >= 2, 'the timeline grows');
  await sp.getByTestId('timeline').getByText(/Juan Soto|intake|Ingreso/).first().waitFor();
  // The timeline speaks the console's language, from what happened (data.what).
  await sp.getByTestId('timeline').getByText(/Aviso creado: EME\d+/).first().waitFor();
  await sp.getByTestId('timeline').getByText(/Llamada al cliente n\.º 1: contactado/).first().waitFor();

  // Three days without a notice update: overdue, shown in the queue.
  const admin = await server.api('admin');
  await admin.must('POST', '/api/v1/clock', { advance: 'PT73H' });
  const sup = await server.api('supervisor', ZB.id);
  const late = await sup.must('GET', '/api/v1/cases/' + number);
  assert.equal(late.overdue.state, 'overdue');
  await ctx2.close();

  // Dispatch: the technician finds the installation fit.
  const disp = await server.api('despacho');
  await disp.must('POST', `/api/v1/notices/${after.notice.number}/close`, { outcome: 'apta' });

  // Back office: the unblock waits for confirmation; confirming closes the case.
  const ctx3 = await browser.newContext({ bypassCSP: true });
  const bo = await ctx3.newPage();
  bo.setDefaultTimeout(TIMEOUT);
  await signIn(bo, server.url, 'mesa', '/unblocks');
  const card = bo.getByTestId('case').filter({ hasText: number });
  await card.waitFor();
  // The card's history is read when opened (queues list cases without it).
  await card.getByText('Historia del caso').click();
  await card.getByTestId('timeline').locator('li').nth(3).waitFor();
  await check(bo, 'back-office-unblocks');
  await card.getByRole('button', { name: /desbloque|unblock/i }).first().click();
  await bo.getByTestId('step-confirm').getByRole('button', { name: /^Sí/ }).click(); // lifting the block: asked first
  // The confirmation stays above the queue; the closed case leaves it (live).
  await bo.getByText(new RegExp(`Paso registrado.*${number}`)).waitFor();
  await card.waitFor({ state: 'detached', timeout: TIMEOUT });
  const done = await sup.must('GET', '/api/v1/cases/' + number);
  assert.equal(done.state, 'closed');
  const robles = (await sup.must('GET', '/api/v1/customers/' + done.customer.id));
  assert.ok(!robles.blocks.includes('ZB'), 'the ZB block is lifted');
  await ctx3.close();
});

// Admin → Campañas (/admin/desks). These run last: the desks' settings
// matter to every other test (abastible-zb's hours and holidays count in its
// SLA and case timers), and each puts back what it changed.
const DESK_SETTINGS = ['name', 'time_zone', 'language', 'phone_region', 'business_hours', 'holiday_country', 'holidays_added', 'holidays_removed', 'autoclose_days', 'mail_from', 'reply_to', 'procedures'];
async function restoreDesk(admin, before) {
  const now = await admin.must('GET', '/api/v1/desks/' + before.id);
  const body = Object.fromEntries(DESK_SETTINGS.map((k) => [k, before[k]]));
  await admin.must('PATCH', '/api/v1/desks/' + before.id, { ...body, version: now.version });
}

// Waits (bounded) until the focused element's attribute `attr` (or its text:
// '#text') is `value`: screens move the focus after they render.
async function expectFocus(page, attr, value, message) {
  try {
    await page.waitForFunction(([a, v]) => (a === '#text' ? document.activeElement?.textContent : document.activeElement?.getAttribute(a)) === v, [attr, value], {
      timeout: TIMEOUT,
    });
  } catch {
    const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
    assert.fail(`${message}: the focus is on ${at}`);
  }
}

// The message a field's aria-describedby names last (its error).
async function fieldMessage(page, input) {
  const ids = (await input.getAttribute('aria-describedby')).split(' ');
  return page.locator('#' + ids[ids.length - 1]).innerText();
}

test('desks admin: edits a desk’s hours and holidays; a bad zone is refused next to its field; a stale edit is not saved unseen; a rename shows in the header', async ({ page, server }) => {
  const admin = await server.api('admin');
  const before = await admin.must('GET', '/api/v1/desks/' + ZB.id);
  try {
    await signIn(page, server.url, 'admin', '/admin/desks', { desk: ZB.id });
    await expectText(page.getByRole('navigation'), /Campañas/);
    const table = page.getByTestId('desks');
    const zbRow = table.locator(`tr[data-desk="${ZB.id}"]`);
    await expectText(zbRow, /America\/Santiago/);
    await expectText(zbRow, /Desbloqueo de cliente granel con bloqueo ZB \(zb-unblock\)/, 'the procedure by its title');
    await expectText(table.locator(`tr[data-desk="${NM.id}"]`), /America\/Bogota/);
    await check(page, 'desks-admin-list');

    // By keyboard: the row's Editar, Enter; the form opens with the name focused.
    const edit = table.getByRole('button', { name: `Editar la campaña ${ZB.name}` });
    await edit.focus();
    await page.keyboard.press('Enter');
    const form = page.getByTestId('desk-form');
    await form.waitFor();
    await expectFocus(page, 'name', 'name', 'the name has the focus');
    const hours = form.getByRole('textbox', { name: 'Horario hábil' });
    await hours.fill('mon-fri 08:00-19:00; sat 09:00-14:00');
    // A local holiday: the date, Enter adds it to the list (not the form's submit).
    const added = page.getByTestId('desk-holidays_added');
    await added.getByLabel('Agregar fecha').fill('2026-12-24');
    await added.getByLabel('Agregar fecha').press('Enter');
    await expectText(added.locator('.date-list'), /jueves, 24 de diciembre de 2026/);
    assert.equal(await form.count(), 1, 'the form is still open');
    assert.equal((await admin.must('GET', '/api/v1/desks/' + ZB.id)).version, before.version, 'nothing saved yet');
    await check(page, 'desks-admin-edit');
    // Enter in a field saves.
    await hours.press('Enter');
    await page.getByText(`Campaña «${ZB.name}» guardada.`).waitFor();
    await expectText(zbRow, /mon-fri 08:00-19:00; sat 09:00-14:00/);
    await expectText(zbRow, /locales: 2026-12-24/);
    let saved = await admin.must('GET', '/api/v1/desks/' + ZB.id);
    assert.equal(saved.business_hours, 'mon-fri 08:00-19:00; sat 09:00-14:00');
    assert.deepEqual(saved.holidays_added, ['2026-12-24']);
    assert.equal(saved.version, before.version + 1);
    assert.equal(saved.mail_from, before.mail_from, 'what was not touched stays');
    await expectFocus(page, 'data-edit', ZB.id, 'the focus is back on the row');

    // An unknown zone: the server's error next to the field, nothing saved.
    await page.keyboard.press('Enter');
    await form.waitFor();
    const zone = form.getByRole('combobox', { name: 'Zona horaria' });
    await zone.fill('America/Nowhere');
    await zone.press('Enter');
    await form.locator('input[name=time_zone][aria-invalid=true]').waitFor();
    const zoneError = await fieldMessage(page, zone);
    assert.match(zoneError, /Revise el campo «Zona horaria»/);
    assert.match(zoneError, /Detalle: "America\/Nowhere" is not a known IANA time zone/, 'the server’s detail');
    assert.doesNotMatch(zoneError, /time_zone/, 'the field called by its label, not the API’s name');
    assert.equal(await form.locator('.error').count(), 1, 'one error, at the zone only');
    await check(page, 'desks-admin-error');
    saved = await admin.must('GET', '/api/v1/desks/' + ZB.id);
    assert.equal(saved.time_zone, 'America/Santiago');
    assert.equal(saved.version, before.version + 1, 'nothing changed');

    // Someone else saves meanwhile (the API, behind the page): the save is
    // refused and says so; the input stays; reloading keeps it on top of
    // the other's change, which the next save does not undo.
    await zone.fill('America/Santiago');
    await hours.fill('mon-fri 08:00-20:00');
    await admin.must('PATCH', '/api/v1/desks/' + ZB.id, { reply_to: 'respuestas@abastible.example', version: saved.version });
    await hours.press('Enter');
    const conflict = page.getByTestId('desk-conflict');
    await expectText(conflict, /Otra persona cambió la campaña/);
    assert.equal(await hours.inputValue(), 'mon-fri 08:00-20:00', 'the input is kept');
    assert.equal((await admin.must('GET', '/api/v1/desks/' + ZB.id)).business_hours, 'mon-fri 08:00-19:00; sat 09:00-14:00', 'not saved');
    await conflict.getByRole('button', { name: 'Recargar y conservar lo que escribí' }).click();
    await conflict.waitFor({ state: 'detached' });
    assert.equal(await form.getByRole('textbox', { name: 'Responder a' }).inputValue(), 'respuestas@abastible.example', 'the other’s change shows');
    await hours.press('Enter');
    await page.getByText(`Campaña «${ZB.name}» guardada.`).waitFor();
    saved = await admin.must('GET', '/api/v1/desks/' + ZB.id);
    assert.equal(saved.business_hours, 'mon-fri 08:00-20:00');
    assert.equal(saved.reply_to, 'respuestas@abastible.example', 'the other’s change is not undone');

    // Esc cancels: nothing saved, the focus back on the row.
    await page.keyboard.press('Enter');
    await form.getByRole('textbox', { name: 'Nombre', exact: true }).fill('No se guarda');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    assert.equal((await admin.must('GET', '/api/v1/desks/' + ZB.id)).name, ZB.name);
    await expectFocus(page, 'data-edit', ZB.id, 'Esc: the focus is back on the row');

    // Renaming the desk this tab works in: the header follows without a reload.
    await page.keyboard.press('Enter');
    await form.getByRole('textbox', { name: 'Nombre', exact: true }).fill(ZB.name + ' (Chile)');
    await page.keyboard.press('Enter');
    await page.getByText(`Campaña «${ZB.name} (Chile)» guardada.`).waitFor();
    await expectDesk(page, { name: ZB.name + ' (Chile)', zone: ZB.zone });
  } finally {
    await restoreDesk(admin, before);
  }
});

test('desks admin: creates a desk and removes it; a desk in use stays; a desk-bound admin can only edit; English', async ({ page, browser, server }) => {
  const admin = await server.api('admin');
  await signIn(page, server.url, 'admin', '/admin/desks', { desk: ZB.id });
  const table = page.getByTestId('desks');
  await table.locator(`tr[data-desk="${NM.id}"]`).waitFor();

  // A new desk: the form starts from this desk's clock and calendar.
  await page.getByRole('button', { name: 'Nueva campaña' }).click();
  const form = page.getByTestId('desk-form');
  await form.waitFor();
  await expectFocus(page, 'name', 'id', 'the id has the focus');
  assert.equal(await form.getByRole('combobox', { name: 'Zona horaria' }).inputValue(), ZB.zone);
  await page.keyboard.type('prueba-mesa');
  await form.getByRole('textbox', { name: 'Nombre', exact: true }).fill('Prueba — Mesa');
  await form.getByRole('combobox', { name: 'Zona horaria' }).fill('America/Lima');
  await form.getByRole('textbox', { name: 'País de los feriados' }).fill('');
  await form.getByRole('textbox', { name: 'Región telefónica' }).fill('pe');
  await form.getByRole('textbox', { name: 'Nombre', exact: true }).press('Enter');
  await page.getByText('Campaña «Prueba — Mesa» creada (prueba-mesa).').waitFor();
  await expectText(table.locator('tr[data-desk="prueba-mesa"]'), /America\/Lima/);
  const made = await admin.must('GET', '/api/v1/desks/prueba-mesa');
  assert.equal(made.phone_region, 'PE');
  assert.equal(made.holiday_country, '');
  assert.deepEqual(made.procedures, []);
  // The header's switch lists it at once.
  await page.keyboard.press('Alt+Shift+C');
  const switcher = page.getByTestId('desk-dialog');
  await switcher.locator('button[data-desk="prueba-mesa"]').waitFor();
  await page.keyboard.press('Escape');
  await switcher.waitFor({ state: 'hidden' });

  // A desk something belongs to is not removed, and the dialog says why.
  await table.getByRole('button', { name: `Quitar la campaña ${NM.name}` }).click();
  const dialog = page.getByTestId('desk-remove');
  await expectFocus(page, '#text', 'No, conservarla Esc', 'keeping has the focus');
  await dialog.getByRole('button', { name: 'Sí, quitar la campaña' }).click();
  await expectText(dialog.getByTestId('desk-remove-error'), /No se quitó «Cirion — Mesa NM»: todavía tiene clientes, usuarios o registros/);
  await expectFocus(page, '#text', 'Cerrar Esc', 'closing has the focus');
  await check(page, 'desks-admin-in-use');
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  await admin.must('GET', '/api/v1/desks/' + NM.id);

  // An empty one is.
  await table.getByRole('button', { name: 'Quitar la campaña Prueba — Mesa' }).click();
  await dialog.getByRole('button', { name: 'Sí, quitar la campaña' }).click();
  await page.getByText('Campaña «Prueba — Mesa» quitada.').waitFor();
  await table.locator('tr[data-desk="prueba-mesa"]').waitFor({ state: 'detached' });
  assert.equal((await admin.get('/api/v1/desks/prueba-mesa')).status, 404);

  // The same screens in English.
  await page.getByLabel('Idioma').selectOption('en');
  await page.getByRole('heading', { name: 'Desks', exact: true }).waitFor();
  await check(page, 'desks-admin-list-en');
  await table.getByRole('button', { name: `Edit the desk ${ZB.name}` }).click();
  await form.waitFor();
  await page.getByTestId('desk-holidays_added').getByLabel('Add a date').fill('2026-12-31');
  await page.getByTestId('desk-holidays_added').getByLabel('Add a date').press('Enter');
  await expectText(page.getByTestId('desk-holidays_added'), /Thursday, December 31, 2026/);
  await check(page, 'desks-admin-edit-en');
  const zone = form.getByRole('combobox', { name: 'Time zone' });
  await zone.fill('Mars/Olympus');
  await zone.press('Enter');
  await form.locator('input[name=time_zone][aria-invalid=true]').waitFor();
  assert.match(await fieldMessage(page, zone), /Check the field “Time zone”\. Detail: "Mars\/Olympus" is not a known IANA time zone/);
  await check(page, 'desks-admin-error-en');
  await page.keyboard.press('Escape');
  await form.waitFor({ state: 'detached' });
  await page.getByLabel('Language').selectOption('es-419');
  assert.deepEqual((await admin.must('GET', '/api/v1/desks/' + ZB.id)).holidays_added, [], 'the cancelled edit saved nothing');

  // An admin of one desk edits its settings but neither creates nor removes desks.
  await admin.must('POST', '/api/v1/users', { username: 'admin.zb', role: 'admin', password: 'atiende-demo', desks: [ZB.id] });
  const ctx = await browser.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
  try {
    const p2 = await ctx.newPage();
    p2.setDefaultTimeout(TIMEOUT);
    await signIn(p2, server.url, 'admin.zb', '/admin/desks');
    const mine = p2.getByTestId('desks');
    await mine.locator(`tr[data-desk="${ZB.id}"]`).waitFor();
    assert.equal(await mine.locator('tbody tr').count(), 1, 'only the desks the admin works in');
    await expectText(p2.locator('#main'), /Crear y quitar campañas corresponde a un administrador de toda la instalación/);
    assert.equal(await p2.getByRole('button', { name: /Nueva campaña|Quitar/ }).count(), 0, 'no create or remove control');
    await mine.getByRole('button', { name: `Editar la campaña ${ZB.name}` }).click();
    await p2.getByTestId('desk-form').waitFor();
    assert.equal(await p2.getByRole('textbox', { name: 'Identificador' }).count(), 0);
    const status = await p2.evaluate(async () => (await fetch('/api/v1/desks', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"id":"otra","name":"Otra"}' })).status);
    assert.equal(status, 403, 'the API refuses a desk-bound admin’s creation');
  } finally {
    await ctx.close();
  }
});

// --- Runner --------------------------------------------------------------------
await runSuite(tests, {
  server: await new Server().start(),
  context: { timezoneId: 'Asia/Tokyo', locale: 'es-CO', viewport: { width: 1280, height: 900 } },
  timeout: TIMEOUT,
  report: true,
});
