// Shared helpers of the browser gates: the built site (walked, never listed
// by hand), a static server on loopback, headless Chromium that cannot reach
// the network, and the artefacts folder.
"use strict";

const fs = require("node:fs");
const http = require("node:http");
const path = require("node:path");
const { execFileSync } = require("node:child_process");

const REPO = path.resolve(__dirname, "..", "..", "..");

/** The built site under test: $KETQUA_SITE (scripts/test builds it). */
function siteDir() {
  const dir = process.env.KETQUA_SITE;
  if (!dir) {
    throw new Error("KETQUA_SITE is not set: run the gates through scripts/test, or set it to a built site");
  }
  if (!fs.existsSync(path.join(dir, "index.html"))) {
    throw new Error(`KETQUA_SITE=${dir} holds no index.html: build the site first`);
  }
  return path.resolve(dir);
}

/** Where screenshots and PDFs go: $KETQUA_ARTEFACTS or target/artefacts. */
function artefactsDir(...sub) {
  const dir = path.join(process.env.KETQUA_ARTEFACTS || path.join(REPO, "target", "artefacts"), ...sub);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Every file below `dir`, relative with "/", sorted. */
function walk(dir) {
  const out = [];
  const visit = (rel) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const child = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) visit(child);
      else out.push(child);
    }
  };
  visit("");
  return out.sort();
}

/** Every HTML page of the site, with its kind (the `page--KIND` class of
 * its body) and size. */
function pages(dir) {
  return walk(dir)
    .filter((f) => f.endsWith(".html"))
    .map((rel) => {
      const html = fs.readFileSync(path.join(dir, rel), "utf8");
      const body = /<body[^>]*\bclass="([^"]*)"/.exec(html);
      const kind = body && /\bpage--([\w-]+)/.exec(body[1]);
      return { rel, kind: kind ? kind[1] : "other", size: html.length };
    });
}

/** Up to `perKind` pages of each kind: the largest first (the most content),
 * then the smallest (the emptiest case). */
function samplePages(dir, perKind = 2) {
  const byKind = new Map();
  for (const p of pages(dir)) {
    if (!byKind.has(p.kind)) byKind.set(p.kind, []);
    byKind.get(p.kind).push(p);
  }
  const chosen = [];
  for (const [, list] of [...byKind].sort()) {
    list.sort((a, b) => b.size - a.size || a.rel.localeCompare(b.rel));
    const picks = [list[0], list[list.length - 1]].slice(0, perKind);
    for (const p of picks) if (!chosen.includes(p)) chosen.push(p);
  }
  return chosen;
}

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".csv": "text/csv; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".woff2": "font/woff2",
  ".txt": "text/plain; charset=utf-8",
  ".pdf": "application/pdf",
};

/** Serves `dir` on 127.0.0.1 at a free port, like a plain static host: a
 * folder serves its index.html, a missing file the site's 404.html with
 * status 404. Resolves to { url, close }. */
function serve(dir) {
  const server = http.createServer((req, res) => {
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    let file = path.join(dir, path.normalize(rel));
    if (!file.startsWith(dir)) {
      res.writeHead(403).end();
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
    let status = 200;
    if (!fs.existsSync(file)) {
      status = 404;
      file = path.join(dir, "404.html");
      if (!fs.existsSync(file)) {
        // A folder without a 404 page (the gates' self-test) gets a bare 404.
        res.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("404");
        return;
      }
    }
    const type = TYPES[path.extname(file)] || "application/octet-stream";
    res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
    // The folder may go away while a last request is served (a test ending):
    // end that response rather than crash the test run.
    fs.createReadStream(file)
      .on("error", () => res.destroy())
      .pipe(res);
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      resolve({
        url: `http://127.0.0.1:${port}/`,
        close: () => new Promise((done) => server.close(done)),
      });
    });
  });
}

/** The Chromium to drive: $CHROMIUM, else `chromium` on the PATH. */
function chromiumPath() {
  if (process.env.CHROMIUM) return process.env.CHROMIUM;
  for (const name of ["chromium", "chromium-browser"]) {
    try {
      return execFileSync("sh", ["-c", `command -v ${name}`], { encoding: "utf8" }).trim();
    } catch {
      // try the next name
    }
  }
  throw new Error("no chromium on the PATH: scripts/test installs it (apt-get install chromium)");
}

// No background traffic of the browser's own (updates, sync, safe browsing).
const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--disable-domain-reliability",
  "--no-pings",
];

async function launch() {
  const { chromium } = require("playwright-core");
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}

/** A browser context where every request that is not for the loopback site
 * is blocked and recorded, with the page errors, console errors and failed
 * responses of its pages. */
async function guardedContext(browser, base, options = {}) {
  const context = await browser.newContext({ locale: "vi-VN", ...options });
  const origin = new URL(base).origin;
  const problems = { offsite: [], errors: [], failed: [] };
  await context.route("**/*", (route) => {
    const url = route.request().url();
    const allowed = url.startsWith("file:") || url.startsWith("data:") || url.startsWith("blob:") || new URL(url).origin === origin;
    if (allowed) return route.continue();
    problems.offsite.push(url);
    return route.abort("blockedbyclient");
  });
  context.on("page", (page) => watch(page, problems));
  return { context, problems };
}

function watch(page, problems) {
  page.on("pageerror", (err) => problems.errors.push(`${page.url()}: ${err.message}`));
  page.on("console", (msg) => {
    // A resource that failed is recorded from its response, below (the 404
    // page itself is served with status 404 on purpose).
    if (msg.type() === "error" && !msg.text().startsWith("Failed to load resource")) {
      problems.errors.push(`${page.url()}: console: ${msg.text()}`);
    }
  });
  page.on("websocket", (ws) => problems.offsite.push(`websocket ${ws.url()}`));
  page.on("response", (res) => {
    // The 404 page is served with status 404 on purpose.
    if (res.status() >= 400 && !res.request().isNavigationRequest()) {
      problems.failed.push(`${res.status()} ${res.url()} (from ${page.url()})`);
    }
  });
  page.on("requestfailed", (req) => {
    const why = req.failure() ? req.failure().errorText : "failed";
    if (!why.startsWith("net::ERR_BLOCKED_BY_CLIENT")) problems.failed.push(`${why} ${req.url()}`);
  });
}

module.exports = {
  REPO,
  siteDir,
  artefactsDir,
  walk,
  pages,
  samplePages,
  serve,
  launch,
  guardedContext,
  chromiumPath,
};
