// End-to-end tests in headless Chromium against the built site served on
// loopback: every page loads with no request leaving the machine, the
// dashboard, a unit page, the units index sorted and filtered by clicking,
// the print layout (a PDF of one unit page), the phone layout, and
// screenshots of the main pages (kept as artefacts).
//
// Run by scripts/test: `node --test tests/browser/` with KETQUA_SITE set to a
// freshly built example site.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { execFileSync } = require("node:child_process");
const site = require("./lib/site");

let dir, server, browser;

before(async () => {
  dir = site.siteDir();
  server = await site.serve(dir);
  browser = await site.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

/** A guarded page; `check()` asserts that nothing left the machine and
 * that no script, console or resource error happened. */
async function open(options) {
  const { context, problems } = await site.guardedContext(browser, server.url, options);
  const page = await context.newPage();
  const check = () => {
    assert.deepEqual(problems.offsite, [], "requests left the machine");
    assert.deepEqual(problems.errors, [], "script or console errors");
    assert.deepEqual(problems.failed, [], "resources failed to load");
  };
  return { page, context, check };
}

/** The unit page of the Đảng bộ Khối report (the real document), found
 * through the units index rather than by its file name. */
function khoiPage() {
  const units = fs.readFileSync(path.join(dir, "units.html"), "utf8");
  const match = /<a href="(units\/[^"]+\.html)">Đảng bộ Khối[^<]*<\/a>/.exec(units);
  assert.ok(match, "units.html links no unit named Đảng bộ Khối…");
  return match[1];
}

/** Folds Vietnamese text like the theme's filter does. */
function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/\s+/g, " ").trim();
}

test("every page loads on loopback with no request leaving the machine and no error", async () => {
  const all = site.pages(dir);
  assert.ok(all.length >= 5, `only ${all.length} pages`);
  const { page, context, check } = await open();
  const requested = new Set();
  page.on("request", (req) => requested.add(new URL(req.url()).origin));
  for (const p of all) {
    const response = await page.goto(server.url + p.rel, { waitUntil: "load" });
    assert.equal(response.status(), 200, p.rel);
    // The stylesheet applied and the theme's fonts loaded from the site.
    const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
    assert.match(font, /Be Vietnam Pro/, `${p.rel}: theme font not applied`);
  }
  check();
  assert.deepEqual([...requested], [new URL(server.url).origin]);
  console.log(`# e2e: ${all.length} pages loaded, every request to ${server.url}`);
  await context.close();
});

test("a page that does not exist gets the 404 page", async () => {
  const { page, context, check } = await open();
  const response = await page.goto(server.url + "khong-co-trang-nay.html");
  assert.equal(response.status(), 404);
  assert.ok(await page.locator("body.page--404, body[class*='404']").count(), "not the site's 404 page");
  check();
  await context.close();
});

test("home dashboard: key figures, submissions by level, links into the site", async () => {
  const { page, context, check } = await open();
  await page.goto(server.url + "index.html");
  await assert.doesNotReject(page.locator("h1").first().waitFor({ state: "visible" }));
  const units = site.walk(dir).filter((f) => /^units\/[^/]+\.html$/.test(f)).length;
  const first = await page.locator(".key-figures__value").first().textContent();
  assert.equal(Number(first.trim()), units, "the first key figure is the number of units");
  // Each level row of the submissions table links to that level's page.
  const levelLinks = page.locator(".levels-table tbody th a");
  assert.ok((await levelLinks.count()) >= 1, "no level in the submissions table");
  const href = await levelLinks.first().getAttribute("href");
  await levelLinks.first().click();
  await page.waitForURL(server.url + href);
  assert.ok(await page.locator("h1").isVisible());
  // Back home, the units key figure opens the units index.
  await page.goBack();
  await page.locator(".key-figures__link").first().click();
  await page.waitForURL(/units\.html$/);
  check();
  await context.close();
});

test("unit page: facts, indicator table, breadcrumbs, footnotes that jump both ways", async () => {
  const { page, context, check } = await open();
  await page.goto(server.url + khoiPage());
  assert.match(await page.locator("h1").textContent(), /Đảng bộ Khối/);
  const tables = page.locator("main table");
  assert.ok((await tables.count()) >= 1, "no indicator table");
  assert.ok((await page.locator("main table th").count()) >= 3, "indicator table without headers");
  assert.ok((await page.locator(".breadcrumbs a, nav[aria-label] ol a").count()) >= 1, "no breadcrumbs");
  // The first footnote reference jumps to its note, whose back-link returns.
  const ref = page.locator("a[href^='#bc-fn-']").first();
  const target = (await ref.getAttribute("href")).slice(1);
  await ref.click();
  await page.waitForURL(new RegExp(`#${target}$`));
  const note = page.locator(`[id="${target}"]`);
  assert.ok(await note.isVisible());
  assert.ok(await note.evaluate((el) => el.matches(":target")), "the note is not the :target");
  const back = note.locator("a[href^='#bc-fnref-']").first();
  const backTarget = (await back.getAttribute("href")).slice(1);
  await back.click();
  await page.waitForURL(new RegExp(`#${backTarget}$`));
  check();
  await context.close();
});

/** The visible rows of the units table: name, level, folded data-name and
 * the value of the cell in `column` (data-value). */
async function rows(page, column) {
  return page.locator("#bang-don-vi tbody tr").evaluateAll(
    (trs, col) =>
      trs
        .filter((tr) => !tr.hidden)
        .map((tr) => ({
          name: tr.cells[0].textContent.trim(),
          dataName: tr.getAttribute("data-name"),
          level: tr.getAttribute("data-level"),
          value: col === null ? null : tr.cells[col].getAttribute("data-value"),
        })),
    column,
  );
}

async function columnIndex(page, label) {
  const headers = await page.locator("#bang-don-vi thead th").allTextContents();
  const index = headers.findIndex((h) => h.includes(label));
  assert.ok(index >= 0, `no column "${label}" in ${JSON.stringify(headers)}`);
  return index;
}

test("units index: sorting by clicking a column header", async () => {
  const { page, context, check } = await open();
  await page.goto(server.url + "units.html");
  const total = site.walk(dir).filter((f) => /^units\/[^/]+\.html$/.test(f)).length;
  assert.equal((await rows(page, null)).length, total, "one row per unit page");

  const members = await columnIndex(page, "Đảng viên");
  const header = page.locator("#bang-don-vi thead th").nth(members);
  const before = (await rows(page, members)).map((r) => r.name);

  await header.getByRole("button").click();
  assert.equal(await header.getAttribute("aria-sort"), "ascending");
  const up = await rows(page, members);
  const numbers = (list) => list.filter((r) => r.value !== "" && r.value !== null).map((r) => Number(r.value));
  const asc = numbers(up);
  assert.ok(asc.length >= 3, "too few units with a member count to test sorting");
  assert.deepEqual(asc, [...asc].sort((a, b) => a - b), "not ascending by members");
  // Units without a figure go last.
  const firstEmpty = up.findIndex((r) => r.value === "");
  if (firstEmpty >= 0) assert.ok(up.slice(firstEmpty).every((r) => r.value === ""), "an empty value before a number");
  assert.notDeepEqual(up.map((r) => r.name), before, "sorting changed nothing");

  await header.getByRole("button").click();
  assert.equal(await header.getAttribute("aria-sort"), "descending");
  const desc = numbers(await rows(page, members));
  assert.deepEqual(desc, [...asc].sort((a, b) => b - a), "not descending by members");

  // Back to names: Vietnamese order (Đ after D), as built.
  const name = page.locator("#bang-don-vi thead th").first();
  await name.getByRole("button").click();
  assert.equal(await name.getAttribute("aria-sort"), "ascending");
  assert.equal(await page.locator("#bang-don-vi thead th[aria-sort]").count(), 1, "two columns marked sorted");
  assert.deepEqual((await rows(page, null)).map((r) => r.name), before, "name order differs from the built order");
  check();
  await context.close();
});

test("units index: filters by name without diacritics and by level, kept in the address", async () => {
  const { page, context, check } = await open();
  await page.goto(server.url + "units.html");
  const all = await rows(page, null);
  const form = page.locator("form.filters");
  assert.ok(await form.isVisible(), "the filter form stays hidden with JavaScript on");

  await form.locator("input[name=q]").fill("dang bo khoi");
  let shown = await rows(page, null);
  assert.ok(shown.length >= 1, "no unit found for 'dang bo khoi'");
  assert.ok(shown.length < all.length, "the name filter hid nothing");
  assert.ok(shown.every((r) => fold(r.dataName).includes("dang bo khoi")), JSON.stringify(shown));
  assert.ok(shown.some((r) => r.name.startsWith("Đảng bộ Khối")));
  assert.match(await form.locator(".filters__count").textContent(), new RegExp(`\\b${shown.length}\\b.*\\b${all.length}\\b`));
  assert.match(page.url(), /[?&]q=dang\+bo\+khoi/);

  // The state survives a reload (it is in the address).
  await page.reload();
  assert.equal(await form.locator("input[name=q]").inputValue(), "dang bo khoi");
  assert.deepEqual(await rows(page, null), shown);

  // Nothing matches: the empty message shows.
  await form.locator("input[name=q]").fill("khong co don vi nao");
  assert.equal((await rows(page, null)).length, 0);
  assert.ok(await page.locator("[data-empty-for='bang-don-vi']").isVisible(), "no empty-list message");

  // By level: exactly the rows of that level.
  await form.locator("input[name=q]").fill("");
  const level = form.locator("select[name=level]");
  const value = await level.locator("option").nth(1).getAttribute("value");
  await level.selectOption(value);
  shown = await rows(page, null);
  const expected = all.filter((r) => r.level === value);
  assert.ok(expected.length >= 1);
  assert.deepEqual(shown.map((r) => r.name), expected.map((r) => r.name));

  // Reset shows every unit again.
  await form.locator("button[type=reset], input[type=reset]").first().click();
  await page.waitForFunction(() => [...document.querySelectorAll("#bang-don-vi tbody tr")].every((tr) => !tr.hidden));
  assert.equal((await rows(page, null)).length, all.length);
  check();
  await context.close();
});

test("site search box", async (t) => {
  const { page, context, check } = await open();
  await page.goto(server.url + "index.html");
  // A site-wide search box; the units index's name filter is not one.
  const box = page.locator("search input, [role=search] input, input[type=search]:not(form.filters input)");
  if ((await box.count()) === 0) {
    t.skip("NOT TESTED: the built pages have no site search box yet (it comes with the search issue); this test runs once one exists");
    await context.close();
    return;
  }
  // Whatever its design, typing a unit's name without diacritics must offer
  // a link to its page as the user types…
  const khoi = `a[href$="${khoiPage().split("/").pop()}"]:visible`;
  await box.first().fill("dang bo khoi");
  await page.locator(khoi).first().waitFor({ timeout: 5000 });
  check();
  // …and Enter must lead to a results page with that link (the request the
  // typing started may be cut short by the navigation: not a failure).
  await box.first().press("Enter");
  await page.waitForURL(/search\.html\?q=/, { timeout: 5000 });
  await page.locator(khoi).first().waitFor({ timeout: 5000 });
  await context.close();
});

/** Starts `ketqua serve` on a free loopback port for a copy of the example
 * site; resolves with its URL and a stop function. */
function startServe(root) {
  const { spawn } = require("node:child_process");
  const bin = process.env.KETQUA_BIN;
  assert.ok(bin, "KETQUA_BIN is not set (scripts/test sets it)");
  const child = spawn(bin, ["-C", root, "serve", "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`ketqua serve printed no address:\n${out}${stderr}`)), 60000);
    child.stdout.on("data", (d) => {
      out += d;
      const m = /(http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        const stop = () =>
          new Promise((done) => {
            child.on("exit", (code) => done({ code, stderr }));
            child.kill("SIGINT");
          });
        resolve({ url: m[1], stop });
      }
    });
    child.on("exit", (code) => reject(new Error(`ketqua serve exited (${code}):\n${stderr}`)));
  });
}

test("live reload in serve mode: a saved report reloads the open page; a broken one shows the problem over it", async () => {
  const root = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "ketqua-serve-"));
  for (const f of ["site.toml", "indicators.toml"]) fs.copyFileSync(path.join(site.REPO, f), path.join(root, f));
  fs.cpSync(path.join(site.REPO, "content"), path.join(root, "content"), { recursive: true });
  const serve = await startServe(root);
  try {
    const { context, problems } = await site.guardedContext(browser, serve.url);
    const page = await context.newPage();
    const rel = khoiPage();
    // The page listens for reloads once its event stream has answered.
    const listening = page.waitForResponse((r) => r.url().includes("/__ketqua/events"), { timeout: 20000 });
    await page.goto(serve.url + rel);
    await listening;
    const report = path.join(root, "content", "units", "dang-bo-khoi", "report.md");
    const original = fs.readFileSync(report, "utf8");

    // A save reloads the page by itself, with the new paragraph.
    const marker = "Mô hình “Ngày thứ Bảy tình nguyện” được nhân rộng ra 71 tổ chức đảng";
    let loaded = page.waitForEvent("load", { timeout: 20000 });
    fs.writeFileSync(report, `${original}\n\n${marker}.\n`);
    await loaded;
    assert.ok((await page.textContent("main")).includes(marker), "the page did not show the saved text");

    // A broken save: the problem over the last good page, naming the file and line.
    loaded = page.waitForEvent("load", { timeout: 20000 });
    fs.writeFileSync(report, `${original}\n\n${marker}.\n\nCâu có chú thích chưa viết.[^chua-viet]\n`);
    await loaded;
    const overlay = page.locator("#ketqua-problems");
    await overlay.waitFor({ timeout: 5000 });
    const text = await overlay.textContent();
    assert.match(text, /content\/units\/dang-bo-khoi\/report\.md:\d+:\d+/);
    assert.match(text, /chua-viet/);
    assert.ok((await page.textContent("main")).includes(marker), "the last good page is not under the overlay");
    fs.mkdirSync(site.artefactsDir("screenshots"), { recursive: true });
    await page.screenshot({ path: path.join(site.artefactsDir("screenshots"), "serve-error-overlay.png") });

    // The fix clears it.
    loaded = page.waitForEvent("load", { timeout: 20000 });
    fs.writeFileSync(report, original);
    await loaded;
    assert.equal(await page.locator("#ketqua-problems").count(), 0, "the overlay stayed after the fix");
    assert.ok(!(await page.textContent("main")).includes(marker));

    // Nothing left the machine, no script error; the reload stream cut by
    // each reload is not a failure.
    assert.deepEqual(problems.offsite, []);
    assert.deepEqual(problems.errors, []);
    assert.deepEqual(problems.failed.filter((f) => !f.includes("/__ketqua/events")), []);
    await context.close();
  } finally {
    const { code, stderr } = await serve.stop();
    fs.rmSync(root, { recursive: true, force: true });
    assert.equal(code, 0, `ketqua serve did not stop cleanly on Ctrl-C:\n${stderr}`);
  }
});

test("print layout: the unit page prints to a multi-page A4 PDF without the navigation", async () => {
  const { page, context, check } = await open();
  const rel = khoiPage();
  await page.goto(server.url + rel);
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator(".site-nav").isVisible(), false, "navigation shown in print");
  assert.ok(await page.locator(".print-meta").isVisible(), "no print header");
  assert.ok(await page.locator("h1").isVisible());
  const file = path.join(site.artefactsDir("pdf"), `${path.basename(rel, ".html")}.pdf`);
  await page.pdf({ path: file, format: "A4", printBackground: true, preferCSSPageSize: true });
  const bytes = fs.readFileSync(file);
  assert.equal(bytes.subarray(0, 5).toString(), "%PDF-");
  const counts = [...bytes.toString("latin1").matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)];
  const pagesInPdf = Math.max(0, ...counts.map((m) => Number(m[1] || m[2])));
  assert.ok(pagesInPdf > 1, `the PDF has ${pagesInPdf} page(s)`);
  let text = "not checked (no pdftotext)";
  try {
    const out = execFileSync("pdftotext", ["-enc", "UTF-8", file, "-"], { encoding: "utf8" });
    assert.match(out, /Đảng bộ Khối/, "the PDF text lacks the unit's name");
    text = "has the unit's name";
  } catch (err) {
    if (err.code !== "ENOENT") throw err;
  }
  console.log(`# e2e: ${path.relative(process.cwd(), file)}: ${pagesInPdf} A4 pages, text ${text}`);
  check();
  await context.close();
});

const VIEWPORTS = {
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true },
};

test("screenshots of the main pages, desktop and 390-px phone; nothing wider than a phone", async () => {
  const shots = site.artefactsDir("screenshots");
  const main = [
    ["home", "index.html"],
    ["units", "units.html"],
    ["unit", khoiPage()],
    ...site
      .samplePages(dir, 1)
      .filter((p) => !["home", "units", "unit"].includes(p.kind))
      .map((p) => [p.kind, p.rel]),
  ];
  const overflowing = [];
  for (const [device, options] of Object.entries(VIEWPORTS)) {
    const { page, context, check } = await open(options);
    for (const [name, rel] of main) {
      await page.goto(server.url + rel);
      await page.evaluate(() => document.fonts.ready);
      // The whole page, but no taller than 8000 px (a long report would
      // make a picture of tens of megabytes).
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const width = options.viewport.width;
      await page.screenshot({
        path: path.join(shots, `${name}-${device}.png`),
        fullPage: true,
        clip: { x: 0, y: 0, width, height: Math.min(height, 8000) },
      });
      if (device === "phone") {
        const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        if (wide > 0) overflowing.push(`${rel}: ${wide}px wider than the phone`);
      }
    }
    check();
    await context.close();
  }
  console.log(`# e2e: ${main.length * 2} screenshots in ${path.relative(process.cwd(), shots)}`);
  assert.deepEqual(overflowing, [], "pages scroll sideways on a phone");
});

test("the site works from file:// too (sorting, styles, no request out)", async () => {
  const { page, context, check } = await open();
  await page.goto("file://" + path.join(dir, "units.html"));
  const font = await page.evaluate(() => getComputedStyle(document.body).fontFamily);
  assert.match(font, /Be Vietnam Pro/);
  const header = page.locator("#bang-don-vi thead th").first();
  await header.getByRole("button").click();
  assert.equal(await header.getAttribute("aria-sort"), "ascending");
  check();
  await context.close();
});
