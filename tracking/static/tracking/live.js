/* Live tracked-project pages: the congress-year's socket says only "changed"; the page then asks
   again over HTTP (the ranking for its rows, a project's page for itself) and swaps in the parts
   it names. Reconnects after a drop and refetches then, since notices sent meanwhile are lost. */
(function () {
  "use strict";

  function watch(box) {
    var path = box.getAttribute("data-live-socket");
    var fragment = box.getAttribute("data-live-fragment");
    // The parts to swap: selectors, comma-separated, found in the answer and on the page.
    var targets = box.getAttribute("data-live-target").split(",").map(function (t) { return t.trim(); });
    var wait = 1000;  // before reconnecting; doubles up to MAX_WAIT while the server is away
    var MAX_WAIT = 30000;
    var timer = null;
    var busy = false;
    var again = false;
    var opened = false;

    function refetch() {
      timer = null;
      if (busy) { again = true; return; }
      busy = true;
      // Asked as htmx asks: the ranking answers with its rows alone, a project's page in full.
      fetch(fragment, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) { return; }
          var answer = new DOMParser().parseFromString(html, "text/html");
          targets.forEach(function (selector) {
            var old = document.querySelector(selector);
            var fresh = answer.querySelector(selector);
            if (!old || !fresh) { return; }
            fresh = document.adoptNode(fresh);
            old.replaceWith(fresh);
            if (window.htmx) { window.htmx.process(fresh); }
          });
          box.setAttribute("data-live-swaps", String(Number(box.getAttribute("data-live-swaps") || 0) + 1));
        })
        .catch(function () { /* the next notice or reconnection tries again */ })
        .then(function () {
          busy = false;
          if (again) { again = false; soon(); }
        });
    }

    function soon() {
      // A short random wait merges a burst of notices and spreads viewers' requests apart.
      if (timer === null) { timer = window.setTimeout(refetch, 250 + Math.random() * 750); }
    }

    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket;
      try {
        socket = new WebSocket(scheme + window.location.host + path);
      } catch (error) {
        box.setAttribute("data-live", "lost");
        window.setTimeout(connect, wait);
        wait = Math.min(wait * 2, MAX_WAIT);
        return;
      }
      socket.onopen = function () {
        box.setAttribute("data-live", "open");
        wait = 1000;
        if (opened) { soon(); }  // back after a drop: catch up on what changed meanwhile
        opened = true;
      };
      socket.onmessage = soon;
      socket.onclose = function (event) {
        box.setAttribute("data-live", "lost");
        if (event.code === 4404) { return; }  // no such congress: nothing to wait for
        window.setTimeout(connect, wait);
        wait = Math.min(wait * 2, MAX_WAIT);
      };
    }

    connect();
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-live-socket]"), watch);
})();
