// Accessibility: axe-core in headless Chromium on pages of every kind the
// build produces (the kind is the body's `page--KIND` class; for each, the
// largest and the smallest page), at desktop and phone widths. No serious or
// critical violation is allowed (colour contrast is one); the others are
// listed. Two checks of our own: every graphic (a chart) that is not hidden
// from assistive technology has a text alternative, and every table has
// header cells and a caption or label.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const site = require("./lib/site");

const AXE = require.resolve("axe-core/axe.min.js");
const FAILING = new Set(["serious", "critical"]);

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

/** Graphics that are exposed to assistive technology but have no text
 * alternative, and tables without header cells (problems); tables without a
 * caption or label (notes). */
function ownChecks() {
  const hidden = (el) => el.closest("[aria-hidden=true], [hidden]") !== null;
  const named = (el) => {
    if ((el.getAttribute("aria-label") || "").trim()) return true;
    const ids = (el.getAttribute("aria-labelledby") || "").split(/\s+/).filter(Boolean);
    if (ids.some((id) => (document.getElementById(id)?.textContent || "").trim())) return true;
    if (el.tagName === "IMG") return el.hasAttribute("alt");
    if (el.tagName.toLowerCase() === "svg") {
      const title = el.querySelector(":scope > title");
      return !!(title && title.textContent.trim());
    }
    if (el.tagName === "CANVAS" || el.tagName === "OBJECT") return el.textContent.trim() !== "";
    return (el.getAttribute("title") || "").trim() !== "";
  };
  const describe = (el) => {
    const id = el.id ? `#${el.id}` : "";
    const cls = typeof el.className === "string" && el.className ? `.${el.className.trim().split(/\s+/).join(".")}` : "";
    return `<${el.tagName.toLowerCase()}${id}${cls}>`;
  };
  const problems = [];
  // Not failing: a report's Markdown table cannot have a caption.
  const notes = [];
  for (const el of document.querySelectorAll("svg, canvas, img, object, [role=img], [role=graphics-document]")) {
    // Parts of an SVG are judged with the SVG.
    if (hidden(el) || el.parentElement?.closest("svg")) continue;
    const role = el.getAttribute("role");
    if (role === "presentation" || role === "none") continue;
    if (!named(el)) problems.push(`graphic without a text alternative: ${describe(el)}`);
  }
  for (const table of document.querySelectorAll("table")) {
    if (hidden(table) || table.getAttribute("role") === "presentation") continue;
    if (!table.querySelector("th")) problems.push(`table without header cells: ${describe(table)}`);
    const caption = table.querySelector(":scope > caption");
    if (!(caption && caption.textContent.trim()) && !named(table)) {
      notes.push(`table without a caption or label: ${describe(table)}`);
    }
  }
  return { problems, notes };
}

for (const [device, options] of Object.entries({
  desktop: { viewport: { width: 1280, height: 800 } },
  phone: { viewport: { width: 390, height: 844 }, isMobile: true },
})) {
  test(`axe-core: no serious or critical violation on any kind of page (${device})`, async () => {
    const chosen = site.samplePages(dir);
    const kinds = new Set(chosen.map((p) => p.kind));
    assert.ok(kinds.size >= 4, `only ${[...kinds]} page kinds found`);
    const { context, problems } = await site.guardedContext(browser, server.url, options);
    const page = await context.newPage();
    const failing = [];
    const minor = [];
    const own = [];
    for (const p of chosen) {
      await page.goto(server.url + p.rel);
      await page.addScriptTag({ path: AXE });
      const results = await page.evaluate(() =>
        // eslint-disable-next-line no-undef
        axe.run(document, { resultTypes: ["violations"] }),
      );
      for (const v of results.violations) {
        for (const node of v.nodes) {
          const line = `${p.rel} [${p.kind}]: ${v.id} (${v.impact}): ${node.target.join(" ")}: ${v.help}`;
          (FAILING.has(v.impact) ? failing : minor).push(line);
        }
      }
      const checked = await page.evaluate(ownChecks);
      for (const problem of checked.problems) own.push(`${p.rel} [${p.kind}]: ${problem}`);
      for (const note of checked.notes) minor.push(`${p.rel} [${p.kind}]: ${note}`);
    }
    await context.close();
    for (const line of minor) console.log(`# a11y (${device}, not failing): ${line}`);
    console.log(
      `# a11y (${device}): ${chosen.length} pages of ${kinds.size} kinds (${[...kinds].join(", ")}): ` +
        `${failing.length} serious/critical, ${minor.length} moderate/minor, ${own.length} own-check problems`,
    );
    assert.deepEqual(problems.offsite, [], "requests left the machine");
    assert.deepEqual(failing, [], "serious or critical accessibility violations");
    assert.deepEqual(own, [], "graphics without text alternatives or tables without headers");
  });
}
