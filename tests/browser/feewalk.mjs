// The citizen's whole fee walk in headless Chromium at 360 px with
// JavaScript off, one chain through both areas: register, file a birth
// registration (1.001193) whose fee the desk sets; the desk accepts it and
// moves it to 6 (Thực hiện nghĩa vụ tài chính) with the amount; the
// citizen's dossier page links to the obligation; the citizen pays on the
// bank sandbox's page, reads the result, the receipt and its verification
// page; the dossier moves on from 6 by itself; then the commune's leader
// adjusts the receipt by a new one and cancels it, and the citizen's
// verification page says so.  Screenshots in SHOT_DIR
// (fee-NN-*.png), each page checked for sideways overflow.
//
//   BASE_URL=http://127.0.0.1:8080 INTRANET_URL=http://127.0.0.1:8081 \
//   PORTAL_VAR=var/test SHOT_DIR=var/test/screenshots node tests/browser/feewalk.mjs
//
// Needs the running stack with its sandbox, and build/bin/payment-admin (or
// PORTAL_BIN) to give the commune its beneficiary and receipt settings.
// Ends with exactly one line "browser-fee: N passed, N failed".

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
const VAR = resolve(ROOT, process.env.PORTAL_VAR || 'var');
const BIN = resolve(ROOT, process.env.PORTAL_BIN || 'build/bin');

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
  await page.screenshot({ path: resolve(SHOT_DIR, `fee-${String(n).padStart(2, '0')}-${name}.png`), fullPage: true });
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

function payAdmin(...args) {
  const env = { ...process.env, PORTAL_VAR: VAR };
  delete env.PORTAL_DB_USER;
  return execFileSync(resolve(BIN, 'payment-admin'), args, { encoding: 'utf8', env }).trim();
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
  await c.getByLabel('Họ và tên').fill('Trần Văn Minh');
  await c.getByLabel('Mật khẩu').fill('mật-khẩu-dài-2');
  await submit(c, c.getByRole('button', { name: 'Đăng ký' }));
  const msgs = await (await fetch(`${INTRANET_URL}/dev/outbox.json?to=${contact}`)).json();
  const code = /\b(\d{6})\b/.exec(msgs[0].body)[1];
  await c.getByLabel('Mã xác nhận').fill(code);
  await submit(c, c.getByRole('button', { name: 'Xác nhận' }));
  assert(c.url().endsWith('/dossiers/'), `after the code: ${c.url()}`);

  // file a birth registration at the commune
  await c.goto(`${BASE_URL}/dossiers/new?procedure=${PROC}`);
  const agency = await c.locator('select#agency option').first().getAttribute('value');
  // the commune collects the fee into its account, on its own receipts
  payAdmin('beneficiary-set', '--agency', agency, '--bin', '970436', '--account', '0011004123456',
    '--account-name', 'UBND XA THU NGHIEM');
  payAdmin('receipts-set', '--agency', agency, '--name', 'Ủy ban nhân dân xã thử nghiệm',
    '--tax-code', '0101234567', '--template', '01BLP0-001', '--series', 'C26TXA');
  await c.getByLabel('Số định danh cá nhân (12 chữ số)').fill('001190054321');
  await c.getByLabel('Số điện thoại').fill('0912345678');
  await c.locator('input[name="doc_1"]').setInputFiles(resolve(FIX, 'photo.jpg'));
  await c.locator('input[name="doc_2"]').setInputFiles(resolve(FIX, 'rgb.png'));
  await c.locator('input[name="result_channel"][value="online"]').check();
  await submit(c, c.getByRole('button', { name: 'Nộp hồ sơ' }));
  const m = /\/dossiers\/([^/]+-\d{6}-\d{4})$/.exec(c.url());
  assert(m, `after filing: ${c.url()}`);
  const dossier = m[1];
  await snap(c, 'dossier-new');

  // the desk: accepts it, then asks for the fee (status 6)
  const login = 'f' + Math.random().toString(16).slice(2, 12);
  execFileSync(resolve(ROOT, 'conf/stack.sh'), ['admin', 'staff-add', '--agency', agency,
    '--role', 'leader', '--login', login], { input: 'mật-khẩu-cán-bộ-2\n', cwd: ROOT });
  await s.goto(INTRANET_URL + '/desk/login');
  await s.getByLabel('Tên đăng nhập').fill(login);
  await s.getByLabel('Mật khẩu').fill('mật-khẩu-cán-bộ-2');
  await submit(s, s.getByRole('button', { name: 'Đăng nhập' }));
  await s.goto(`${INTRANET_URL}/desk/dossiers/${dossier}`);
  await submit(s, deskForm(s, 2).locator('button[type="submit"]'));
  await deskForm(s, 6).getByLabel('Số tiền (đồng)').fill('8.000');
  await deskForm(s, 6).getByLabel('Khoản phải nộp').fill('Lệ phí đăng ký khai sinh');
  await snap(s, 'desk-fee');
  await submit(s, deskForm(s, 6).locator('button[type="submit"]'));
  const deskPage = await s.content();
  assert(/Lệ phí đăng ký khai sinh/.test(deskPage), 'the desk page does not show the fee asked');

  // the citizen's dossier page: what is owed, and the way to pay it
  await c.goto(`${BASE_URL}/dossiers/${dossier}`);
  let text = await c.locator('main').innerText();
  assert(text.includes('Lệ phí đăng ký khai sinh') && text.includes('8.000'), 'the dossier page does not show the fee');
  await snap(c, 'dossier-fee');
  await submit(c, c.getByRole('link', { name: 'Nộp tiền trực tuyến' }));
  const pm = /\/pay\/(\d{12})$/.exec(c.url());
  assert(pm, `the fee link leads to ${c.url()}`);
  const payCode = pm[1];
  text = await c.locator('body').innerText();
  assert(text.includes('8.000') && text.includes('Tám nghìn đồng'), 'the payment page lacks the amount in figures and words');
  assert(text.includes(dossier), 'the payment page lacks the dossier code the payer knows');
  await snap(c, 'pay-show');

  // at the bank (the sandbox), paid
  await Promise.all([c.waitForURL(/\/paymentv2\/vpcpay\.html\?/),
    c.getByRole('button', { name: /^Thanh toán .* qua VNPay$/ }).click()]);
  await snap(c, 'bank');
  await Promise.all([c.waitForURL(new RegExp(`/pay/${payCode}\\?ket_qua=`)),
    c.getByRole('button', { name: 'Thanh toán', exact: true }).click()]);
  text = await c.locator('body').innerText();
  assert(text.includes('Đã nộp'), `the result page does not say paid (${c.url()})`);
  await snap(c, 'pay-result');

  // the receipt, and what its QR code opens
  await submit(c, c.getByRole('link', { name: /biên lai số/ }));
  assert(/\/receipts\/[0-9a-f]{32}$/.test(c.url()), `the receipt link leads to ${c.url()}`);
  const receiptPage = c.url();
  text = await c.locator('body').innerText();
  assert(text.includes('Tám nghìn đồng') && text.includes('Lệ phí đăng ký khai sinh'), 'the receipt lacks the fee or its amount in words');
  assert(await c.locator('img[src$="/qr.svg"]').evaluate((i) => i.naturalWidth > 0), 'the QR code does not load');
  await snap(c, 'receipt');
  const verify = await c.locator('a[href*="/receipts/verify"]').first().getAttribute('href');
  await c.goto(new URL(verify, BASE_URL).href);
  assert((await c.locator('body').innerText()).includes('Biên lai hợp lệ'), 'the verification page does not confirm the receipt');
  await snap(c, 'verify');

  // the dossier moves on from 6 by itself (the payment's outbox message)
  let moved = false;
  for (let i = 0; i < 40 && !moved; i++) {
    await c.goto(`${BASE_URL}/dossiers/${dossier}`);
    text = await c.locator('main').innerText();
    moved = text.includes('Đang xử lý') && text.includes('Đã nộp');
    if (!moved) await new Promise((r) => setTimeout(r, 500));
  }
  assert(moved, `the dossier did not move on from 6: ${text.slice(0, 300)}`);
  assert(await c.locator(`a[href="/pay/${payCode}"]`).count() === 0, 'a paid fee still offers to pay');
  // and offers its receipt instead, the same one the result page led to
  const fromDossier = await c.locator('a[href^="/receipts/"]').first().getAttribute('href');
  assert(new URL(fromDossier, BASE_URL).href === receiptPage, `the dossier's receipt link is ${fromDossier}`);
  await snap(c, 'dossier-paid');

  // the commune's leader corrects the receipt by a new one, then cancels
  // it: the citizen's verification page says so, and by which record
  const receiptUrl = new URL(verify, BASE_URL).href.replace(/verify\?t=/, '');
  await s.goto(`${INTRANET_URL}/payment/admin/receipts?ma=${payCode}`);
  await s.getByLabel(/Số tiền điều chỉnh/).fill('0');
  await s.getByLabel('Nội dung điều chỉnh').fill('Tên người nộp: Trần Văn Minh');
  await s.locator('#ly_do_dc').fill('Ghi thiếu số giấy tờ của người nộp');
  await submit(s, s.getByRole('button', { name: 'Lập biên lai điều chỉnh' }));
  assert((await s.content()).includes('Đã lập biên lai điều chỉnh'), 'the leader could not adjust the receipt');
  await s.locator('#ly_do_huy').fill('Thu nhầm, đã lập lại cho đúng hồ sơ');
  await snap(s, 'desk-receipt');
  await submit(s, s.getByRole('button', { name: 'Hủy biên lai' }));
  assert((await s.content()).includes('Đã hủy biên lai'), 'the leader could not cancel the receipt');
  await snap(s, 'desk-receipt-cancelled');
  await c.goto(new URL(verify, BASE_URL).href);
  text = await c.locator('body').innerText();
  assert(text.includes('đã bị hủy') && text.includes('Thu nhầm') && !text.includes('Biên lai hợp lệ'),
    'the verification page does not say the receipt was cancelled');
  assert(/Đã được điều chỉnh bởi biên lai số \d+/.test(text), 'the verification page does not name the adjustment');
  await snap(c, 'verify-cancelled');
  await c.goto(receiptUrl);
  await snap(c, 'receipt-cancelled');
  await submit(c, c.getByRole('link', { name: /^biên lai số/ }));
  assert((await c.locator('body').innerText()).includes('Điều chỉnh cho biên lai mẫu số'), 'the adjustment does not name the receipt it adjusts');
  await snap(c, 'receipt-adjustment');
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
    console.log('FAIL - fee walk: global timeout');
    console.log(`browser-fee: ${passed} passed, ${failed + 1} failed`);
    process.exit(1);
  }, 180000);
  try {
    await walk(browser);
    passed++;
    console.log('ok   - fee walk: filed, fee asked at 6, paid, receipt verified, dossier moved on, at 360 px');
  } catch (e) {
    failed++;
    console.log(`FAIL - fee walk: ${String(e && e.message ? e.message : e).split('\n')[0]}`);
  } finally {
    clearTimeout(watchdog);
    await browser.close().catch(() => {});
  }
  console.log(`browser-fee: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
