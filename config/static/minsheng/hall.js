/* The hall screen: live counts over a WebSocket, polling when that fails, the result on close. */
(function () {
  "use strict";
  var screen = document.querySelector("[data-hall]");
  if (!screen) { return; }
  var code = screen.getAttribute("data-hall");
  var shown = screen.getAttribute("data-status");
  var polling = null;

  function apply(state) {
    ["ballots_cast", "present", "seats"].forEach(function (field) {
      var el = screen.querySelector('[data-field="' + field + '"]');
      if (el && state[field] !== undefined) { el.textContent = String(state[field]); }
    });
    if (state.status && state.status !== shown) {
      window.location.reload();  // opened or closed: the page shows what the new state needs
    }
  }

  function poll() {
    if (polling) { return; }
    polling = window.setInterval(function () {
      fetch("/api/v1/rounds/" + encodeURIComponent(code), { credentials: "omit" })
        .then(function (r) { return r.json(); })
        .then(apply)
        .catch(function () { /* try again on the next tick */ });
    }, 2000);
  }

  if (shown === "closed") { return; }
  try {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + window.location.host + "/ws/rounds/" + encodeURIComponent(code) + "/");
    socket.onmessage = function (event) { apply(JSON.parse(event.data)); };
    socket.onerror = poll;
    socket.onclose = poll;
  } catch (error) {
    poll();
  }
})();
