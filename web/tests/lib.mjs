// Harness for the browser tests and the agent-speed benchmark: starts the real
// `atiende serve` (SQLite, virtual clock) on a free loopback port in a fresh
// demo-seeded data directory, talks to its API, and drives Debian's Chromium
// through playwright-core (never a downloaded browser).
//
// Environment: ATIENDE_BIN (the binary), ATIENDE_SOURCE (the repository),
// ATIENDE_ARTIFACTS (where screenshots go), CHROMIUM (default /usr/bin/chromium).
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, mkdirSync, readFileSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import assert from 'node:assert/strict';
import { basename, join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const SOURCE = process.env.ATIENDE_SOURCE || join(here, '..', '..');
export const BIN = process.env.ATIENDE_BIN || join(SOURCE, 'build', 'atiende');
// Each test file's screenshots in a folder of its own (ctest sets it to
// build/web-artifacts/<file's name>; a file run by hand gets the same).
export const ARTIFACTS =
  process.env.ATIENDE_ARTIFACTS || join(SOURCE, 'build', 'web-artifacts', basename(process.argv[1] ?? 'web', '.mjs').replace(/\.test$/, ''));
export const PASSWORD = 'atiende-demo';
export const CLOCK_START = '2026-12-07T15:00:00Z'; // Monday 10:00 in Bogotá, 12:00 in Santiago
// The demo's two desks (src/cli/demo_cmd.cc): the telecom's NM desk (agente,
// cliente) and the LPG distributor's ZB desk (agente.zb, despacho, mesa,
// cliente.zb); supervisor and admin work in both.
export const NM = { id: 'cirion-nm', name: 'Cirion — Mesa NM', zone: 'America/Bogota' };
export const ZB = { id: 'abastible-zb', name: 'Abastible — Bloqueos ZB', zone: 'America/Santiago' };

function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('ATIENDE_')) env[k] = v;
  return { ...env, ...extra };
}

export class Server {
  // dataDir: start from a copy of that data directory (e.g. a 1M-customer
  // master for bench/web_speed.mjs), demo-seeded on top (idempotent); the
  // original is left as it was.
  constructor({ env = {}, dataDir } = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'atiende-web-'));
    if (dataDir) cpSync(dataDir, this.dir, { recursive: true });
    this.env = env;
  }
  cli(args, input) {
    const r = spawnSync(BIN, [...args, '--data-dir', this.dir], { env: cleanEnv(this.env), input, cwd: this.dir, timeout: 120000 });
    if (r.status !== 0) throw new Error(`atiende ${args.join(' ')} failed (${r.status}): ${r.stderr}`);
    return r.stdout.toString();
  }
  async start() {
    this.cli(['demo', 'seed', '--dir', join(SOURCE, 'data', 'demo')]);
    this.logPath = join(this.dir, 'server.log');
    const log = openSync(this.logPath, 'w'); // a copied data dir: this run's log only
    this.proc = spawn(BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', this.dir, '--virtual-clock', '--virtual-clock-start', CLOCK_START], {
      env: cleanEnv(this.env),
      cwd: this.dir,
      stdio: ['ignore', log, log],
    });
    closeSync(log);
    const deadline = Date.now() + 15000;
    while (!this.port) {
      if (this.proc.exitCode !== null) throw new Error('atiende serve exited: ' + this.log());
      if (Date.now() > deadline) throw new Error('atiende serve did not listen: ' + this.log());
      for (const line of this.log().split('\n')) {
        try {
          const e = JSON.parse(line);
          if (e.event === 'http.listen') this.port = Number(e.addr.split(':').pop());
        } catch {
          /* not a log line */
        }
      }
      if (!this.port) await sleep(20);
    }
    this.url = `http://127.0.0.1:${this.port}`;
    return this;
  }
  log() {
    try {
      return readFileSync(this.logPath, 'utf8');
    } catch {
      return '';
    }
  }
  async stop() {
    if (this.proc && this.proc.exitCode === null) {
      const done = new Promise((r) => this.proc.once('exit', r));
      this.proc.kill('SIGTERM');
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
      await done;
      clearTimeout(t);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
  // A JSON API client signed in as `user` (cookie), for setting scenes up;
  // with `desk` (an id) every request acts in that desk (?desk=), as a user of
  // several desks must say (a user of one needs not).
  async api(user, desk) {
    const r = await fetch(this.url + '/api/v1/session', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: user, password: PASSWORD }),
    });
    if (r.status !== 200) throw new Error(`login ${user}: ${r.status} ${await r.text()}`);
    const cookie = r.headers.get('set-cookie').split(';')[0];
    const call = async (method, path, body) => {
      if (desk && !/[?&]desk=/.test(path)) path += (path.includes('?') ? '&' : '?') + 'desk=' + encodeURIComponent(desk);
      const res = await fetch(this.url + path, {
        method,
        headers: { Cookie: cookie, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    };
    return {
      get: (p) => call('GET', p),
      post: (p, b) => call('POST', p, b ?? {}),
      patch: (p, b) => call('PATCH', p, b),
      async must(method, path, body, status) {
        const r = await call(method, path, body);
        if (status ? r.status !== status : r.status >= 300) throw new Error(`${method} ${path} → ${r.status} ${JSON.stringify(r.body)}`);
        return r.body;
      },
    };
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Every wait of the browser tests is bounded by this (generous: CI runs other
// tests on the same two cores).
export const TIMEOUT = 20000;

// Waits (bounded) until `fn` answers truthy; returns what it answered.
export async function until(fn, message) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) assert.fail('timed out waiting: ' + message);
    await sleep(100);
  }
}

// Waits (bounded) until the locator's text matches `re`: screens re-render
// as their reads answer, so a text read at once can race them on a slow machine.
export async function expectText(locator, re, message) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    const text = await locator.innerText();
    if (re.test(text)) return text;
    if (Date.now() > deadline) assert.match(text, re, message);
    await sleep(100);
  }
}

export async function launch() {
  const args = [];
  if (process.getuid && process.getuid() === 0) args.push('--no-sandbox'); // root in CI containers
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args, timeout: 30000 });
}

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

// Runs axe-core on the page. By default the serious and critical violations
// of every rule; with `wcagAA`, every violation (whatever its impact) of the
// WCAG 2.0/2.1 A and AA rules.
export async function axe(page, { wcagAA = false } = {}) {
  if (!(await page.evaluate(() => !!window.axe))) await page.addScriptTag({ content: AXE });
  const res = await page.evaluate(async (tags) => {
    const options = { resultTypes: ['violations'], ...(tags ? { runOnly: { type: 'tag', values: tags } } : {}) };
    // eslint-disable-next-line no-undef
    const r = await window.axe.run(document, options);
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')).slice(0, 5) }));
  }, wcagAA ? ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] : null);
  return wcagAA ? res : res.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

// A screenshot of the page (`name`.png) and no serious axe violation on it.
export async function check(page, name, { fullPage = true } = {}) {
  await page.screenshot({ path: screenshotPath(name), fullPage });
  const bad = await axe(page);
  assert.deepEqual(bad, [], `${name}: accessibility violations:\n${JSON.stringify(bad, null, 1)}`);
}

export function screenshotPath(name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  return join(ARTIFACTS, name + '.png');
}

// Runs a browser test file's `tests` ({name, fn}) against `server` and exits
// the process (non-zero when one failed): one Chromium; each test in a fresh
// context (`context`: Playwright's options) with every wait bounded by
// `timeout`, at most `testMs` in all, its page's uncaught errors failing it and
// a screenshot of the page when it fails. `setUp({server, browser})` runs
// first; what it returns is given to every test beside {page, context,
// browser, server}. ONLY=<part of a name> runs those tests alone. The file's
// screenshots from an earlier run are cleared first; `report` writes each
// test's outcome to report.json there.
export async function runSuite(tests, { server, setUp, context = {}, timeout = TIMEOUT, testMs = 90000, report = false }) {
  rmSync(ARTIFACTS, { recursive: true, force: true });
  const only = process.env.ONLY;
  const outcomes = [];
  let failed = 0;
  let ran = 0;
  const browser = await launch();
  try {
    const shared = (await setUp?.({ server, browser })) ?? {};
    for (const t of tests) {
      if (only && !t.name.includes(only)) continue;
      ran++;
      const ctx = await browser.newContext({ bypassCSP: true, ...context });
      ctx.setDefaultTimeout(timeout);
      const page = await ctx.newPage();
      const errors = [];
      page.on('pageerror', (e) => errors.push(String(e)));
      const started = Date.now();
      try {
        await Promise.race([
          t.fn({ ...shared, page, context: ctx, browser, server }),
          sleep(testMs).then(() => {
            throw new Error(`test took over ${testMs / 1000} s`);
          }),
        ]);
        assert.deepEqual(errors, [], 'uncaught errors in the page');
        console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
        outcomes.push({ name: t.name, ok: true });
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}\n     ${String(e.stack || e).split('\n').join('\n     ')}`);
        outcomes.push({ name: t.name, ok: false, error: String(e) });
        try {
          await page.screenshot({ path: screenshotPath('FAILED-' + t.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)), fullPage: true });
        } catch {
          /* the page may be gone */
        }
      } finally {
        await ctx.close();
      }
    }
  } finally {
    await browser.close();
    if (failed) console.log('--- server log (tail) ---\n' + server.log().split('\n').slice(-40).join('\n'));
    await server.stop();
  }
  if (report) writeFileSync(join(ARTIFACTS, 'report.json'), JSON.stringify(outcomes, null, 1));
  console.log(`${ran - failed}/${ran} passed`);
  process.exit(failed ? 1 : 0);
}

// Counts keyboard actions: one per key press (with modifiers) and one per
// text typed into a field.
export class Keys {
  constructor(page) {
    this.page = page;
    this.count = 0;
    this.log = [];
  }
  async press(key) {
    this.count++;
    this.log.push(key);
    await this.page.keyboard.press(key);
  }
  async type(text) {
    this.count++;
    this.log.push(JSON.stringify(text));
    await this.page.keyboard.type(text);
  }
}

// Signs in through the form with the keyboard (not counted as call work).
// A user of several desks then sees the desk chooser (unless the path or an
// earlier choice in this browser names the desk): `desk` (an id) is picked
// there; without it, such a chooser fails the sign-in.
export async function signIn(page, url, user, path = '/', { desk } = {}) {
  await page.goto(url + path);
  await page.getByLabel(/Usuario|Username/).fill(user);
  await page.getByLabel(/Contraseña|Password/).fill(PASSWORD);
  await page.keyboard.press('Enter');
  await page.waitForSelector('header.top, [data-testid=desk-chooser]');
  if (await page.getByTestId('desk-chooser').count()) {
    if (!desk) throw new Error(`${user} was asked to choose a desk; say which (signIn's desk option)`);
    await page.getByTestId('desk-chooser').locator(`button[data-desk="${desk}"]`).click();
    await page.waitForSelector('header.top');
  }
}
