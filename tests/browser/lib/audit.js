// The accessibility audit of one loaded page: axe-core, and two checks of
// our own (text alternatives of graphics, headers of tables).
"use strict";

const AXE = require.resolve("axe-core/axe.min.js");
const FAILING = new Set(["serious", "critical"]);

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

/** Audits the page loaded in `page`: `failing` (serious or critical axe
 * violations), `own` (our checks' problems), `minor` (the rest, not failing);
 * one line each. */
async function audit(page) {
  await page.addScriptTag({ path: AXE });
  const results = await page.evaluate(() =>
    // eslint-disable-next-line no-undef
    axe.run(document, { resultTypes: ["violations"] }),
  );
  const failing = [];
  const minor = [];
  for (const v of results.violations) {
    for (const node of v.nodes) {
      const line = `${v.id} (${v.impact}): ${node.target.join(" ")}: ${v.help}`;
      (FAILING.has(v.impact) ? failing : minor).push(line);
    }
  }
  const checked = await page.evaluate(ownChecks);
  minor.push(...checked.notes);
  return { failing, minor, own: checked.problems };
}

module.exports = { audit };
