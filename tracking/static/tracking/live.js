/* Live tracked-project pages: the congress-year's socket says only "changed"; the page then asks
   for its fragment again over HTTP and swaps it in. Reconnects after a drop and refetches then,
   since notices sent while it was away are lost. */
(function () {
  "use strict";

  function watch(box) {
    var path = box.getAttribute("data-live-socket");
    var fragment = box.getAttribute("data-live-fragment");
    var target = box.getAttribute("data-live-target");
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
      // Asked as htmx asks, so the view answers with the fragment alone.
      fetch(fragment, { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          var old = document.querySelector(target);
          if (html === null || !old) { return; }
          var holder = document.createElement("div");
          holder.innerHTML = html.trim();
          var fresh = holder.firstElementChild;
          if (fresh) {
            old.replaceWith(fresh);
            if (window.htmx) { window.htmx.process(fresh); }
          }
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
