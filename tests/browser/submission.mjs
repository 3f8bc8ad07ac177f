// The submission walk in headless Chromium at 360 px with JavaScript off,
// the way the checker walks it on a cheap phone: register by phone,
// read the code from the dev outbox, file 1.001193 with two uploads, open
// the slip; the desk (a leader made with conf/stack.sh admin) accepts, asks
// for a supplement; the citizen supplies; the desk finishes and returns the
// result file; the citizen rates.  Every page is screenshotted and checked
// for sideways overflow.
//
//   BASE_URL=http://127.0.0.1:8080 INTRANET_URL=http://127.0.0.1:8081 \
//   SHOT_DIR=var/test/screenshots node tests/browser/submission.mjs
//
// Ends with exactly one line "browser-submission: N passed, N failed".

import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BASE_URL = (process.env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const INTRANET_URL = (process.env.INTRANET_URL ||
  BASE_URL.replace(/:(\d+)$/, (_, p) => ':' + (Number(p) + 1))).replace(/\/+$/, '');
const SHOT_DIR = resolve(process.env.SHOT_DIR || 'var/test/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const FIX = resolve(ROOT, 'tests/fuzz/corpus/filetype');
const PROC = '1.001193';

const PHONE = {
  viewport: { width: 360, height: 800 }, deviceScaleFactor: 2, isMobile: true,
  locale: 'vi-VN', javaScriptEnabled: false,
};

class TestFailure extends Error {}
function assert(cond, msg) {
  if (!cond) throw new TestFailure(msg);
}

let n = 0;
async function snap(page, name) {
  n++;
  await page.waitForLoadState('load');
  await page.screenshot({ path: resolve(SHOT_DIR, `sub-${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
  // nothing sticks out sideways on a 360 px phone
  const wide = await page.evaluate(() => {
    const w = document.documentElement.clientWidth;
    const out = [];
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.right > w + 1 && !el.closest('svg')) out.push(`${el.tagName.toLowerCase()}.${el.className} (${Math.round(r.right)}, ${Math.round(r.width)} wide)`);
    }
    return out.concat(document.documentElement.scrollWidth > w + 1 ? ['page ' + document.documentElement.scrollWidth] : []);
  });
  assert(wide.length === 0, `${name}: wider than the phone: ${wide.slice(0, 5).join(', ')}`);
}

// Submit the form holding the given control, and wait for the page it leads to.
async function submit(page, button) {
  await Promise.all([page.waitForNavigation(), button.click()]);
}

function deskForm(page, to) {
  return page.locator(`form:has(input[name="to"][value="${to}"])`);
}

async function walk(browser) {
  const citizen = await browser.newContext(PHONE);
  const desk = await browser.newContext(PHONE);
  const c = await citizen.newPage();
  const s = await desk.newPage();
  for (const p of [c, s]) {
    p.setDefaultTimeout(15000);
    p.setDefaultNavigationTimeout(20000);
  }
  const contact = '09' + String(Math.floor(Math.random() * 1e8)).padStart(8, '0');

  // register by phone
  await c.goto(BASE_URL + '/account/register');
  await c.getByLabel('Số điện thoại hoặc thư điện tử').fill(contact);
  await c.getByLabel('Họ và tên').fill('Nguyễn Thị Lan');
  await c.getByLabel('Mật khẩu').fill('mật-khẩu-dài-1');
  await snap(c, 'register');
  await submit(c, c.getByRole('button', { name: 'Đăng ký' }));
  assert(c.url().includes('/account/verify'), `after registering: ${c.url()}`);
  const msgs = await (await fetch(`${INTRANET_URL}/dev/outbox.json?to=${contact}`)).json();
  const code = /\b(\d{6})\b/.exec(msgs[0].body)[1];
  await c.getByLabel('Mã xác nhận').fill(code);
  await snap(c, 'verify');
  await submit(c, c.getByRole('button', { name: 'Xác nhận' }));
  assert(c.url().endsWith('/dossiers/'), `after the code: ${c.url()}`);
  await snap(c, 'mine-empty');

  // file 1.001193 with two uploads
  await c.goto(`${BASE_URL}/dossiers/new?procedure=${PROC}`);
  const agency = await c.locator('select#agency option').first().getAttribute('value');
  await c.getByLabel('Số định danh cá nhân (12 chữ số)').fill('001190012345');
  await c.getByLabel('Số điện thoại').fill('0912345678');
  await c.locator('input[name="doc_1"]').setInputFiles(resolve(FIX, 'photo.jpg'));
  await c.locator('input[name="doc_2"]').setInputFiles(resolve(FIX, 'rgb.png'));
  await c.locator('input[name="result_channel"][value="online"]').check();
  await snap(c, 'new');
  await submit(c, c.getByRole('button', { name: 'Nộp hồ sơ' }));
  const m = /\/dossiers\/([^/]+-\d{6}-\d{4})$/.exec(c.url());
  if (!m) await snap(c, 'filing-refused');
  assert(m, `after filing: ${c.url()}: ${(await c.locator('main').innerText()).slice(0, 300)}`);
  const dossier = m[1];
  assert((await c.content()).includes('Mới đăng ký'), 'the new dossier is not at Mới đăng ký');
  await snap(c, 'dossier-new');
  await submit(c, c.getByRole('link', { name: /Giấy tiếp nhận/ }));
  assert((await c.content()).includes(dossier), 'the slip lacks the dossier code');
  await snap(c, 'slip');

  // the desk: a leader of that commune
  const login = 'b' + Math.random().toString(16).slice(2, 12);
  execFileSync(resolve(ROOT, 'conf/stack.sh'), ['admin', 'staff-add', '--agency', agency,
    '--role', 'leader', '--login', login], { input: 'mật-khẩu-cán-bộ-1\n', cwd: ROOT });
  await s.goto(INTRANET_URL + '/desk/login');
  await s.getByLabel('Tên đăng nhập').fill(login);
  await s.getByLabel('Mật khẩu').fill('mật-khẩu-cán-bộ-1');
  await submit(s, s.getByRole('button', { name: 'Đăng nhập' }));
  await snap(s, 'desk-queue');
  await s.goto(`${INTRANET_URL}/desk/dossiers/${dossier}`);
  await snap(s, 'desk-dossier');
  await submit(s, deskForm(s, 2).locator('button[type="submit"]'));
  await deskForm(s, 5).getByLabel(/Lý do/).fill('Thiếu bản sao giấy chứng nhận kết hôn của cha mẹ');
  await submit(s, deskForm(s, 5).locator('button[type="submit"]'));
  assert((await s.content()).includes('Yêu cầu bổ sung giấy tờ'), 'the desk did not ask for a supplement');

  // the citizen supplies
  await c.goto(`${BASE_URL}/dossiers/${dossier}`);
  assert((await c.content()).includes('Thiếu bản sao giấy chứng nhận kết hôn'), 'the citizen does not see what is missing');
  await snap(c, 'dossier-supplement');
  await c.locator('input[name="doc_1"]').setInputFiles(resolve(FIX, 'scan.pdf'));
  await submit(c, c.getByRole('button', { name: 'Gửi bổ sung' }));
  assert((await c.content()).includes('Đang xử lý'), 'after the supplement the dossier is not Đang xử lý');

  // finished, returned with a result file
  await s.goto(`${INTRANET_URL}/desk/dossiers/${dossier}`);
  await submit(s, deskForm(s, 9).locator('button[type="submit"]'));
  await deskForm(s, 10).locator('input[type="file"]').setInputFiles(resolve(FIX, 'scan.pdf'));
  await snap(s, 'desk-return');
  await submit(s, deskForm(s, 10).locator('button[type="submit"]'));
  assert((await s.content()).includes('Đã trả kết quả'), 'the desk could not return the result');

  // the citizen downloads the result and rates
  await c.goto(`${BASE_URL}/dossiers/${dossier}`);
  const page = await c.content();
  assert(page.includes('Đã trả kết quả') && page.includes('Kết quả:'), 'the citizen sees no result');
  await snap(c, 'dossier-returned');
  await c.locator('input[name="score"][value="5"]').check();
  await c.getByLabel('Góp ý (không bắt buộc)').fill('Cán bộ nhiệt tình, nhanh gọn.');
  await submit(c, c.getByRole('button', { name: 'Gửi đánh giá' }));
  assert((await c.content()).includes('Bạn đã đánh giá: 5/5'), 'the rating is not shown');
  await snap(c, 'dossier-rated');
  await c.goto(BASE_URL + '/dossiers/');
  await snap(c, 'mine');
  await citizen.close();
  await desk.close();
}

async function main() {
  mkdirSync(SHOT_DIR, { recursive: true });
  let passed = 0;
  let failed = 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const watchdog = setTimeout(() => {
    console.log('FAIL - submission walk: global timeout');
    console.log(`browser-submission: ${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, 180000);
  try {
    await walk(browser);
    passed++;
    console.log('ok   - submission walk to status 10 at 360 px');
  } catch (e) {
    failed++;
    console.log(`FAIL - submission walk: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
  } finally {
    clearTimeout(watchdog);
    await browser.close().catch(() => {});
  }
  console.log(`browser-submission: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
