/* Runs first, in the head element: records any script error into the page so that headless tests
   (and readers) can see it. Inlined; the page's CSP allows it by the sha256 of this file. */
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
