// What every browser walk shares: where the stack is, the phone it plays
// (360 px, JavaScript off), the checks made on every page, and the runner
// that prints one "ok"/"FAIL" line per walk and the suite's closing line
// "NAME: N passed, N failed" that tests/run.sh counts.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
export const INTRANET_URL = (process.env.INTRANET_URL ||
  BASE_URL.replace(/:(\d+)$/, (_, p) => ':' + (Number(p) + 1))).replace(/\/+$/, '');
export const VAR = resolve(ROOT, process.env.PORTAL_VAR || 'var');
export const BIN = resolve(ROOT, process.env.PORTAL_BIN || 'build/bin');
export const SHOT_DIR = resolve(process.env.SHOT_DIR || 'var/test/screenshots');
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
export const PHONE_WIDTH = 360;

// A cheap phone: what most citizens have, and no JavaScript, so every page
// must work as plain HTML forms.
export const PHONE = {
  viewport: { width: PHONE_WIDTH, height: 800 }, deviceScaleFactor: 2, isMobile: true,
  locale: 'vi-VN', javaScriptEnabled: false,
};

export const LAUNCH = {
  executablePath: CHROMIUM, headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
};

export class TestFailure extends Error {}
export function assert(cond, msg) {
  if (!cond) throw new TestFailure(msg);
}

// Nothing may stick out sideways on the phone: the page no wider than the
// screen and no box past its right edge.  Boxes whose content (an
// unbreakable run of text) spills out of them are named in the message, as
// the likely cause.
export async function assertFits(page, what, width = PHONE_WIDTH) {
  const m = await page.evaluate(() => {
    const de = document.documentElement;
    const past = [];
    const spill = [];
    const name = (el) => el.tagName.toLowerCase() +
      (el.className && typeof el.className === 'string' ? '.' + el.className.trim().replace(/\s+/g, '.') : '');
    for (const el of document.body.querySelectorAll('*')) {
      if (el.closest('svg')) continue;
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > de.clientWidth + 1) {
        if (past.length < 5) past.push(`${name(el)} (right edge ${Math.round(r.right)})`);
      } else if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1 &&
                 getComputedStyle(el).overflowX === 'visible') {
        const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 60);
        if (spill.length < 5) spill.push(`${name(el)} (content ${el.scrollWidth} px in ${el.clientWidth} px: "${text}")`);
      }
    }
    return { scrollWidth: de.scrollWidth, past, spill };
  });
  assert(m.scrollWidth <= width + 1 && m.past.length === 0,
    `${what}: wider than ${width} px (scrollWidth ${m.scrollWidth}): ${m.past.concat(m.spill).join(', ')}`);
}

// snap(page, name): a full-page screenshot PREFIX-NN-name.png, numbered in
// the walk's order, and the fit check on the page it shows.
export function snapper(prefix) {
  let n = 0;
  return async (page, name) => {
    n++;
    await page.waitForLoadState('load');
    await page.screenshot({ path: resolve(SHOT_DIR, `${prefix}-${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
    await assertFits(page, name);
  };
}

// Submit the form holding the given control, and wait for the page it leads to.
export async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

// The desk's form that moves a dossier to status `to`.
export function deskForm(page, to) {
  return page.locator(`form:has(input[name="to"][value="${to}"])`);
}

// A tax code of the agency's own (as tests/integration/test_payment.py's
// tax_code): payment-admin refuses one issuer's series for two agencies.
export function taxCode(agency) {
  const h = BigInt('0x' + createHash('sha256').update(agency).digest('hex'));
  return '01' + String(h % 100000000n).padStart(8, '0');
}

// The operators' payment tool, on the stack the walk runs against.
export function payAdmin(...args) {
  const env = { ...process.env, PORTAL_VAR: VAR };
  delete env.PORTAL_DB_USER;
  return execFileSync(resolve(BIN, 'payment-admin'), args, { encoding: 'utf8', env }).trim();
}

// Run each walk (an async function given the browser) in turn; print a line
// for each and the suite's closing line; exit non-zero on any failure or
// when the whole suite takes longer than timeoutMs.
export async function runSuite(suite, walks, timeoutMs = 180000) {
  mkdirSync(SHOT_DIR, { recursive: true });
  let passed = 0;
  let failed = 0;
  const watchdog = setTimeout(() => {
    console.log(`FAIL - ${suite}: global timeout`);
    console.log(`${suite}: ${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, timeoutMs);
  let browser = null;
  try {
    browser = await chromium.launch(LAUNCH);
    for (const [label, walk] of walks) {
      const t0 = Date.now();
      try {
        await walk(browser);
        passed++;
        console.log(`ok   - ${label} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL - ${label}: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
      }
    }
  } catch (e) {
    failed++;
    console.log(`FAIL - ${suite}: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
  } finally {
    clearTimeout(watchdog);
    if (browser) await browser.close().catch(() => {});
  }
  console.log(`${suite}: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

// n phone pages, each in a browser context of its own (its own cookies):
// the citizen's, the desk's.
export async function phonePages(browser, n) {
  const pages = [];
  for (let i = 0; i < n; i++) {
    const p = await (await browser.newContext(PHONE)).newPage();
    p.setDefaultTimeout(15000);
    p.setDefaultNavigationTimeout(20000);
    pages.push(p);
  }
  return pages;
}

// A citizen registers by phone through the forms and confirms with the
// code from the development outbox; `step(name)` is called on each page
// worth a screenshot.  Returns the phone number.
export async function registerByPhone(c, name, password, step = async () => {}) {
  const contact = '09' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');
  await c.goto(BASE_URL + '/account/register');
  await c.getByLabel('Số điện thoại hoặc thư điện tử').fill(contact);
  await c.getByLabel('Họ và tên').fill(name);
  await c.getByLabel('Mật khẩu').fill(password);
  await step('register');
  await submit(c, c.getByRole('button', { name: 'Đăng ký' }));
  assert(c.url().includes('/account/verify'), `after registering: ${c.url()}`);
  const msgs = await (await fetch(`${INTRANET_URL}/dev/outbox.json?to=${contact}`)).json();
  const code = /\b(\d{6})\b/.exec(msgs[0].body)[1];
  await c.getByLabel('Mã xác nhận').fill(code);
  await step('verify');
  await submit(c, c.getByRole('button', { name: 'Xác nhận' }));
  assert(c.url().endsWith('/dossiers/'), `after the code: ${c.url()}`);
  return contact;
}

// A new staff account of the agency (made the operator's way, from the
// shell) signs in on the intranet.
export async function staffSignsIn(s, agency, role) {
  const login = role[0] + Math.random().toString(16).slice(2, 12);
  const password = 'mật-khẩu-cán-bộ-' + login;
  execFileSync(resolve(ROOT, 'conf/stack.sh'), ['admin', 'staff-add', '--agency', agency,
    '--role', role, '--login', login], { input: password + '\n', cwd: ROOT });
  await s.goto(INTRANET_URL + '/desk/login');
  await s.getByLabel('Tên đăng nhập').fill(login);
  await s.getByLabel('Mật khẩu').fill(password);
  await submit(s, s.getByRole('button', { name: 'Đăng nhập' }));
  return login;
}

// The signed-in citizen files `proc` online at `at` (by default the first
// agency the form offers), with two uploads (a JPEG and a PNG from the
// fuzz corpus), the result returned online.  `step(name)` as in
// registerByPhone.  Returns the dossier's code and the agency.
export async function fileDossier(c, proc, applicantId, step = async () => {}, at = null) {
  const fix = resolve(ROOT, 'tests/fuzz/corpus/filetype');
  await c.goto(`${BASE_URL}/dossiers/new?procedure=${proc}`);
  const agency = at || await c.locator('select#agency option').first().getAttribute('value');
  await c.selectOption('select#agency', agency);
  await c.getByLabel('Số định danh cá nhân (12 chữ số)').fill(applicantId);
  await c.getByLabel('Số điện thoại').fill('0912345678');
  await c.locator('input[name="doc_1"]').setInputFiles(resolve(fix, 'photo.jpg'));
  await c.locator('input[name="doc_2"]').setInputFiles(resolve(fix, 'rgb.png'));
  await c.locator('input[name="result_channel"][value="online"]').check();
  await step('new');
  await submit(c, c.getByRole('button', { name: 'Nộp hồ sơ' }));
  const m = /\/dossiers\/([^/]+-\d{6}-\d{4})$/.exec(c.url());
  if (!m) await step('filing-refused');
  assert(m, `after filing: ${c.url()}: ${(await c.locator('main').innerText()).slice(0, 300)}`);
  return { dossier: m[1], agency };
}
