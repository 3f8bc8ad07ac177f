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

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  ROOT, BASE_URL, INTRANET_URL, SHOT_DIR, assert, deskForm, snapper, submit, runSuite, phonePages, registerByPhone, fileDossier, staffSignsIn,
} from './lib.mjs';

const FIX = resolve(ROOT, 'tests/fuzz/corpus/filetype');
const PROC = '1.001193';
const snap = snapper('sub');

async function walk(browser) {
  const [c, s] = await phonePages(browser, 2);

  // register by phone
  await registerByPhone(c, 'Nguyễn Thị Lan', 'mật-khẩu-dài-1', (name) => snap(c, name));
  await snap(c, 'mine-empty');

  // file 1.001193 with two uploads
  const { dossier, agency } = await fileDossier(c, PROC, '001190012345', (name) => snap(c, name));
  assert((await c.content()).includes('Mới đăng ký'), 'the new dossier is not at Mới đăng ký');
  await snap(c, 'dossier-new');
  await submit(c, c.getByRole('link', { name: /Giấy tiếp nhận/ }));
  assert((await c.content()).includes(dossier), 'the slip lacks the dossier code');
  await snap(c, 'slip');
  // printed, the slip is one A4 sheet: its signatures never alone on a second
  const pdf = await c.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  writeFileSync(resolve(SHOT_DIR, 'sub-slip.pdf'), pdf);
  const sheets = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert(sheets === 1, `the slip prints on ${sheets} A4 pages, not one`);

  // the desk: a leader of that commune
  await staffSignsIn(s, agency, 'leader');
  await snap(s, 'desk-queue');
  await s.goto(`${INTRANET_URL}/desk/dossiers/${dossier}`);
  await snap(s, 'desk-dossier');
  await submit(s, deskForm(s, 2).locator('button[type="submit"]'));
  await deskForm(s, 5).getByLabel(/Lý do/).fill('Thiếu giấy chứng sinh của cháu (ảnh chụp rõ nét)');
  await submit(s, deskForm(s, 5).locator('button[type="submit"]'));
  assert((await s.content()).includes('Yêu cầu bổ sung giấy tờ'), 'the desk did not ask for a supplement');

  // the citizen supplies
  await c.goto(`${BASE_URL}/dossiers/${dossier}`);
  assert((await c.content()).includes('Thiếu giấy chứng sinh của cháu'), 'the citizen does not see what is missing');
  await snap(c, 'dossier-supplement');
  // the form lists the procedure's documents, as the filing form does: the
  // citizen puts the file under the one the desk asked for
  const supp = c.locator('form[action$="/supplement"]');
  const birth = supp.locator('fieldset', { has: c.locator('legend', { hasText: /\. Giấy chứng sinh/ }) });
  assert(await birth.count() === 1, 'the supplement form does not list the document Giấy chứng sinh');
  await birth.locator('input[type="file"]').setInputFiles(resolve(FIX, 'scan.pdf'));
  await submit(c, c.getByRole('button', { name: 'Gửi bổ sung' }));
  const supplied = await c.content();
  assert(supplied.includes('Đang xử lý'), 'after the supplement the dossier is not Đang xử lý');
  assert(/Giấy chứng sinh;[^<]*<\/a> \(bổ sung, pdf/.test(supplied), 'the supplement is not listed under its document\'s name');
  await snap(c, 'dossier-supplied');

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
  await c.context().close();
  await s.context().close();
}

// A dossier that came by post, filed at a ward's desk on the officer's
// phone: three papers of 1.010055 (trình báo mất giấy thông hành), the
// slip printed.  It says the papers came by post, asks no signature of
// the applicant who was not there, and fits one A4 sheet (at the screen's
// 12pt its signatures went to a second one).
async function postalSlip(browser) {
  const [s] = await phonePages(browser, 1);
  const snapP = snapper('sub-post');
  await staffSignsIn(s, '000.00.118.H26', 'desk');
  await s.goto(`${INTRANET_URL}/desk/dossiers/new?procedure=1.010055`);
  await s.locator('#applicant_name').fill('Đinh Văn Phúc');
  await s.locator('#applicant_id').fill('014190001234');
  await s.locator('#applicant_address').fill('Số 12 ngõ 34 phố Quốc Tử Giám, phường Văn Miếu - Quốc Tử Giám, Hà Nội');
  await s.selectOption('#channel', '3');
  const files = s.locator('input[type=file]');
  assert(await files.count() === 3, `1.010055 asks for ${await files.count()} papers, not 3`);
  for (let i = 0; i < 3; i++) await files.nth(i).setInputFiles(resolve(FIX, 'scan.pdf'));
  await s.locator('input[name="result_channel"][value="post"]').check();
  await snapP(s, 'desk-new');
  await submit(s, s.getByRole('button', { name: 'Nộp hồ sơ' }));
  const m = /\/desk\/dossiers\/([^/?]+)$/.exec(s.url());
  assert(m, `after filing: ${s.url()}`);
  await s.goto(`${INTRANET_URL}/desk/dossiers/${m[1]}/receipt`);
  const text = await s.locator('body').innerText();
  assert(text.includes('qua dịch vụ bưu chính'), 'the slip does not say the papers came by post');
  assert(!text.includes('Người nộp hồ sơ'), 'the slip asks the absent applicant to sign');
  await snapP(s, 'slip');
  const pdf = await s.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  writeFileSync(resolve(SHOT_DIR, 'sub-post-slip.pdf'), pdf);
  const sheets = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert(sheets === 1, `the postal slip prints on ${sheets} A4 pages, not one`);
  await s.context().close();
}

runSuite('browser-submission', [['submission walk to status 10 at 360 px', walk],
  ['postal filing slip on one A4 sheet', postalSlip]]);
