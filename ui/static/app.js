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

// Keyboard shortcuts of the coding workbench, listed on the page: a key
// pressed outside a text field focuses the element that carries it in
// data-key ("/" the search, "d" a new diagnosis, "p" a new line, "r" ready
// for billing); Escape leaves a text field; the arrow keys move between
// the Add buttons of the search results.
(function () {
  "use strict";
  var keyed = document.querySelectorAll("[data-key]");
  if (!keyed.length) return;
  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    var active = document.activeElement;
    if (ev.key === "Escape" && typing(active)) {
      active.blur();
      return;
    }
    var results = document.getElementById("code-results");
    if ((ev.key === "ArrowDown" || ev.key === "ArrowUp") && results && results.contains(active)) {
      var buttons = Array.prototype.slice.call(results.querySelectorAll("button"));
      var i = buttons.indexOf(active) + (ev.key === "ArrowDown" ? 1 : -1);
      if (i >= 0 && i < buttons.length) {
        ev.preventDefault();
        buttons[i].focus();
      } else if (i < 0) {
        ev.preventDefault();
        var q = document.getElementById("code-q");
        if (q) q.focus();
      }
      return;
    }
    if (typing(active)) return;
    for (var k = 0; k < keyed.length; k++) {
      if (keyed[k].getAttribute("data-key") === ev.key && !keyed[k].disabled) {
        ev.preventDefault();
        keyed[k].focus();
        return;
      }
    }
  });
})();
