/* The tablet ballot: mark, review, send exactly once (Idempotency-Key + retries), show the receipt. */
(function () {
  "use strict";
  var cardCode = "";

  function randomKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);  // works on a plain-http hall network too
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function show(form, step) {
    form.querySelectorAll("[data-step]").forEach(function (el) {
      el.hidden = el.getAttribute("data-step") !== step;
    });
    window.scrollTo(0, 0);
  }

  function marks(form) {
    var choices = {};
    form.querySelectorAll(".item-card").forEach(function (card) {
      var chosen = card.querySelector(".choice.chosen");
      if (chosen) { choices[card.getAttribute("data-item")] = chosen.getAttribute("data-choice"); }
    });
    return choices;
  }

  function countYes(form) {
    return form.querySelectorAll('.choice.chosen[data-choice="yes"]').length;
  }

  function initBallot(form) {
    var maxYes = parseInt(form.getAttribute("data-max-yes"), 10);
    var counter = form.querySelector("[data-yes-count]");
    var key = randomKey();  // one key per ballot: every retry of it says the same

    form.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) { return; }
      var choice = button.getAttribute("data-choice");
      if (choice) {
        var card = button.closest(".item-card");
        var refusal = card.querySelector(".refusal");
        refusal.hidden = true;
        if (button.classList.contains("chosen")) {
          button.classList.remove("chosen");
        } else {
          if (choice === "yes" && !isNaN(maxYes) && countYes(form) >= maxYes) {
            refusal.textContent = form.getAttribute("data-msg-too-many");
            refusal.hidden = false;
            return;
          }
          card.querySelectorAll(".choice").forEach(function (b) { b.classList.remove("chosen"); });
          button.classList.add("chosen");
        }
        if (counter) { counter.textContent = String(countYes(form)); }
        return;
      }
      var action = button.getAttribute("data-action");
      if (action === "review") { review(form); }
      if (action === "edit") { show(form, "mark"); }
      if (action === "submit") { send(form, key, button); }
    });
  }

  function review(form) {
    var list = form.querySelector("[data-review-list]");
    list.textContent = "";
    form.querySelectorAll(".item-card").forEach(function (card) {
      var li = document.createElement("li");
      var chosen = card.querySelector(".choice.chosen");
      var title = document.createElement("span");
      title.textContent = card.getAttribute("data-title") + "：";
      var value = document.createElement("strong");
      value.textContent = chosen ? chosen.textContent : form.getAttribute("data-msg-unmarked");
      if (!chosen) { li.className = "unmarked"; }
      li.appendChild(title);
      li.appendChild(value);
      list.appendChild(li);
    });
    show(form, "review");
  }

  function send(form, key, button) {
    var status = form.querySelector("[data-sending]");
    var body = JSON.stringify({ choices: marks(form) });
    var attempt = 0;
    button.disabled = true;

    function finish(receipt) {
      form.querySelector("[data-receipt]").textContent = receipt;
      cardCode = "";
      show(form, "receipt");
    }

    function fail(message) {
      status.textContent = message;
      status.hidden = false;
      button.disabled = false;
    }

    function tryOnce() {
      attempt += 1;
      fetch(form.getAttribute("data-api"), {
        method: "POST",
        headers: {
          "Authorization": "Bearer " + cardCode,
          "Idempotency-Key": key,
          "Content-Type": "application/json",
          "Accept-Language": document.documentElement.lang
        },
        body: body,
        credentials: "omit"
      }).then(function (response) {
        if (response.status >= 500) { throw new Error("server " + response.status); }
        return response.json().then(function (data) {
          if (response.ok) { finish(data.receipt); } else { fail(data.detail || data.error); }
        });
      }).catch(function () {
        // A lost answer: send the same ballot with the same key; the server answers once.
        if (attempt >= 8) { fail(form.getAttribute("data-msg-failed")); return; }
        status.textContent = form.getAttribute("data-msg-retrying");
        status.hidden = false;
        window.setTimeout(tryOnce, Math.min(500 * Math.pow(2, attempt - 1), 8000));
      });
    }
    tryOnce();
  }

  // As the server reads a typed code (ballots.credentials.normalize): full-width to ASCII, spaces and
  // dashes dropped. A header carries only Latin-1, so the raw full-width text could never be sent.
  function codeOf(typed) {
    return typed.normalize("NFKC").toUpperCase().replace(/[^A-Z0-9]/g, "");
  }

  var started = false;
  window.htmx.onLoad(function () {  // after htmx has processed the page, so the form is live
    if (started) { return; }
    started = true;
    var input = document.getElementById("id_code");
    var cardForm = document.getElementById("card-form");
    if (!cardForm) { return; }
    if (window.location.hash.length > 1) {
      input.value = decodeURIComponent(window.location.hash.slice(1));
      history.replaceState(null, "", window.location.pathname);  // do not leave the code on screen
      window.htmx.trigger(cardForm, "submit");
    }
  });

  // On the body, not the form: after a wrong code the form is swapped for a new one (code kept).
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    var target = event.target;
    if (target && target.id === "card-form") {
      cardCode = codeOf(document.getElementById("id_code").value);
    }
  });

  document.body.addEventListener("htmx:afterSwap", function () {
    var typed = document.getElementById("id_code");
    if (typed && typed.getAttribute("aria-invalid") === "true") {
      typed.focus();  // the code is still there: fix the wrong letter, send again
      typed.setSelectionRange(typed.value.length, typed.value.length);
    }
    var form = document.getElementById("ballot");
    if (form && !form.hasAttribute("data-ready")) {
      form.setAttribute("data-ready", "");
      initBallot(form);
    }
  });
})();
