/* The HTML report's tables, drawn from the embedded JSON (storylint.reporters.html_report).
   Never uses innerHTML: every string from the dataset reaches the page as a text node or,
   for links, as an href that passed an http/https check. Inlined; the page's CSP allows it
   by the sha256 of this file. */
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
