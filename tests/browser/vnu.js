#!/usr/bin/env node
// HTML validity: the Nu HTML Checker (vnu.jar, from the npm package vnu-jar,
// run with the machine's Java) on every .html page of a built site, and on
// its .css and .svg files. Prints every error and warning with its place,
// then one line of totals; exits 1 when there is any error.
//
// Usage: node tests/browser/vnu.js SITE_DIR
"use strict";

const path = require("node:path");
const { spawnSync } = require("node:child_process");
const { walk } = require("./lib/site");

const dir = process.argv[2];
if (!dir) {
  console.error("usage: node vnu.js SITE_DIR");
  process.exit(2);
}
const files = walk(dir).filter((f) => /\.(html|css|svg)$/.test(f));
const kinds = (ext) => files.filter((f) => f.endsWith(ext)).length;
if (kinds(".html") === 0) {
  console.error(`html: no .html file in ${dir}`);
  process.exit(1);
}

const jar = require.resolve("vnu-jar/build/dist/vnu.jar");
const run = spawnSync(
  "java",
  ["-Xss4m", "-jar", jar, "--format", "json", "--stdout", "--also-check-css", "--also-check-svg", ...files],
  { cwd: dir, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 },
);
if (run.error) {
  console.error(`html: cannot run java: ${run.error.message}`);
  process.exit(1);
}
let messages;
try {
  messages = JSON.parse(run.stdout).messages;
} catch {
  console.error(`html: vnu gave no report (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  process.exit(1);
}

let errors = 0;
let warnings = 0;
for (const m of messages) {
  const file = m.url ? path.relative(dir, decodeURIComponent(new URL(m.url).pathname)) : "?";
  const where = m.lastLine ? `${file}:${m.lastLine}:${m.firstColumn || m.lastColumn || 1}` : file;
  const isError = m.type === "error" || m.type === "non-document-error" || m.subType === "fatal";
  if (isError) errors += 1;
  else if (m.subType === "warning") warnings += 1;
  else continue;
  const extract = m.extract ? `\n    ${m.extract.replace(/\n/g, " ").trim()}` : "";
  console.log(`${isError ? "error" : "warning"}: ${where}: ${m.message}${extract}`);
}
console.log(
  `html: vnu checked ${kinds(".html")} pages, ${kinds(".css")} stylesheets, ${kinds(".svg")} SVG files: ` +
    `${errors} errors, ${warnings} warnings`,
);
process.exit(errors > 0 ? 1 : 0);
