/* ketqua default theme: search in the browser, on the static index written by
 * the build under search/ (see docs/themes.md). No server, no dependency.
 *
 * - The header form (form.site-search, data-root = the path to the site
 *   root) works without JavaScript: it goes to search.html?q=….
 * - As the user types, the results appear under the box: arrow keys move
 *   through them, Enter follows a link (or, in the box, opens the search
 *   page), Escape closes the list. The count is announced (aria-live).
 * - On search.html ([data-search-page]) the query of the address fills the
 *   box and runs the same search as typing; typing there updates the page.
 *
 * Matching folds both sides the way the build does (src/vi.rs `fold`):
 * NFD, marks U+0300–U+036F removed, đ/Đ → d, lowercase. "dang bo" finds
 * "Đảng bộ"; the hit is highlighted in the original text.
 *
 * fetch() of local files is refused by browsers from file://: search then
 * says the index could not be loaded.
 */
(function () {
  "use strict";

  var form = document.querySelector("form.site-search");
  if (!form || !window.fetch || !window.Promise || !String.prototype.normalize) return;

  var root = form.getAttribute("data-root") || "";
  var input = form.querySelector("input[name=q]");
  var panel = form.querySelector(".site-search__panel");
  var panelList = panel.querySelector("ol");
  var panelStatus = form.querySelector(".site-search__status");
  var page = document.querySelector("[data-search-page]");
  var SHOWN = 8;
  var PAGE_STEP = 20;

  var WORD;
  try {
    WORD = new RegExp("[\\p{L}\\p{N}]+", "gu");
  } catch (e) {
    WORD = /[0-9a-z\u00c0-\u024f\u1e00-\u1eff]+/g;
  }

  /* ------------------------------------------------------------ folding -- */

  function foldChar(c) {
    return c.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }

  /* The folded text and, for each of its characters, the index of the
   * original character it comes from. */
  function foldMap(text) {
    var out = "", map = [];
    for (var i = 0; i < text.length; i++) {
      var code = text.charCodeAt(i);
      var c = (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) ? text.substr(i, 2) : text.charAt(i);
      var f = foldChar(c);
      for (var k = 0; k < f.length; k++) { out += f.charAt(k); map.push(i); }
      i += c.length - 1;
    }
    return { text: out, map: map };
  }

  function words(text) {
    return foldChar(text || "").match(WORD) || [];
  }

  function chars(s) { return Array.from ? Array.from(s) : s.split(""); }

  function shardKey(word, split) {
    var cs = chars(word);
    var two = cs.slice(0, 2).join("");
    return split.indexOf(two) >= 0 ? cs.slice(0, 3).join("") : two;
  }

  function keyFile(key) {
    return chars(key).map(function (c) {
      return /[a-z0-9]/.test(c) ? c : "_" + c.codePointAt(0).toString(16);
    }).join("");
  }

  /* -------------------------------------------------------------- index -- */

  var cache = {};

  function get(path) {
    if (!cache[path]) {
      cache[path] = fetch(root + path).then(function (r) {
        if (r.status === 404) return {};
        if (!r.ok) throw new Error(path + ": " + r.status);
        return r.json();
      });
      cache[path].catch(function () { delete cache[path]; });
    }
    return cache[path];
  }

  /* -------------------------------------------------------------- ranking --
   * BM25 on what the index keeps: a word's count in a document (capped at 3)
   * saturates with k1, rarer words weigh more (idf), a word in the title
   * adds TITLE_BOOST times its weight. Documents have no length in the
   * index, so there is no length normalisation (BM25 with b = 0). Then the
   * documents that hold the words of the query as a phrase, in their title
   * first, then in their text, come before the others (among the first
   * PHRASE_POOL; ties keep the build's order). */
  var K1 = 1.2, TITLE_BOOST = 1.5, PREFIX_WEIGHT = 0.7, PHRASE_POOL = 60;

  function termScore(weight) {
    var tf = weight % 4, title = weight >= 4;
    return (tf ? tf * (K1 + 1) / (tf + K1) : 0) + (title ? TITLE_BOOST : 0);
  }

  function idf(n, df) {
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /* [id, score, phrase]: phrase class first, then score, then build order. */
  function byRank(a, b) { return b[2] - a[2] || b[1] - a[1] || a[0] - b[0]; }

  /* " w1 w2": the folded words of a text joined by single spaces, so that
   * a phrase is found whatever the marks and punctuation between. */
  function joined(text) { return " " + words(text).join(" ") + " "; }

  function phraseFirst(ranked, qwords, block) {
    if (qwords.length < 2 || !ranked.length) return Promise.resolve(ranked);
    var pool = ranked.slice(0, PHRASE_POOL);
    var phrase = " " + qwords.join(" ");
    return documents(pool.map(function (r) { return r[0]; }), block).then(function (docs) {
      docs.forEach(function (d, i) {
        if (joined(d.title).indexOf(phrase) >= 0) pool[i][2] = 2;
        else if (joined((d.passages || []).join(" ")).indexOf(phrase) >= 0) pool[i][2] = 1;
      });
      pool.sort(byRank);
      return pool.concat(ranked.slice(PHRASE_POOL));
    });
  }

  /* The ranked ids of the documents matching every word of `q` (the last
   * word also as a prefix). A common word (its shard gives a count, its
   * postings are in search/w/) is left out when the query has a rarer one;
   * a query of common words only is matched on its two rarest words (see
   * src/search.rs). */
  function find(q) {
    var all = words(q);
    if (!all.length) return Promise.resolve(null);
    return get("search/meta.json").then(function (meta) {
      var split = meta.split || [], last = all.length - 1;
      var use = all.map(function (w, i) {
        var key = shardKey(w, split);
        return { word: w, key: key, prefix: i === last && chars(key).length <= chars(w).length };
      });
      return Promise.all(use.map(function (u) {
        return get("search/t/" + keyFile(u.key) + ".json");
      })).then(function (shards) {
        use.forEach(function (u, n) {
          var shard = shards[n];
          u.entries = Object.keys(shard).filter(function (word) {
            return word === u.word || (u.prefix && word.indexOf(u.word) === 0);
          }).map(function (word) { return [word, shard[word]]; });
          u.common = u.entries.some(function (e) { return typeof e[1] === "number"; });
        });
        var missing = use.some(function (u) { return !u.entries.length; });
        if (missing) return [];
        var allCommon = use.every(function (u) { return u.common; });
        var kept = use.filter(function (u) { return allCommon || !u.common; });
        if (allCommon) {
          // Only common words: the two rarest narrow the results enough.
          kept.forEach(function (u) {
            u.docs = u.entries.reduce(function (n, e) {
              return n + (typeof e[1] === "number" ? e[1] : e[1].length);
            }, 0);
          });
          kept.sort(function (a, b) { return a.docs - b.docs; });
          kept = kept.slice(0, 2);
        }
        return Promise.all(kept.map(function (u) {
          return Promise.all(u.entries.map(function (e) {
            return typeof e[1] === "number" ? get("search/w/" + keyFile(e[0]) + ".json") : e[1];
          }));
        })).then(function (lists) { return { lists: lists, kept: kept }; });
      }).then(function (found) {
        var lists = found.lists || [], kept = found.kept || [];
        var scores = null;
        lists.forEach(function (postingLists, n) {
          var found = {};
          postingLists.forEach(function (postings, e) {
            // A word that only begins with the typed one counts a little less.
            var exact = kept[n].entries[e][0] === kept[n].word ? 1 : PREFIX_WEIGHT;
            var doc = 0;
            for (var k = 0; k < postings.length; k++) {
              doc += Math.floor(postings[k] / 8);
              var s = termScore(postings[k] % 8) * exact;
              if (!(found[doc] >= s)) found[doc] = s;
            }
          });
          var df = Object.keys(found).length;
          var weight = idf(meta.docs || df, df);
          if (scores === null) {
            scores = {};
            Object.keys(found).forEach(function (d) { scores[d] = weight * found[d]; });
            return;
          }
          var next = {};
          Object.keys(scores).forEach(function (d) {
            if (found[d] !== undefined) next[d] = scores[d] + weight * found[d];
          });
          scores = next;
        });
        var ranked = Object.keys(scores || {}).map(function (d) { return [+d, scores[d], 0]; });
        ranked.sort(byRank);
        return phraseFirst(ranked, all, meta.block).then(function (ordered) {
          return { block: meta.block, ids: ordered.map(function (r) { return r[0]; }), words: all };
        });
      });
    });
  }

  /* The documents of `ids`: { title, level, url, passages }. */
  function documents(ids, block) {
    return Promise.all(ids.map(function (id) {
      return get("search/d/" + Math.floor(id / block) + ".json").then(function (rows) {
        var row = rows[id % block] || ["", "", "", []];
        return { title: row[0], level: row[1], url: row[2], passages: row[3] };
      });
    }));
  }

  /* ---------------------------------------------------------- highlight -- */

  /* Ranges [start, end) of the original text whose words match. */
  function hits(text, qwords) {
    var folded = foldMap(text), ranges = [], m;
    var last = qwords.length - 1;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(folded.text)) !== null) {
      var token = m[0];
      var match = qwords.some(function (w, i) {
        return token === w || (i === last && token.indexOf(w) === 0);
      });
      if (!match) continue;
      var endAt = m.index + token.length;
      ranges.push([folded.map[m.index], endAt < folded.map.length ? folded.map[endAt] : text.length]);
    }
    WORD.lastIndex = 0;
    return ranges;
  }

  function marked(text, ranges) {
    var frag = document.createDocumentFragment(), at = 0;
    ranges.forEach(function (r) {
      if (r[0] < at) return;
      if (r[0] > at) frag.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(r[0], r[1]);
      frag.appendChild(mark);
      at = r[1];
    });
    if (at < text.length) frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  }

  var EXCERPT = 180;

  /* Where the query's words first follow one another in `text` (its hits
   * `ranges`), or -1: the start of the phrase, for the excerpt. */
  function phraseAt(text, ranges, qwords) {
    if (qwords.length < 2) return -1;
    var last = qwords.length - 1;
    var tokens = ranges.map(function (h) { return foldChar(text.slice(h[0], h[1])); });
    for (var i = 0; i + last < ranges.length; i++) {
      var ok = true;
      for (var k = 0; k <= last && ok; k++) {
        var t = tokens[i + k], w = qwords[k];
        ok = (t === w || (k === last && t.indexOf(w) === 0)) &&
          (k === 0 || !/[\p{L}\p{N}]/u.test(text.slice(ranges[i + k - 1][1], ranges[i + k][0])));
      }
      if (ok) return ranges[i][0];
    }
    return -1;
  }

  /* The passage that best shows why the document matched (the phrase, else
   * the most different words of the query, else the first hit), cut around
   * its first hit. */
  function excerpt(passages, qwords) {
    var text = passages[0] || "", first = -1, best = 0;
    var phrase = " " + qwords.join(" ");
    for (var i = 0; i < passages.length; i++) {
      var r = hits(passages[i], qwords);
      if (!r.length) continue;
      var distinct = {};
      r.forEach(function (h) { distinct[foldChar(passages[i].slice(h[0], h[1]))] = true; });
      var at = phraseAt(passages[i], r, qwords);
      var score = Object.keys(distinct).length + (at >= 0 ? 100 : 0);
      if (score > best) { best = score; text = passages[i]; first = at >= 0 ? at : r[0][0]; }
    }
    if (text.length <= EXCERPT) return text;
    var start = Math.max(0, first - 60);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      start = space >= 0 && space < first ? space + 1 : start;
    }
    var end = Math.min(text.length, start + EXCERPT);
    var cut = text.lastIndexOf(" ", end);
    if (end < text.length && cut > start) end = cut;
    return (start > 0 ? "… " : "") + text.slice(start, end) + (end < text.length ? " …" : "");
  }

  function resultItem(doc, qwords) {
    var li = document.createElement("li");
    li.className = "search-result";
    var a = document.createElement("a");
    a.className = "search-result__link";
    a.href = root + doc.url;
    a.appendChild(marked(doc.title, hits(doc.title, qwords)));
    li.appendChild(a);
    var level = document.createElement("span");
    level.className = "search-result__level";
    level.textContent = doc.level;
    li.appendChild(level);
    var text = excerpt(doc.passages || [], qwords);
    if (text) {
      var p = document.createElement("p");
      p.className = "search-result__excerpt";
      p.appendChild(marked(text, hits(text, qwords)));
      li.appendChild(p);
    }
    return li;
  }

  /* ---------------------------------------------------------------- UI --- */

  var countText = form.getAttribute("data-count") || "{n}";
  var noneText = form.getAttribute("data-none") || "";
  var errorText = form.getAttribute("data-error") || "";
  var moreText = form.getAttribute("data-more") || "";
  var sequence = 0;

  function clear(el) { while (el.firstChild) el.removeChild(el.firstChild); }

  function closePanel() {
    panel.hidden = true;
    clear(panelList);
  }

  /* Runs the query `q` and shows its results in the header panel or, on the
   * search page, in the page. The same function serves typing and ?q=. */
  function run(q) {
    var mine = ++sequence;
    var onPage = !!page;
    var list = onPage ? page.querySelector("ol") : panelList;
    var status = onPage ? page.querySelector("[role=status]") : panelStatus;
    if (!words(q).length) {
      if (onPage) { clear(list); status.textContent = ""; } else { closePanel(); panelStatus.textContent = ""; }
      return Promise.resolve();
    }
    return find(q).then(function (found) {
      var limit = onPage ? PAGE_STEP : SHOWN;
      return documents(found.ids.slice(0, limit), found.block).then(function (docs) {
        if (mine !== sequence) return;
        clear(list);
        status.textContent = found.ids.length
          ? countText.replace("{n}", found.ids.length.toLocaleString("vi-VN"))
          : noneText;
        docs.forEach(function (d) { list.appendChild(resultItem(d, found.words)); });
        if (onPage) {
          showMore(list, found, limit);
        } else {
          if (found.ids.length > limit) {
            var li = document.createElement("li");
            li.className = "search-result search-result--more";
            var a = document.createElement("a");
            a.className = "search-result__link";
            a.href = root + "search.html?q=" + encodeURIComponent(q);
            a.textContent = moreText;
            li.appendChild(a);
            list.appendChild(li);
          }
          panel.hidden = docs.length === 0;
        }
      });
    }).catch(function () {
      if (mine !== sequence) return;
      clear(list);
      status.textContent = errorText;
      if (!onPage) panel.hidden = true;
    });
  }

  function showMore(list, found, shown) {
    var old = page.querySelector(".search-page__more");
    if (old) old.parentNode.removeChild(old);
    if (found.ids.length <= shown) return;
    var button = document.createElement("button");
    button.type = "button";
    button.className = "search-page__more";
    button.textContent = moreText;
    button.addEventListener("click", function () {
      var next = found.ids.slice(shown, shown + PAGE_STEP);
      documents(next, found.block).then(function (docs) {
        var firstNew = null;
        docs.forEach(function (d) {
          var li = resultItem(d, found.words);
          if (!firstNew) firstNew = li;
          list.appendChild(li);
        });
        showMore(list, found, shown + next.length);
        if (firstNew) firstNew.querySelector("a").focus();
      });
    });
    list.parentNode.appendChild(button);
  }

  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (page && window.history && history.replaceState) {
        history.replaceState(null, "", "?q=" + encodeURIComponent(input.value));
      }
      run(input.value);
    }, 120);
  });

  function links() {
    return Array.prototype.slice.call(panelList.querySelectorAll("a"));
  }

  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && !panel.hidden) {
      var first = links()[0];
      if (first) { e.preventDefault(); first.focus(); }
    } else if (e.key === "Escape" && !panel.hidden) {
      e.preventDefault();
      closePanel();
    }
  });

  panel.addEventListener("keydown", function (e) {
    var all = links(), at = all.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && at < all.length - 1) {
      e.preventDefault(); all[at + 1].focus();
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (at > 0) all[at - 1].focus(); else input.focus();
    } else if (e.key === "Escape") {
      e.preventDefault(); closePanel(); input.focus();
    }
  });

  form.addEventListener("focusout", function (e) {
    if (e.relatedTarget && !form.contains(e.relatedTarget)) closePanel();
  });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) closePanel();
  });

  if (page) {
    var q = "";
    try { q = new URLSearchParams(window.location.search).get("q") || ""; } catch (e) { q = ""; }
    input.value = q;
    run(q);
  }
})();
