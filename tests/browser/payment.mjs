// The payment walk in headless Chromium at 360 px with JavaScript off,
// through the bank sandbox: a traffic fine created through the agency API
// (signed, as an agency's system would), found by its payment code on
// /pay/, paid on the sandbox's page, the result, the receipt and the
// verification page its QR code opens.  Screenshots in SHOT_DIR.
//
//   BASE_URL=http://127.0.0.1:8080 INTRANET_URL=http://127.0.0.1:8081 \
//   PORTAL_VAR=var/test SHOT_DIR=var/test/screenshots node tests/browser/payment.mjs
//
// Needs the running stack (its sandbox), build/bin/payment-admin (or
// PORTAL_BIN) and root access to the stack's MariaDB socket, to give a
// test agency its receipt settings and an API key.  Prints one line per
// test and "browser-payment: N passed, N failed".

import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { resolve } from 'node:path';
import {
  BASE_URL, INTRANET_URL, VAR, SHOT_DIR, PHONE, assert, assertFits, payAdmin as admin, runSuite, taxCode,
} from './lib.mjs';

const DB = process.env.PORTAL_DB_NAME || 'portal';
const shot = (name) => resolve(SHOT_DIR, name);

function sql(query) {
  const out = execFileSync('mariadb', ['--no-defaults', '--default-character-set=utf8mb4', `--socket=${VAR}/run/mysqld.sock`,
    '-uroot', '-N', '-B', DB, '-e', query], { encoding: 'utf8' });
  return out.split('\n').filter(Boolean).map((l) => l.split('\t'));
}

// An agency with a beneficiary, receipt symbols and a key: the way an
// operator sets one up (README), with a real bank BIN (Vietcombank).
function setupAgency() {
  const agency = sql("SELECT code FROM agency WHERE kind = 'commune' ORDER BY code LIMIT 1 OFFSET 2")[0][0];
  admin('beneficiary-set', '--agency', agency, '--bin', '970436', '--account', '0011004123456',
    '--account-name', 'UBND XA THU NGHIEM');
  admin('receipts-set', '--agency', agency, '--name', 'Ủy ban nhân dân xã thử nghiệm',
    '--tax-code', taxCode(agency), '--template', '01BLP0-001', '--series', 'C26TXA');
  const [id, secret] = admin('apikey-add', '--agency', agency).split(/\s+/);
  return { agency, id, secret };
}

async function apiCreate(key, body) {
  const path = '/payment/api/obligations';
  const ts = String(Math.floor(Date.now() / 1000));
  const raw = JSON.stringify(body);
  const sig = createHmac('sha256', key.secret).update(`${ts}\nPOST\n${path}\n${raw}`).digest('hex');
  const r = await fetch(INTRANET_URL + path, {
    method: 'POST', body: raw,
    headers: { 'Content-Type': 'application/json', 'X-Portal-Key': key.id,
      'X-Portal-Timestamp': ts, 'X-Portal-Signature': sig },
  });
  const text = await r.text();
  assert(r.status === 201, `API create answered ${r.status}: ${text.slice(0, 200)}`);
  return JSON.parse(text);
}

// Text people must read is at least 13 CSS px (the site's small print is 13.6), and buttons are large
// enough to hit with a thumb (44 px, WCAG 2.5.5).
async function readableAndTappable(page, what) {
  const m = await page.evaluate(() => {
    const small = [];
    for (const el of document.body.querySelectorAll('p, dd, dt, td, th, label, a, button, li')) {
      const fs = parseFloat(getComputedStyle(el).fontSize);
      if (el.offsetParent !== null && (el.textContent || '').trim() && fs < 13) small.push(`${el.tagName} ${fs}px`);
    }
    const tiny = [];
    for (const b of document.querySelectorAll('button, a.button, input[type=submit]')) {
      const r = b.getBoundingClientRect();
      if (r.width > 0 && r.height < 44) tiny.push(`${b.tagName} "${b.textContent.trim().slice(0, 30)}" ${Math.round(r.height)}px`);
    }
    return { small: small.slice(0, 5), tiny: tiny.slice(0, 5) };
  });
  // noted, and the walk goes on, so every screenshot is taken
  if (m.small.length) problems.push(`${what}: text under 13 px: ${m.small.join(', ')}`);
  if (m.tiny.length) problems.push(`${what}: buttons under 44 px high: ${m.tiny.join(', ')}`);
}

let problems = [];

async function payTrafficFineAt360(browser) {
  const key = setupAgency();
  const ref = `${Date.now() % 100000}/QĐ-XPHC`;
  const o = await apiCreate(key, {
    group: 'phat_vphc', agency: key.agency, reference: ref,
    payer: { name: 'Lê Thị Hoa', id: '036190000123' },
    lines: [{ name: 'Phạt vi phạm hành chính lĩnh vực giao thông đường bộ (điểm a khoản 1 Điều 6 Nghị định 168/2024/NĐ-CP)', amount: 400000 },
      { name: 'Phí dịch vụ', amount: 0 + 50000 }],
  });
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15000);
  try {
    // find it by the code, typed with spaces as people read it aloud
    await page.goto(BASE_URL + '/pay/');
    await page.screenshot({ path: shot('pay-home-360.png'), fullPage: true });
    await assertFits(page, '/pay/');
    const c = o.payment_code;
    await page.fill('#ma', `${c.slice(0, 4)} ${c.slice(4, 8)} ${c.slice(8)}`);
    await Promise.all([page.waitForURL(new RegExp(`/pay/${c}$`)),
      page.getByRole('button', { name: 'Tìm khoản phải nộp' }).click()]);
    const show = await page.textContent('main') || await page.textContent('body');
    assert(show.includes('450.000'), 'the obligation page shows the total 450.000');
    assert(show.includes('Bốn trăm năm mươi nghìn đồng'), 'the total in words');
    assert(show.includes(ref), 'the reference the payer knows');
    await page.screenshot({ path: shot('pay-show-360.png'), fullPage: true });
    await assertFits(page, `/pay/${c}`);
    await readableAndTappable(page, `/pay/${c}`);

    // to the bank's page (the sandbox), and pay
    await Promise.all([page.waitForURL(/\/paymentv2\/vpcpay\.html\?/),
      page.getByRole('button', { name: /^Thanh toán .* qua VNPay$/ }).click()]);
    assert((await page.textContent('body')).includes('450.000'), 'the bank shows the amount');
    await page.screenshot({ path: shot('pay-bank-360.png'), fullPage: true });
    await Promise.all([page.waitForURL(new RegExp(`/pay/${c}\\?ket_qua=`)),
      page.getByRole('button', { name: 'Thanh toán', exact: true }).click()]);

    // the result: paid, no second payment offered, the receipt instead
    const result = await page.textContent('body');
    assert(result.includes('Đã nộp'), `the result page says paid (${page.url()})`);
    assert(await page.locator('form[action$="/start"]').count() === 0, 'no second payment offered');
    await page.screenshot({ path: shot('pay-result-360.png'), fullPage: true });
    await assertFits(page, 'result page');
    await readableAndTappable(page, 'result page');

    await Promise.all([page.waitForURL(/\/receipts\/[0-9a-f]{32}$/),
      page.getByRole('link', { name: /biên lai số/ }).click()]);
    const receipt = await page.textContent('body');
    assert(receipt.includes('Bốn trăm năm mươi nghìn đồng'), 'the receipt has the amount in words');
    assert(receipt.includes('Lê Thị Hoa'), 'the receipt names the payer');
    assert(await page.locator('img[src$="/qr.svg"]').evaluate((i) => i.naturalWidth > 0), 'the QR code loads');
    await page.screenshot({ path: shot('receipt-360.png'), fullPage: true });
    await assertFits(page, 'receipt');
    await readableAndTappable(page, 'receipt');

    // what the QR code opens
    const verify = await page.locator('a[href*="/receipts/verify"]').first().getAttribute('href');
    assert(verify, 'the receipt links its verification page');
    await page.goto(new URL(verify, BASE_URL).href);
    assert((await page.textContent('body')).includes('Biên lai hợp lệ'), 'the verification page confirms it');
    await page.screenshot({ path: shot('receipt-verify-360.png'), fullPage: true });
    await assertFits(page, 'verification page');
    await readableAndTappable(page, 'verification page');

    // printed on A4
    await page.goBack();
    await page.emulateMedia({ media: 'print' });
    await page.screenshot({ path: shot('receipt-print.png'), fullPage: true });
    assert(problems.length === 0, problems.join('; '));
  } finally {
    await ctx.close();
  }
}

runSuite('browser-payment', [['payTrafficFineAt360', payTrafficFineAt360]], 120000);
