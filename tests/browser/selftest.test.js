// The gates can fail: each check of the other files, run on a small site
// made here with the faults it must find (invalid HTML, an image without
// text, unreadable contrast, a table without headers, an unnamed chart, a
// request to another host). A gate that found none of them would pass on
// anything.
"use strict";

const { test, before, after } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { spawnSync } = require("node:child_process");
const site = require("./lib/site");
const { audit } = require("./lib/audit");

const BAD = `<!DOCTYPE html>
<html lang="vi">
<head><meta charset="utf-8"><title>Trang lỗi</title></head>
<body class="page page--thu">
<main>
<h1>Trang lỗi</h1>
<p style="color:#bbb;background:#fff">Chữ khó đọc.</p>
<img src="anh.png">
<svg width="40" height="20"><rect width="40" height="20"/></svg>
<table><tr><td>1</td><td>2</td></tr></table>
<img src="http://example.invalid/theo-doi.png" alt="">
<div><p>Thẻ lồng sai</div></p>
</main>
</body>
</html>
`;

let dir, server, browser;

before(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "ketqua-gates-"));
  fs.writeFileSync(path.join(dir, "index.html"), BAD);
  // A 1×1 PNG so that the image itself loads.
  fs.writeFileSync(
    path.join(dir, "anh.png"),
    Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=", "base64"),
  );
  server = await site.serve(dir);
  browser = await site.launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("the HTML gate fails on invalid HTML and says where", () => {
  const run = spawnSync(process.execPath, [path.join(__dirname, "vnu.js"), dir], { encoding: "utf8" });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /error: index\.html:\d+:\d+: .*img.*alt/i, run.stdout);
  assert.match(run.stdout, /html: vnu checked 1 pages.*[1-9]\d* errors/, run.stdout);
});

test("the accessibility audit finds missing text, poor contrast, a headless table and an unnamed chart", async () => {
  const { context } = await site.guardedContext(browser, server.url);
  const page = await context.newPage();
  await page.goto(server.url + "index.html");
  const found = await audit(page);
  await context.close();
  const failing = found.failing.join("\n");
  assert.match(failing, /^image-alt \(critical\)/m, failing);
  assert.match(failing, /^color-contrast \(serious\)/m, failing);
  assert.deepEqual(found.own.sort(), [
    "graphic without a text alternative: <img>",
    "graphic without a text alternative: <svg>",
    "table without header cells: <table>",
  ]);
});

test("the network guard blocks and reports a request to another host", async () => {
  const { context, problems } = await site.guardedContext(browser, server.url);
  const page = await context.newPage();
  await page.goto(server.url + "index.html", { waitUntil: "load" });
  await context.close();
  assert.deepEqual(problems.offsite, ["http://example.invalid/theo-doi.png"]);
  assert.deepEqual(problems.failed, [], "a blocked request is reported once, as off-site");
});
