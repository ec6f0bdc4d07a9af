// Accessibility: axe-core in headless Chromium on pages of every kind the
// build produces (the kind is the body's `page--KIND` class; for each, the
// largest and the smallest page), at desktop and phone widths. No serious or
// critical violation is allowed (colour contrast is one); the others are
// listed. Two checks of our own: every graphic (a chart) that is not hidden
// from assistive technology has a text alternative, and every table has
// header cells (a table without a caption or label is listed, not failed: a
// report's Markdown table cannot have one).
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const site = require("./lib/site");
const { audit } = require("./lib/audit");

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
      const found = await audit(page);
      const at = (line) => `${p.rel} [${p.kind}]: ${line}`;
      failing.push(...found.failing.map(at));
      minor.push(...found.minor.map(at));
      own.push(...found.own.map(at));
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
