// Layout gates in headless Chromium, for every page of the built site at a
// phone (390 px), a tablet (768 px) and a desktop (1366 px) width:
//
// - no page scrolls sideways (`scrollWidth <= innerWidth`);
// - no table is cut at the desktop width (its box scrolls no further);
// - no text of an SVG chart lies outside the chart, and no two chart labels
//   overlap (their bounding boxes, with a pixel of tolerance for the
//   line boxes of stacked Vietnamese marks);
// - the unit page printed on A4 has no element beyond the page's width.
//
// A screenshot of every page at every width goes to
// $KETQUA_ARTEFACTS/screenshots/layout/<width>/ (ignored by git).
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const path = require("node:path");
const fs = require("node:fs");
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

const WIDTHS = [390, 768, 1366];
/** How far two label boxes may touch (px): the line box of a Vietnamese
 * label is taller than its glyphs. */
const TOLERANCE = 2;

/** Problems of the current page's charts: texts outside their SVG and
 * overlapping pairs of texts, named by their text. */
function chartProblems(tolerance) {
  const problems = [];
  const name = (t) => JSON.stringify(t.textContent.trim().slice(0, 40));
  for (const svg of document.querySelectorAll("svg.chart-svg")) {
    const frame = svg.getBoundingClientRect();
    if (frame.width === 0) continue;
    const id = svg.closest("figure") ? svg.closest("figure").id : "svg";
    const texts = [...svg.querySelectorAll("text")]
      .map((t) => ({ t, box: t.getBoundingClientRect() }))
      .filter((x) => x.box.width > 0 && x.t.textContent.trim() !== "");
    for (const { t, box } of texts) {
      if (
        box.left < frame.left - tolerance ||
        box.right > frame.right + tolerance ||
        box.top < frame.top - tolerance ||
        box.bottom > frame.bottom + tolerance
      ) {
        problems.push(`${id}: ${name(t)} outside the chart`);
      }
    }
    for (let i = 0; i < texts.length; i++) {
      for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].box;
        const b = texts[j].box;
        const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
        const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
        if (dx > tolerance && dy > tolerance) {
          problems.push(`${id}: ${name(texts[i].t)} overlaps ${name(texts[j].t)}`);
        }
      }
    }
  }
  return problems;
}

for (const width of WIDTHS) {
  test(`at ${width} px: no page scrolls sideways, charts keep their labels apart and inside; screenshots`, async () => {
    const shots = site.artefactsDir("screenshots", "layout", String(width));
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const page = await context.newPage();
    const wide = [];
    const charts = [];
    const cut = [];
    const all = site.pages(dir);
    for (const p of all) {
      await page.goto(server.url + p.rel);
      await page.evaluate(() => document.fonts.ready);
      const m = await page.evaluate(() => ({
        scroll: document.documentElement.scrollWidth,
        inner: window.innerWidth,
      }));
      if (m.scroll > m.inner) wide.push(`${p.rel}: scrollWidth ${m.scroll} > ${m.inner}`);
      charts.push(...(await page.evaluate(chartProblems, TOLERANCE)).map((x) => `${p.rel}: ${x}`));
      if (width >= 1366) {
        // On a desktop no table needs its own scroll bar.
        const clipped = await page.evaluate(() =>
          [...document.querySelectorAll(".table-wrap")]
            .filter((w) => w.offsetParent !== null && w.scrollWidth > w.clientWidth + 1)
            .map((w) => (w.querySelector("table") || w).id || w.getAttribute("aria-labelledby") || "table"),
        );
        cut.push(...clipped.map((c) => `${p.rel}: ${c} scrolls inside its box`));
      }
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      const file = path.join(shots, `${p.rel.replace(/\.html$/, "").replace(/[\\/]/g, "__")}.png`);
      await page.screenshot({ path: file, fullPage: true, clip: { x: 0, y: 0, width, height: Math.min(height, 8000) } });
    }
    console.log(`# layout: ${all.length} pages at ${width} px, screenshots in ${path.relative(process.cwd(), shots)}`);
    await context.close();
    assert.deepEqual(wide, [], `pages wider than ${width} px`);
    assert.deepEqual(charts, [], `chart labels at ${width} px`);
    assert.deepEqual(cut, [], `tables cut at ${width} px`);
  });
}

/** The unit page of the Đảng bộ Khối report, found through the units index. */
function khoiPage() {
  const units = fs.readFileSync(path.join(dir, "units.html"), "utf8");
  const match = /<a href="(units\/[^"]+\.html)">Đảng bộ Khối[^<]*<\/a>/.exec(units);
  assert.ok(match, "units.html links no unit named Đảng bộ Khối…");
  return match[1];
}

test("printed on A4 portrait, the unit page has no element beyond the page box", async () => {
  // The printable width of A4 with the print stylesheet's 12 mm side
  // margins, in CSS pixels (96 per inch).
  const printable = Math.floor(((210 - 24) / 25.4) * 96);
  const context = await browser.newContext({ viewport: { width: printable, height: 1000 } });
  const page = await context.newPage();
  const rel = khoiPage();
  await page.goto(server.url + rel);
  await page.emulateMedia({ media: "print" });
  await page.evaluate(() => document.fonts.ready);
  const beyond = await page.evaluate(({ limit, landscape }) => {
    const out = [];
    let wide = 0;
    for (const el of document.body.querySelectorAll("*")) {
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden" || style.position === "absolute") continue;
      // An element on landscape pages (a named page "wide") has their room.
      let onWide = false;
      for (let a = el; a && !onWide; a = a.parentElement) onWide = getComputedStyle(a).page === "wide";
      if (onWide) wide++;
      const box = el.getBoundingClientRect();
      if (box.width === 0 || box.height === 0) continue;
      const room = onWide ? landscape : limit;
      if (box.right > room + 1) out.push(`${el.tagName.toLowerCase()}.${el.className} right at ${Math.round(box.right)} px (room ${room})`);
    }
    return out;
  }, { limit: printable, landscape: Math.floor(((297 - 24) / 25.4) * 96) });
  await page.pdf({
    path: path.join(site.artefactsDir("pdf"), "layout-unit.pdf"),
    format: "A4",
    printBackground: true,
    preferCSSPageSize: true,
  });
  await context.close();
  assert.deepEqual(beyond.slice(0, 20), [], `elements beyond the ${printable}-px A4 page box on ${rel}`);
});
