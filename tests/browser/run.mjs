// Browser tests of the portal, in Debian's headless Chromium driven by
// playwright-core.  The phone context has JavaScript turned off: the site must
// work without it.  (Playwright's own page.evaluate still runs through the
// DevTools protocol, so the measurements below work all the same.)
//
//   tests/browser/install.sh            # npm install, only when needed
//   BASE_URL=http://127.0.0.1:8080 SHOT_DIR=var/test/screenshots \
//     node tests/browser/run.mjs
//
// Prints one line per test, then exactly one closing line
// "browser: N passed, N failed"; exits 1 if any test failed.

import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium } from 'playwright-core';
import {
  BASE_URL, SHOT_DIR, PHONE_WIDTH, PHONE, LAUNCH, TestFailure, assert, assertFits,
} from './lib.mjs';

const GLOBAL_TIMEOUT_MS = Number(process.env.BROWSER_TEST_TIMEOUT_MS || 120000);

const DESKTOP = {
  viewport: { width: 1280, height: 900 },
  deviceScaleFactor: 1,
  locale: 'vi-VN',
  javaScriptEnabled: false,
};

const url = (path) => BASE_URL + path;
const shot = (name) => resolve(SHOT_DIR, name);

function warn(msg) {
  console.log(`  warn: ${msg}`);
}

let browser = null;
let phone = null;       // the shared phone context
let passed = 0;
let failed = 0;
let finished = false;

// A hung browser or server must not hang the run: after GLOBAL_TIMEOUT_MS,
// report and exit (Playwright kills the Chromium it launched on exit).
const watchdog = setTimeout(() => {
  if (finished) return;
  console.log(`FAIL - global timeout: the run took longer than ${GLOBAL_TIMEOUT_MS / 1000} s`);
  console.log(`browser: ${passed} passed, ${failed + 1} failed`);
  process.exit(1);
}, GLOBAL_TIMEOUT_MS);

async function newPhonePage() {
  const page = await phone.newPage();
  page.setDefaultTimeout(15000);
  page.setDefaultNavigationTimeout(20000);
  return page;
}

// hrefs of the links in the results list, in order.
async function resultLinks(page) {
  return page.locator('ol.results > li a[href^="/catalog/procedures/"]')
    .evaluateAll((as) => as.map((a) => a.getAttribute('href')));
}

// The first three distinct procedure links of the results list.
async function topThree(page) {
  const seen = [];
  for (const href of await resultLinks(page)) {
    if (!seen.includes(href)) seen.push(href);
    if (seen.length === 3) break;
  }
  return seen;
}

// Search through the front door's form the way a person does: type the
// words into the field, press the "Tìm" button.
async function searchFromForm(page, words) {
  await page.goto(url('/'));
  const box = page.getByLabel('Bạn cần làm thủ tục gì?');
  await box.fill(words);
  await Promise.all([
    page.waitForURL(/\/catalog\/search\?/),
    page.getByRole('button', { name: 'Tìm', exact: true }).click(),
  ]);
}


// ---- tests -------------------------------------------------------------

async function javascriptIsOffInPhoneContext() {
  const page = await newPhonePage();
  try {
    await page.setContent('<title>before</title><script>document.title = "js ran"</script>');
    const title = await page.title();
    assert(title === 'before', `page scripts ran in the phone context (title "${title}")`);
  } finally {
    await page.close();
  }
}

let detailHref = null;   // found by the front-door test, opened by the next one

async function frontDoorSearchByKeyboard() {
  const page = await newPhonePage();
  try {
    const resp = await page.goto(url('/'));
    assert(resp && resp.status() === 200, `GET / answered ${resp && resp.status()}`);
    assert((await page.locator('html').getAttribute('lang')) === 'vi', 'the page is not marked lang="vi"');

    // The first Tab lands on the "skip to content" link.
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => {
      const a = document.activeElement;
      return { tag: a.tagName.toLowerCase(), href: a.getAttribute('href'), text: (a.textContent || '').trim() };
    });
    assert(first.tag === 'a' && first.href && first.href.startsWith('#'),
      `first Tab should land on a skip-to-content link, got <${first.tag} href="${first.href}">${first.text}`);

    // Keep pressing Tab until the search field has the focus.
    let reached = false;
    for (let i = 0; i < 10 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await page.evaluate(() => document.activeElement.matches('input[name=q]'));
    }
    assert(reached, 'the search field (input[name=q]) was not reached with 11 Tab presses');

    await page.keyboard.type('dang ky khai sinh');
    await Promise.all([
      page.waitForURL(/\/catalog\/search\?/),
      page.keyboard.press('Enter'),
    ]);
    const q = new URL(page.url()).searchParams.get('q');
    assert(q === 'dang ky khai sinh', `the results page was asked for q=${JSON.stringify(q)}`);

    const top = await topThree(page);
    assert(top.includes('/catalog/procedures/1.001193'),
      `1.001193 not among the first three results: ${JSON.stringify(top)}`);
    detailHref = '/catalog/procedures/1.001193';
    await assertFits(page, 'results page', PHONE_WIDTH);
    await page.screenshot({ path: shot('search-360.png'), fullPage: true });
  } finally {
    await page.close();
  }
}

async function detailPageFromResult() {
  const page = await newPhonePage();
  try {
    await page.goto(url('/catalog/search?q=' + encodeURIComponent('dang ky khai sinh')));
    const link = page.locator(`ol.results a[href="${detailHref || '/catalog/procedures/1.001193'}"]`).first();
    await Promise.all([
      page.waitForURL(/\/catalog\/procedures\/1\.001193$/),
      link.click(),
    ]);

    const h1s = await page.locator('h1').allTextContents();
    assert(h1s.length === 1, `expected one h1, found ${h1s.length}`);
    assert(h1s[0].toLocaleLowerCase('vi').includes('đăng ký khai sinh'),
      `h1 "${h1s[0].trim()}" does not contain "đăng ký khai sinh"`);

    await assertFits(page, 'detail page', PHONE_WIDTH);

    // Headings: the first is the h1, and no level is skipped going down.
    const levels = await page.locator('h1, h2, h3, h4, h5, h6')
      .evaluateAll((hs) => hs.map((h) => Number(h.tagName[1])));
    assert(levels[0] === 1, `the first heading is h${levels[0]}, not h1`);
    for (let i = 1; i < levels.length; i++) {
      assert(levels[i] <= levels[i - 1] + 1,
        `heading order skips a level: h${levels[i - 1]} then h${levels[i]} (sequence ${levels.join(',')})`);
    }

    // Every image has an alt attribute (empty is allowed: decorative).
    const noAlt = await page.locator('img:not([alt])')
      .evaluateAll((imgs) => imgs.map((i) => i.getAttribute('src')));
    assert(noAlt.length === 0, `images without alt: ${noAlt.join(', ')}`);

    // Every visible form control has a label: <label for=id>, or is inside a <label>.
    const unlabelled = await page.locator('input, select, textarea').evaluateAll((els) => els
      .filter((el) => !['hidden', 'submit', 'button', 'reset', 'image'].includes((el.getAttribute('type') || '').toLowerCase()))
      .filter((el) => {
        if (el.closest('label')) return false;
        if (!el.id) return true;
        return !document.querySelector(`label[for="${CSS.escape(el.id)}"]`);
      })
      .map((el) => `<${el.tagName.toLowerCase()} name="${el.getAttribute('name')}" id="${el.id}">`));
    assert(unlabelled.length === 0, `form controls without a label: ${unlabelled.join(', ')}`);

    await page.screenshot({ path: shot('detail-360.png'), fullPage: true });
  } finally {
    await page.close();
  }
}

async function searchVariantsThroughForm() {
  const cases = [
    ['khai sinh dang ky', '1.001193'],
    ['ĐĂNG KÝ KHAI SINH', '1.001193'],
    ['đăng ký khai sinh', '1.001193'],
    ['ket hon', '1.000894'],
    ['dang ky thuong tru', '1.004222'],
  ];
  const page = await newPhonePage();
  const problems = [];
  try {
    for (const [words, code] of cases) {
      await searchFromForm(page, words);
      const top = await topThree(page);
      if (!top.includes('/catalog/procedures/' + code)) {
        problems.push(`"${words}": ${code} not in the first three ${JSON.stringify(top)}`);
      }
    }
  } finally {
    await page.close();
  }
  assert(problems.length === 0, problems.join('; '));
}

async function emptyResultHasSuggestions() {
  const page = await newPhonePage();
  try {
    await searchFromForm(page, 'xyzzy qwerty');
    const links = await resultLinks(page);
    assert(links.length === 0, `expected no results, got ${links.length}`);
    const main = page.locator('main');
    const text = await main.innerText();
    assert(text.includes('Không tìm thấy'), 'no "Không tìm thấy" message on the empty result page');
    // Suggestions: a list of things to try, with at least one link onwards.
    const empty = page.locator('.empty');
    assert(await empty.count() === 1, 'no .empty section on the empty result page');
    const tips = await empty.locator('li').count();
    assert(tips >= 1, 'the empty result offers no suggestions');
    assert(await empty.locator('a[href]').count() >= 1, 'the suggestions offer no link to go on');
    await assertFits(page, 'empty result page', PHONE_WIDTH);
    await page.screenshot({ path: shot('empty-360.png'), fullPage: true });
  } finally {
    await page.close();
  }
}

async function guideWithQrAndPdf() {
  const page = await newPhonePage();
  try {
    const qrResponse = page.waitForResponse((r) => /\/qr\.svg(\?|$)/.test(r.url()));
    qrResponse.catch(() => {});   // awaited below; must not go unhandled if goto throws
    const resp = await page.goto(url('/catalog/procedures/1.001193/guide'));
    assert(resp && resp.status() === 200, `GET guide answered ${resp && resp.status()}`);
    const img = page.locator('img[src*="qr"]');
    assert(await img.count() >= 1, 'no QR <img> on the guide page');
    const alt = await img.first().getAttribute('alt');
    assert(alt && alt.trim().length > 0, 'the QR <img> has no alt text');
    const r = await qrResponse;
    const type = (r.headers()['content-type'] || '').toLowerCase();
    assert(r.status() === 200, `QR image answered ${r.status()}`);
    assert(type.startsWith('image/svg+xml'), `QR image content-type is "${type}"`);
    const body = (await r.body()).toString('utf8');
    assert(body.includes('<svg'), 'QR image body is not SVG');
    // The image decoded (page scripts are off, but evaluate runs through CDP).
    const natural = await img.first().evaluate((i) => (i.complete ? i.naturalWidth : -1));
    assert(natural > 0, `the QR image did not load (naturalWidth ${natural})`);
    const h1 = await page.locator('h1').first().textContent();
    assert(/đăng ký khai sinh/i.test(h1 || ''), `guide h1 is "${(h1 || '').trim()}"`);
    // The guide is made for A4 paper first, so on a phone an overflow is
    // reported, not failed.
    try {
      await assertFits(page, 'guide page at 360 px', PHONE_WIDTH);
    } catch (e) {
      if (!(e instanceof TestFailure)) throw e;
      warn(e.message);
    }
    await page.screenshot({ path: shot('guide-360.png'), fullPage: true });

    await page.emulateMedia({ media: 'print' });
    await page.pdf({ path: shot('guide.pdf'), format: 'A4', printBackground: true });
    const pdf = readFileSync(shot('guide.pdf'));
    assert(pdf.subarray(0, 5).toString('latin1') === '%PDF-', 'guide.pdf does not start with %PDF-');
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) || []).length;
    assert(pages >= 1, 'guide.pdf has no pages');
    console.log(`  guide.pdf: ${pages} page(s), ${pdf.length} bytes`);
  } finally {
    await page.close();
  }

  const desktop = await browser.newContext(DESKTOP);
  try {
    const dpage = await desktop.newPage();
    dpage.setDefaultTimeout(15000);
    const resp = await dpage.goto(url('/'));
    assert(resp && resp.status() === 200, `desktop GET / answered ${resp && resp.status()}`);
    await assertFits(dpage, 'desktop home page', 1280);
    await dpage.screenshot({ path: shot('home-desktop.png') });
  } finally {
    await desktop.close();
  }
}

async function notFoundIsVietnamese() {
  const page = await newPhonePage();
  try {
    const resp = await page.goto(url('/catalog/procedures/9.999999'));
    assert(resp, 'no response');
    assert(resp.status() === 404, `answered ${resp.status()}, not 404`);
    assert((resp.headers()['content-type'] || '').startsWith('text/html'),
      `404 content-type is "${resp.headers()['content-type']}"`);
    assert((await page.locator('html').getAttribute('lang')) === 'vi', 'the 404 page is not marked lang="vi"');
    const h1 = ((await page.locator('h1').first().textContent()) || '').trim();
    assert(h1 === 'Không tìm thấy trang', `404 h1 is "${h1}"`);
    await assertFits(page, '404 page', PHONE_WIDTH);
    await page.screenshot({ path: shot('notfound-360.png'), fullPage: true });
  } finally {
    await page.close();
  }
}

const TESTS = [
  javascriptIsOffInPhoneContext,
  frontDoorSearchByKeyboard,
  detailPageFromResult,
  searchVariantsThroughForm,
  emptyResultHasSuggestions,
  guideWithQrAndPdf,
  notFoundIsVietnamese,
];

// ---- runner ------------------------------------------------------------

// One readable error: the message without Playwright's call log and colour
// codes, and for unexpected errors the line of this file where it happened.
function describe(e) {
  if (e instanceof TestFailure) return e.message;
  const text = String(e && e.message ? e.message : e).replace(/\x1b\[[0-9;]*m/g, '');
  const msg = text.split(/\n\s*Call log:/)[0].trim();
  const at = String((e && e.stack) || '').split('\n').find((l) => l.includes('run.mjs:'));
  return at ? `${msg} (${at.trim()})` : msg;
}

// A stray rejected promise must not kill the run before the closing line.
process.on('unhandledRejection', (e) => {
  console.log(`  warn: unhandled rejection: ${describe(e)}`);
});

async function main() {
  mkdirSync(SHOT_DIR, { recursive: true });
  console.log(`browser tests against ${BASE_URL}, screenshots in ${SHOT_DIR}`);
  try {
    try {
      browser = await chromium.launch(LAUNCH);
      phone = await browser.newContext(PHONE);
    } catch (e) {
      console.log(`FAIL - launching ${CHROMIUM}: ${e && e.message ? e.message.split('\n')[0] : e}`);
      failed = TESTS.length;
      return;
    }
    for (const test of TESTS) {
      const t0 = Date.now();
      try {
        await test();
        passed++;
        console.log(`ok   - ${test.name} (${Date.now() - t0} ms)`);
      } catch (e) {
        failed++;
        console.log(`FAIL - ${test.name}: ${describe(e)}`);
      }
    }
  } finally {
    if (browser) {
      await Promise.race([
        browser.close().catch(() => {}),
        new Promise((r) => setTimeout(r, 10000)),
      ]);
    }
  }
}

main()
  .catch((e) => {
    failed++;
    console.log(`FAIL - runner: ${describe(e)}`);
  })
  .finally(() => {
    finished = true;
    clearTimeout(watchdog);
    console.log(`browser: ${passed} passed, ${failed} failed`);
    process.exit(failed > 0 ? 1 : 0);
  });
