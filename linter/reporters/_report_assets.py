"""The inline stylesheet and scripts of the HTML report (kept apart from the renderer).

The scripts never use innerHTML: every string from the dataset reaches the page as a
text node or, for links, as an href that passed an http/https check.
"""

from __future__ import annotations

CSS = r"""
:root {
  color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --panel: #f6f8fa;
  --accent: #0b5cad; --mark: #fff1a8; --mark-fg: #1b1f24;
  --error: #b42318; --warning: #8a5a00; --info: #1f5fa8; --good: #1a7f37; --bad: #b42318;
  --s1: #0b5cad; --s2: #b35900;
  --c0: #3b6fd8; --c1: #c2410c; --c2: #0f7b6c; --c3: #9333ea; --c4: #b7791f; --c5: #be185d;
  --c6: #4b5563; --c7: #0e7490; --c8: #65a30d;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0f1419; --fg: #e6edf3; --muted: #9aa7b4; --line: #30363d; --panel: #161b22;
    --accent: #6cb6ff; --mark: #6b5200; --mark-fg: #fff8d6;
    --error: #ff7b72; --warning: #e3b341; --info: #79c0ff; --good: #56d364; --bad: #ff7b72;
    --s1: #6cb6ff; --s2: #f0a35e;
    --c0: #6c9ef8; --c1: #f08c5a; --c2: #3fc1ad; --c3: #c08cff; --c4: #e3b341; --c5: #f472b6;
    --c6: #9ca3af; --c7: #22d3ee; --c8: #a3e635;
  }
}
* { box-sizing: border-box; }
html { background: var(--bg); color: var(--fg); }
body { margin: 0 auto; max-width: 1180px; padding: 0 1.25rem 3rem;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
a { color: var(--accent); }
h1 { font-size: 1.7rem; margin: 1.2rem 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1.02rem; margin: 0 0 .3rem; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .4rem; z-index: 9; }
.meta, .note, .status { color: var(--muted); }
.meta { margin: 0; }
.note { font-size: .92rem; }
.figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr)); gap: .75rem; margin: 0; }
.figure { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; }
.figure dt { color: var(--muted); font-size: .88rem; }
.figure dd { margin: .15rem 0 0; font-size: 1.75rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.figure .delta { display: block; font-size: .85rem; font-weight: 500; }
.lead { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1.1fr); gap: 1rem; align-items: start; }
.lead figure { margin: .4rem 0 0; }
.lead .chart { max-height: 230px; }
.headline { font-size: 1.6rem; font-weight: 700; margin: .2rem 0 .3rem; font-variant-numeric: tabular-nums; }
.coach td, .coach th { padding: .2rem .45rem; }
.spark { vertical-align: middle; }
.spark polyline { fill: none; stroke: var(--s1); stroke-width: 1.6; }
.spark circle { fill: var(--s1); }
.coach ul { margin: 0; padding: 0; list-style: none; }
.coach li { display: inline; white-space: nowrap; }
.coach li + li::before { content: ", "; }
.coaching { display: grid; grid-template-columns: 1fr; gap: .5rem; }
@media (max-width: 900px) { .lead { grid-template-columns: 1fr; } }
.better { color: var(--good); } .worse { color: var(--bad); } .same { color: var(--muted); }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); }
thead th { background: var(--panel); }
td.num { white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
th button.sort { all: inherit; cursor: pointer; padding: 0; border: 0; }
th button.sort:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, a:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 2px; }
th[aria-sort="ascending"] .arrow::after { content: "\00A0\25B2"; }
th[aria-sort="descending"] .arrow::after { content: "\00A0\25BC"; }
th:not([aria-sort]) button.sort .arrow::after { content: "\00A0\21C5"; color: var(--muted); }
.scroll { overflow-x: auto; }
.bar { display: inline-block; height: .8rem; vertical-align: middle; border-radius: 2px; min-width: 2px; }
.c0 { background: var(--c0); } .c1 { background: var(--c1); } .c2 { background: var(--c2); }
.c3 { background: var(--c3); } .c4 { background: var(--c4); } .c5 { background: var(--c5); }
.c6 { background: var(--c6); } .c7 { background: var(--c7); } .c8 { background: var(--c8); }
.sev { white-space: nowrap; font-weight: 600; }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .9em; }
mark { background: var(--mark); color: var(--mark-fg); padding: 0 .15em; border-radius: 2px; }
.stories { display: grid; grid-template-columns: repeat(auto-fit, minmax(340px, 1fr)); gap: .8rem; }
article.story { border: 1px solid var(--line); border-radius: 8px; padding: .7rem .9rem; background: var(--panel); }
article.story ol { margin: .4rem 0 0; padding-left: 1.2rem; }
article.story li { margin-bottom: .5rem; }
article.story blockquote { margin: .25rem 0; padding-left: .6rem; border-left: 3px solid var(--line); overflow-wrap: anywhere; }
.suggestion { margin: .2rem 0 0; }
.chart { width: 100%; max-width: 820px; height: auto; display: block; }
.chart text { fill: var(--muted); font-size: 11px; font-family: inherit; }
.chart .grid { stroke: var(--line); stroke-width: 1; }
.chart .axis { stroke: var(--muted); stroke-width: 1; }
.chart .s1 { stroke: var(--s1); fill: none; stroke-width: 2.5; }
.chart .s2 { stroke: var(--s2); fill: none; stroke-width: 2.5; stroke-dasharray: 7 4; }
.chart .m1 { fill: var(--s1); } .chart .m2 { fill: var(--s2); }
.legend { display: flex; gap: 1.2rem; flex-wrap: wrap; margin: .2rem 0 .6rem; padding: 0; list-style: none; font-size: .9rem; }
.legend svg { vertical-align: middle; margin-right: .3rem; }
.legend .s1 { stroke: var(--s1); stroke-width: 2.5; } .legend .s2 { stroke: var(--s2); stroke-width: 2.5; stroke-dasharray: 7 4; }
.legend .m1 { fill: var(--s1); } .legend .m2 { fill: var(--s2); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(380px, 1fr)); gap: 1rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .6rem 1rem; align-items: end; margin: .4rem 0 .6rem; }
form.filters label { display: flex; flex-direction: column; font-size: .85rem; color: var(--muted); }
select { max-width: 15rem; }
select, input, button { font: inherit; color: var(--fg); background: var(--bg); border: 1px solid var(--line);
  border-radius: 6px; padding: .25rem .45rem; }
button { cursor: pointer; }
button:disabled { opacity: .5; cursor: default; }
.pager { display: flex; gap: .8rem; align-items: center; margin: .4rem 0; }
button.linkish { border: 0; background: none; color: var(--accent); text-decoration: underline; padding: 0; text-align: left; }
#script-errors { color: var(--error); white-space: pre-wrap; border: 2px solid var(--error); padding: .5rem; }
details { margin-top: .6rem; }
footer { margin-top: 3rem; color: var(--muted); font-size: .85rem; }
@media print {
  :root { --bg: #fff; --fg: #000; --muted: #333; --panel: #fff; --line: #999; --mark: #ffe97a; --mark-fg: #000; }
  body { max-width: none; padding: 0; font-size: 11pt; }
  .skip, form.filters, .pager, noscript, th button.sort .arrow { display: none !important; }
  th button.sort { text-decoration: none; }
  section { break-inside: auto; }
  article.story, .figure, figure, tr { break-inside: avoid; }
  h2 { break-after: avoid; }
  article.story a[href]::after { content: " (" attr(href) ")"; font-size: .8em; color: #333; word-break: break-all; }
  details { display: block; }
  details > * { display: block; }
}
"""

#: Runs first, in <head>: records any script error into the page so headless tests
#: (and readers) can see it.
ERROR_CATCHER = r"""
(function () {
  var errs = window.__reportErrors = [];
  function show() {
    var box = document.getElementById("script-errors");
    document.documentElement.setAttribute("data-errors", String(errs.length));
    if (box) { box.hidden = false; box.textContent = "Script errors:\n" + errs.join("\n"); }
  }
  window.__reportError = function (msg) { errs.push(String(msg)); show(); };
  window.addEventListener("error", function (e) {
    window.__reportError((e.message || "error") + (e.lineno ? " (line " + e.lineno + ")" : ""));
  });
  window.addEventListener("unhandledrejection", function (e) { window.__reportError("unhandled rejection: " + e.reason); });
  document.addEventListener("DOMContentLoaded", function () { if (errs.length) show(); });
})();
"""

MAIN_JS = r"""
(function () {
  "use strict";
  try {
    var data = JSON.parse(document.getElementById("report-data").textContent);
    var nf = new Intl.NumberFormat("en");
    var fmt = function (n) { return n === null || n === undefined ? "n/a" : nf.format(n); };
    var pct = function (x) { return x === null || x === undefined ? "n/a" : (x * 100).toFixed(1) + "%"; };
    var SEV = { error: "\u2716 error", warning: "\u25B2 warning", info: "\u25CF info" };

    var el = function (tag, attrs, children) {
      var n = document.createElement(tag);
      if (attrs) {
        Object.keys(attrs).forEach(function (k) {
          var v = attrs[k];
          if (v === null || v === undefined || v === false) return;
          if (k === "text") n.textContent = v;
          else if (k === "class") n.className = v;
          else n.setAttribute(k, v === true ? "" : String(v));
        });
      }
      (children || []).forEach(function (c) {
        if (c === null || c === undefined) return;
        n.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
      });
      return n;
    };
    var safeHref = function (u) {
      if (typeof u !== "string" || !/^https?:\/\//i.test(u)) return null;
      try {
        var p = new URL(u);
        return p.protocol === "https:" || p.protocol === "http:" ? p.href : null;
      } catch (e) { return null; }
    };
    var link = function (text, url) {
      var h = safeHref(url);
      return h ? el("a", { href: h, rel: "noopener noreferrer" }, [text]) : el("span", {}, [text]);
    };
    var sevBadge = function (s) { return el("span", { class: "sev sev-" + s }, [SEV[s] || s]); };

    // -- a sortable, paginated table ---------------------------------------------------
    function Table(mount, cfg) {
      var self = this;
      this.mount = mount; this.cfg = cfg; this.rows = cfg.rows.slice(); this.page = 0;
      this.pageSize = cfg.pageSize || 100;
      this.sortKey = cfg.sort ? cfg.sort[0] : null; this.sortDir = cfg.sort ? cfg.sort[1] : 1;
      this.table = el("table", { class: "data", id: cfg.id });
      this.table.appendChild(el("caption", {}, [cfg.caption]));
      var tr = el("tr");
      this.ths = cfg.columns.map(function (c) {
        var th = el("th", { scope: "col", class: c.num ? "num" : null });
        if (c.sortable === false) th.textContent = c.label;
        else {
          var b = el("button", { type: "button", class: "sort", title: "Sort by " + c.label },
            [c.label, el("span", { class: "arrow", "aria-hidden": "true" })]);
          b.addEventListener("click", function () { self.sortBy(c.key); });
          th.appendChild(b);
        }
        tr.appendChild(th);
        return th;
      });
      this.table.appendChild(el("thead", {}, [tr]));
      this.tbody = el("tbody");
      this.table.appendChild(this.tbody);
      this.status = el("p", { class: "status", "aria-live": "polite" });
      this.prev = el("button", { type: "button" }, ["\u2190 Previous"]);
      this.next = el("button", { type: "button" }, ["Next \u2192"]);
      this.pageLabel = el("span", { class: "page" });
      this.prev.addEventListener("click", function () { self.go(self.page - 1); });
      this.next.addEventListener("click", function () { self.go(self.page + 1); });
      mount.appendChild(el("div", { class: "scroll" }, [this.table]));
      mount.appendChild(this.status);
      mount.appendChild(el("nav", { class: "pager", "aria-label": "Pages of " + cfg.caption },
        [this.prev, this.pageLabel, this.next]));
      if (this.sortKey) this.applySort();
      this.render();
    }
    Table.prototype.column = function (key) {
      return this.cfg.columns.filter(function (c) { return c.key === key; })[0];
    };
    Table.prototype.sortBy = function (key) {
      if (this.sortKey === key) this.sortDir = -this.sortDir;
      else { this.sortKey = key; this.sortDir = this.column(key).num ? -1 : 1; }
      this.applySort(); this.page = 0; this.render();
    };
    Table.prototype.applySort = function () {
      var c = this.column(this.sortKey), dir = this.sortDir;
      var get = c.value || function (r) { var v = r[c.key]; return typeof v === "string" ? v.toLowerCase() : v; };
      var keyed = this.rows.map(function (r, i) { return [get(r), i, r]; });
      keyed.sort(function (a, b) {
        var x = a[0], y = b[0];
        if (x === y) return a[1] - b[1];
        if (x === null || x === undefined) return 1;
        if (y === null || y === undefined) return -1;
        return (x < y ? -1 : 1) * dir;
      });
      this.rows = keyed.map(function (k) { return k[2]; });
    };
    Table.prototype.setRows = function (rows) {
      this.rows = rows.slice();
      if (this.sortKey) this.applySort();
      this.page = 0; this.render();
    };
    Table.prototype.go = function (page) { this.page = page; this.render(); };
    Table.prototype.render = function () {
      var self = this, n = this.rows.length, pages = Math.max(1, Math.ceil(n / this.pageSize));
      this.page = Math.min(Math.max(this.page, 0), pages - 1);
      var start = this.page * this.pageSize, end = Math.min(n, start + this.pageSize);
      var frag = document.createDocumentFragment();
      this.rows.slice(start, end).forEach(function (r) {
        var tr = el("tr");
        self.cfg.columns.forEach(function (c, i) {
          var content = c.render ? c.render(r) : r[c.key];
          if (c.num && typeof content === "number") content = fmt(content);
          var cell = el(i === 0 ? "th" : "td", { scope: i === 0 ? "row" : null, class: c.num ? "num" : null },
            [content === null || content === undefined ? "" : content]);
          tr.appendChild(cell);
        });
        frag.appendChild(tr);
      });
      if (!n) frag.appendChild(el("tr", {}, [el("td", { colspan: this.cfg.columns.length }, [this.cfg.empty || "Nothing to show."])]));
      this.tbody.textContent = "";
      this.tbody.appendChild(frag);
      this.ths.forEach(function (th, i) {
        var c = self.cfg.columns[i];
        if (c.key === self.sortKey) th.setAttribute("aria-sort", self.sortDir > 0 ? "ascending" : "descending");
        else th.removeAttribute("aria-sort");
      });
      this.status.textContent = n ? "Showing " + fmt(start + 1) + "\u2013" + fmt(end) + " of " + fmt(n) + " " + this.cfg.noun
        : "No " + this.cfg.noun + " match.";
      this.pageLabel.textContent = "Page " + fmt(this.page + 1) + " of " + fmt(pages);
      this.prev.disabled = this.page === 0;
      this.next.disabled = this.page >= pages - 1;
      this.mount.setAttribute("data-rows", String(n));
    };

    // -- findings, unpacked once ---------------------------------------------------------
    var T = data.table, texts = T.texts, rules = data.by_rule;
    var findings = T.rows.map(function (r) {
      var s = T.stories[r[0]], rule = rules[r[1]];
      return {
        story: s[0], title: texts[s[1]], url: s[2] >= 0 ? texts[s[2]] + (s[3] === 0 ? s[0] : s[3]) : s[3],
        author: texts[s[4]] || "(none)", project: texts[s[5]] || "(none)",
        rule: rule.rule, ruleName: rule.name, category: rule.category, severity: T.severities[r[2]], sevRank: 3 - r[2],
        line: r[3], excerpt: r[4], suggestion: texts[r[5]]
      };
    });

    var findingsTable = null, form = document.getElementById("finding-filters");
    var filterTo = function (field, value) {
      var sel = form.elements[field];
      if (!sel) return;
      ensureOption(sel, value);
      sel.value = value;
      applyFilters();
      document.getElementById("h-findings").scrollIntoView();
    };
    var nameCell = function (field) {
      return function (r) {
        return el("button", { type: "button", class: "linkish", title: "Show the findings of " + r.name },
          [r.name]);
      };
    };
    var groupColumns = function (label, field) {
      return [
        { key: "name", label: label, render: nameCell(field) },
        { key: "checked", label: "Stories checked", num: true },
        { key: "clean_share", label: "Clean", num: true, render: function (r) { return pct(r.clean_share); } },
        { key: "with_findings", label: "Stories with findings", num: true },
        { key: "findings", label: "Findings", num: true },
        { key: "errors", label: "Errors", num: true },
        { key: "top", label: "Most frequent category", value: function (r) { return topCategory(r); },
          render: function (r) { return topCategory(r) || ""; } }
      ];
    };
    var topCategory = function (r) {
      return r.top_category ? r.top_category.replace(/_/g, " ") + " (" + fmt(r.top_category_findings) + ")" : null;
    };
    var mountGroup = function (id, rows, label, field, noun) {
      var mount = document.getElementById(id);
      var t = new Table(mount, { id: id + "-table", caption: "Findings by " + label.toLowerCase(), rows: rows,
        columns: groupColumns(label, field), sort: ["findings", -1], noun: noun, pageSize: 25 });
      mount.addEventListener("click", function (e) {
        var b = e.target.closest ? e.target.closest("button.linkish") : null;
        if (b) filterTo(field, b.textContent);
      });
      return t;
    };
    mountGroup("by-author", data.by_author, "Author", "author", "authors");
    mountGroup("by-project", data.by_project, "Project", "project", "projects");
    var ruleMount = document.getElementById("by-rule");
    new Table(ruleMount, {
      id: "by-rule-table", caption: "Findings by rule", rows: rules, noun: "rules", pageSize: 25, sort: ["findings", -1],
      columns: [
        { key: "rule", label: "Rule", render: function (r) { return el("code", {}, [r.rule]); } },
        { key: "name", label: "Name" },
        { key: "category", label: "Category", render: function (r) { return r.category.replace(/_/g, " "); } },
        { key: "severity", label: "Severity", value: function (r) { return { error: 3, warning: 2, info: 1 }[r.severity] || 0; },
          render: function (r) { return sevBadge(r.severity); } },
        { key: "findings", label: "Findings", num: true },
        { key: "stories", label: "Stories", num: true },
        { key: "description", label: "What it flags", sortable: false }
      ]
    });

    // -- the findings table and its filters -------------------------------------------
    var options = function (name, values) {
      var sel = form.elements[name];
      values.forEach(function (v) { sel.appendChild(el("option", { value: v }, [v.replace(/_/g, " ")])); });
    };
    var distinct = function (key) {
      var seen = {};
      findings.forEach(function (f) { seen[f[key]] = true; });
      return Object.keys(seen).sort();
    };
    options("project", distinct("project"));
    options("author", distinct("author"));
    options("category", data.categories.filter(function (c) { return findings.some(function (f) { return f.category === c; }); }));
    options("severity", T.severities.filter(function (s) { return findings.some(function (f) { return f.severity === s; }); }));
    options("rule", rules.map(function (r) { return r.rule; }));

    var applyFilters = function () {
      var want = {};
      ["project", "author", "category", "severity", "rule"].forEach(function (k) { want[k] = form.elements[k].value; });
      var q = form.elements.q.value.trim().toLowerCase();
      var rows = findings.filter(function (f) {
        for (var k in want) { if (want[k] && f[k] !== want[k]) return false; }
        if (q && (f.story + "\u0000" + (f.title || "") + "\u0000" + f.excerpt + "\u0000" + f.ruleName).toLowerCase().indexOf(q) < 0) return false;
        return true;
      });
      findingsTable.setRows(rows);
    };
    findingsTable = new Table(document.getElementById("findings"), {
      id: "findings-table", caption: "Findings", rows: findings, noun: "findings", pageSize: 100, sort: ["sevRank", -1],
      empty: "No findings match the filters.",
      columns: [
        { key: "story", label: "Story", render: function (f) {
          return el("span", {}, [link(f.story, f.url), f.title ? el("span", { class: "meta" }, [" " + f.title]) : null]);
        } },
        { key: "sevRank", label: "Severity", num: false, render: function (f) { return sevBadge(f.severity); } },
        { key: "rule", label: "Rule", render: function (f) { return el("span", {}, [el("code", {}, [f.rule]), " " + f.ruleName]); } },
        { key: "category", label: "Category", render: function (f) { return f.category.replace(/_/g, " "); } },
        { key: "excerpt", label: "Excerpt", render: function (f) {
          return f.excerpt ? el("mark", {}, [f.excerpt]) : el("span", { class: "meta" }, ["(something is missing)"]);
        } },
        { key: "suggestion", label: "Suggestion", sortable: false },
        { key: "author", label: "Author" },
        { key: "project", label: "Project" },
        { key: "line", label: "Line", num: true }
      ]
    });
    // a link may carry filters: report.html#author=Dana%20Scully&category=data_model
    var ensureOption = function (sel, value) {
      if (sel.tagName === "SELECT" && !Array.prototype.some.call(sel.options, function (o) { return o.value === value; })) {
        sel.appendChild(el("option", { value: value }, [value]));
      }
    };
    var applyHash = function () {
      var h = location.hash.replace(/^#/, "");
      if (h.indexOf("=") < 0) return;
      var params = new URLSearchParams(h), any = false;
      ["q", "project", "author", "category", "severity", "rule"].forEach(function (k) {
        if (!params.has(k)) return;
        ensureOption(form.elements[k], params.get(k));
        form.elements[k].value = params.get(k);
        any = true;
      });
      if (any) applyFilters();
    };
    applyHash();
    window.addEventListener("hashchange", applyHash);
    var timer = null;
    form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(applyFilters, 120); });
    form.addEventListener("change", applyFilters);
    form.addEventListener("submit", function (e) { e.preventDefault(); applyFilters(); });
    form.addEventListener("reset", function () { setTimeout(applyFilters, 0); });

    // a printout shows the trend table too
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
    });

    // figures the page computed itself, for readers and tests to compare with the headline
    var check = document.getElementById("self-check");
    var sum = function (rows) { return rows.reduce(function (a, r) { return a + r.findings; }, 0); };
    check.setAttribute("data-table-findings", String(findings.length));
    check.setAttribute("data-author-findings", String(sum(data.by_author)));
    check.setAttribute("data-project-findings", String(sum(data.by_project)));
    check.setAttribute("data-rule-findings", String(sum(rules)));
    // where the lead items end up (px from the top): the first screen must hold them
    var bottom = function (el) {
      return el ? String(Math.round(el.getBoundingClientRect().bottom + window.scrollY)) : "";
    };
    check.setAttribute("data-headline-bottom", bottom(document.querySelector("[data-figure=how]")));
    check.setAttribute("data-trend-bottom", bottom(document.getElementById("trend-how")));
    check.setAttribute("data-coach-row-bottom", bottom(document.querySelector(".coach tbody tr")));
  } catch (err) {
    if (window.__reportError) window.__reportError(err && err.stack ? err.stack : String(err));
    else throw err;
  }
  document.documentElement.setAttribute("data-render-ms", performance.now().toFixed(1));
  document.documentElement.setAttribute("data-state", "ready");
  // after the first frame with the tables laid out and painted
  if (window.requestAnimationFrame) {
    requestAnimationFrame(function () {
      setTimeout(function () {
        document.documentElement.setAttribute("data-paint-ms", performance.now().toFixed(1));
      }, 0);
    });
  }
})();
"""
