// OpenRCM workbench script: code search as you type. Hand-written, no
// library. The page works without it (the search form submits and the
// server renders the results); with it, results replace themselves as the
// coder types, from the same server-rendered fragment.
(function () {
  "use strict";
  var form = document.querySelector("form[data-typeahead]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var results = document.getElementById("code-results");
  var base = form.getAttribute("data-typeahead");
  var timer = null;
  var seq = 0;

  function run() {
    var q = input.value.trim();
    var mine = ++seq;
    if (q.length < 2) {
      results.textContent = "";
      return;
    }
    fetch(base + "&q=" + encodeURIComponent(q), {
      headers: { "X-RCM-Partial": "1" },
      credentials: "same-origin"
    }).then(function (r) {
      if (r.status === 401) {
        window.location.reload();
        return null;
      }
      return r.ok ? r.text() : null;
    }).then(function (html) {
      // Only the newest answer is shown, whatever order answers arrive in.
      // The fragment was rendered by html/template on the server, which
      // escaped every code and description in it.
      if (html !== null && mine === seq) {
        results.innerHTML = html;
        results.setAttribute("data-query", q);
      }
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    clearTimeout(timer);
    run();
  });
  input.addEventListener("keydown", function (ev) {
    // Down arrow moves into the results, so the keyboard reaches the
    // Add buttons without the mouse.
    if (ev.key === "ArrowDown") {
      var first = results.querySelector("button");
      if (first) {
        ev.preventDefault();
        first.focus();
      }
    }
  });
})();
