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
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

import {
  BASE_URL, SHOT_DIR, INTRANET_URL, assert, deskForm, snapper, submit, runSuite, phonePages, registerByPhone, fileDossier, staffSignsIn, payAdmin, taxCode,
} from './lib.mjs';

const PROC = '1.001193';
const snap = snapper('fee');

async function walk(browser) {
  const [c, s] = await phonePages(browser, 2);
  await registerByPhone(c, 'Trần Văn Minh', 'mật-khẩu-dài-2');

  // file a birth registration at the ward with the province's longest
  // name, two lines at the head of the printed notice
  const { dossier, agency } = await fileDossier(c, PROC, '001190054321', undefined, '000.00.118.H26');
  await snap(c, 'dossier-new');
  // the commune collects the fee into its account, on its own receipts
  payAdmin('beneficiary-set', '--agency', agency, '--bin', '970436', '--account', '0011004123456',
    '--account-name', 'UBND XA THU NGHIEM');
  payAdmin('receipts-set', '--agency', agency, '--name', 'Ủy ban nhân dân xã thử nghiệm',
    '--tax-code', taxCode(agency), '--template', '01BLP0-001', '--series', 'C26TXA');

  // the desk: accepts it, then asks for the fee (status 6)
  await staffSignsIn(s, agency, 'leader');
  await s.goto(`${INTRANET_URL}/desk/dossiers/${dossier}`);
  await submit(s, deskForm(s, 2).locator('button[type="submit"]'));
  await deskForm(s, 6).getByLabel('Số tiền (đồng)').fill('8.000');
  await deskForm(s, 6).getByLabel('Khoản phải nộp').fill('Lệ phí đăng ký khai sinh');
  await snap(s, 'desk-fee');
  await submit(s, deskForm(s, 6).locator('button[type="submit"]'));
  const deskPage = await s.content();
  assert(/Lệ phí đăng ký khai sinh/.test(deskPage), 'the desk page does not show the fee asked');

  // the paper for a person who pays at the desk or at home: the payment
  // notice, at 360 px on the officer's phone and on one A4 page printed;
  // its QR code, read off the screen, opens the public page of this fee
  await submit(s, s.getByRole('link', { name: 'In giấy báo nộp tiền' }));
  assert(/\/payment\/admin\/obligations\/\d{12}\/notice$/.test(s.url()), `the notice link leads to ${s.url()}`);
  const noticeCode = /(\d{12})\/notice$/.exec(s.url())[1];
  const notice = await s.locator('body').innerText();
  assert(notice.includes('GIẤY BÁO NỘP TIỀN') && notice.includes('Lệ phí đăng ký khai sinh') &&
    notice.includes('8.000') && notice.includes('Tám nghìn đồng') && notice.includes(dossier),
  'the notice lacks the fee, its amount in figures and words, or the dossier');
  const shown = `${noticeCode.slice(0, 4)} ${noticeCode.slice(4, 8)} ${noticeCode.slice(8)}`;
  assert(notice.includes(shown), `the notice does not show the code in fours (${shown})`);
  await snap(s, 'desk-notice');
  const qrShot = resolve(SHOT_DIR, 'fee-notice-qr.png');
  await s.locator('.qr').screenshot({ path: qrShot });
  const qrText = execFileSync('zbarimg', ['--raw', '-q', qrShot], { encoding: 'utf8' }).trim();
  assert(qrText.endsWith(`/pay/${noticeCode}`) && /^https?:\/\//.test(qrText), `the notice's QR code reads ${qrText}`);
  const pdf = await s.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  writeFileSync(resolve(SHOT_DIR, 'fee-notice.pdf'), pdf);
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert(pages === 1, `the notice prints on ${pages} A4 pages, not one`);

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
  // she is signed in and the dossier is hers: the page leads back to it
  assert(await c.locator(`a[href="/dossiers/${dossier}"]`).count() === 1, 'the payment page does not link to her dossier');
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
  await c.context().close();
  await s.context().close();
}

runSuite('browser-fee', [['fee walk: filed, fee asked at 6, paid, receipt verified, dossier moved on, at 360 px', walk]]);
