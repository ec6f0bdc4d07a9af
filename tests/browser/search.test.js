// Search ranking in headless Chromium on the built site: for a query of two
// words, the documents holding them as a phrase come first (in the title,
// then in the text), and each result's excerpt shows the matched words.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
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

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim();
}

test('search "dang vien": phrase matches first, excerpts show the phrase highlighted', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(server.url + "search.html?q=" + encodeURIComponent("dang vien"));
  const items = page.locator("[data-search-page] ol li.search-result");
  await items.first().waitFor({ timeout: 5000 });
  const results = await items.evaluateAll((lis) =>
    lis.map((li) => ({
      title: li.querySelector("a").textContent,
      excerpt: (li.querySelector(".search-result__excerpt") || { textContent: "" }).textContent,
      marks: [...li.querySelectorAll("mark")].map((m) => m.textContent),
    })),
  );
  assert.ok(results.length >= 5, `only ${results.length} results`);
  const inTitle = results.map((r) => fold(r.title).includes("dang vien"));
  const firstWithout = inTitle.indexOf(false);
  assert.ok(firstWithout > 0, "no result with the phrase in its title first");
  assert.ok(inTitle.slice(firstWithout).every((x) => !x), `a title with the phrase after one without: ${JSON.stringify(results.map((r) => r.title))}`);
  // The others show why they matched: the phrase in their excerpt, marked.
  for (const r of results.slice(firstWithout, firstWithout + 5)) {
    assert.ok(fold(r.excerpt).includes("dang vien"), `excerpt of ${r.title} lacks the phrase: ${r.excerpt}`);
    assert.ok(r.marks.some((m) => fold(m) === "vien"), `no highlighted match in ${r.title}`);
  }
  await context.close();
});
