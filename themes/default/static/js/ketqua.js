/* ketqua default theme: small progressive enhancement. No framework, no build step.
 *
 * - Sortable tables: in `table.sortable`, each `th[data-sort="text|number"]`
 *   becomes a button; rows sort by each cell's `data-value` (its text when it
 *   has none): numbers numerically, text with Vietnamese collation (a name's
 *   `data-value` is its collation rank, so it sorts as a number would).
 *   Empty values always go last; ties keep the table's original order.
 *   `aria-sort` tells the state.
 * - Filters: `form.filters[data-table=ID]` of selects named level, submission,
 *   overall (matched against the rows' data-level, data-submission,
 *   data-overall) and a search box `q` matched against the row's data-name
 *   without diacritics ("dang bo" finds "Đảng bộ"). The state is kept in the
 *   page's query string, so a filtered list can be linked to.
 * - Print: fills in the date a page is printed.
 *
 * With JavaScript off, nothing is lost: the tables are complete and the
 * filter forms stay hidden.
 */
(function () {
  "use strict";

  var forEach = function (list, fn) { Array.prototype.forEach.call(list, fn); };

  var collator = (typeof Intl !== "undefined" && Intl.Collator)
    ? new Intl.Collator("vi", { numeric: true, sensitivity: "base" })
    : null;

  /* ------------------------------------------------------------ sorting -- */

  function cellKey(row, index) {
    var cell = row.cells[index];
    if (!cell) return "";
    var value = cell.getAttribute("data-value");
    return (value !== null ? value : cell.textContent).trim();
  }

  function compareKeys(a, b, type) {
    if (type === "number") return parseFloat(a) - parseFloat(b);
    if (collator) return collator.compare(a, b);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function isEmpty(key, type) {
    return key === "" || (type === "number" && isNaN(parseFloat(key)));
  }

  var ICONS = { none: "⇅", ascending: "▲", descending: "▼" };

  function setIcon(th, state) {
    var icon = th.querySelector(".sort-button__icon");
    if (icon) icon.textContent = ICONS[state];
  }

  function sortTable(table, th, direction) {
    var index = th.cellIndex;
    var type = th.getAttribute("data-sort");
    forEach(table.tHead.querySelectorAll("th[data-sort]"), function (other) {
      if (other !== th) {
        other.removeAttribute("aria-sort");
        setIcon(other, "none");
      }
    });
    th.setAttribute("aria-sort", direction);
    setIcon(th, direction);

    forEach(table.tBodies, function (tbody) {
      var keyed = Array.prototype.map.call(tbody.rows, function (row) {
        return { row: row, key: cellKey(row, index), i: originalIndex(row) };
      });
      keyed.sort(function (x, y) {
        var ex = isEmpty(x.key, type), ey = isEmpty(y.key, type);
        if (ex || ey) return ex === ey ? x.i - y.i : (ex ? 1 : -1);
        var c = compareKeys(x.key, y.key, type);
        if (c === 0) return x.i - y.i;
        return direction === "ascending" ? c : -c;
      });
      keyed.forEach(function (k) { tbody.appendChild(k.row); });
    });
  }

  // The position of a row in the table as built, so that ties in a sort
  // keep that order (not the order of the previous sort).
  var ORIGINAL = "data-original-index";
  function originalIndex(row) { return parseInt(row.getAttribute(ORIGINAL), 10) || 0; }

  function initSortable(table) {
    if (!table.tHead) return;
    forEach(table.tBodies, function (tbody) {
      forEach(tbody.rows, function (row, i) { row.setAttribute(ORIGINAL, String(i)); });
    });
    forEach(table.tHead.querySelectorAll("th[data-sort]"), function (th) {
      // Chromium does not repeat form controls in the table headers it
      // repeats on each printed page: print shows a plain copy of the label.
      var printLabel = document.createElement("span");
      printLabel.className = "sort-print-label";
      printLabel.textContent = th.textContent.trim();
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort-button";
      while (th.firstChild) button.appendChild(th.firstChild);
      var icon = document.createElement("span");
      icon.className = "sort-button__icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = ICONS.none;
      button.appendChild(icon);
      th.appendChild(button);
      th.appendChild(printLabel);
      button.addEventListener("click", function () {
        var next = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
        sortTable(table, th, next);
      });
    });
    forEach(table.querySelectorAll(".sort-hint"), function (hint) { hint.hidden = false; });
  }

  /* ------------------------------------------------------------ filters -- */

  function normalise(text) {
    return (text || "")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/[đĐ]/g, "d")
      .toLowerCase()
      .replace(/\s+/g, " ")
      .trim();
  }

  function readQuery() {
    var params = {};
    try {
      new URLSearchParams(window.location.search).forEach(function (v, k) { params[k] = v; });
    } catch (e) { /* old browser: no restored state */ }
    return params;
  }

  function writeQuery(fields) {
    if (!window.history || !window.history.replaceState) return;
    try {
      var params = new URLSearchParams(window.location.search);
      fields.forEach(function (f) {
        if (f.value) params.set(f.name, f.value); else params.delete(f.name);
      });
      var search = params.toString();
      window.history.replaceState(null, "",
        window.location.pathname + (search ? "?" + search : "") + window.location.hash);
    } catch (e) { /* file:// in some browsers: keep the state in the page only */ }
  }

  function initFilters(form) {
    var table = document.getElementById(form.getAttribute("data-table"));
    if (!table || !table.tBodies.length) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var names = rows.map(function (row) {
      return normalise(row.getAttribute("data-name") || (row.cells[0] ? row.cells[0].textContent : ""));
    });
    var selects = Array.prototype.slice.call(form.querySelectorAll("select[name]"));
    var search = form.querySelector("input[name=q]");
    var fields = selects.concat(search ? [search] : []);
    var count = form.querySelector(".filters__count");
    var countText = form.getAttribute("data-count-text") || "";
    var empty = document.querySelector('[data-empty-for="' + table.id + '"]');

    var query = readQuery();
    fields.forEach(function (f) {
      var v = query[f.name];
      if (v === undefined) return;
      if (f.tagName === "SELECT") {
        if (Array.prototype.some.call(f.options, function (o) { return o.value === v; })) f.value = v;
      } else {
        f.value = v;
      }
    });

    var lastText = null;
    function apply() {
      var q = search ? normalise(search.value) : "";
      var shown = 0;
      rows.forEach(function (row, i) {
        var ok = selects.every(function (s) {
          return !s.value || row.getAttribute("data-" + s.name) === s.value;
        });
        if (ok && q) ok = names[i].indexOf(q) !== -1;
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      var text = countText.replace("{shown}", String(shown)).replace("{total}", String(rows.length));
      if (count && text !== lastText) { count.textContent = text; lastText = text; }
      if (empty) empty.hidden = shown !== 0;
      writeQuery(fields);
    }

    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
    form.hidden = false;
    apply();
  }

  /* -------------------------------------------------------------- print -- */

  function initPrintDate() {
    var el = document.querySelector("[data-printed-on]");
    if (!el) return;
    var target = el.querySelector("span") || el;
    var d = new Date();
    target.textContent = d.getDate() + "/" + (d.getMonth() + 1) + "/" + d.getFullYear();
    el.hidden = false;
  }

  function init() {
    forEach(document.querySelectorAll("table.sortable"), initSortable);
    forEach(document.querySelectorAll("form.filters[data-table]"), initFilters);
    initPrintDate();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
