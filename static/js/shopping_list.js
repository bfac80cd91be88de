// The shared shopping checklist: a tap on a line's tick button saves the tick in the
// background and keeps the page where it is; every 20 seconds, while the page is visible,
// the page asks for the household's ticks so what others tick in the shop shows up.
// Without this script the buttons still work: each tap posts the form and reloads the page.
(function () {
  "use strict";
  var form = document.getElementById("shop-list");
  if (!form) { return; }
  var token = form.querySelector("input[name=csrfmiddlewaretoken]");

  function lineOf(key) { return document.getElementById("line-" + key); }

  function show(key, ticked, text) {
    var line = lineOf(key);
    if (!line) { return; }
    line.classList.toggle("is-ticked", ticked);
    var button = line.querySelector("button.shop-tick");
    if (button) {
      button.setAttribute("aria-pressed", ticked ? "true" : "false");
      button.name = ticked ? "untick" : "tick";
    }
    var who = line.querySelector("[data-tick-text]");
    if (who && who.dataset.text !== text) {
      // The record link is only in the server's copy: a fresh tick offers the list's button.
      who.textContent = text;
      who.dataset.text = text;
    }
  }

  form.addEventListener("submit", function (event) {
    var button = event.submitter;
    if (!button || !button.classList.contains("shop-tick") || !window.fetch) { return; }
    event.preventDefault();
    if (button.getAttribute("aria-busy") === "true") { return; }
    var body = new FormData();
    body.append("csrfmiddlewaretoken", token ? token.value : "");
    body.append(button.name, button.value);
    button.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: body,
      headers: { Accept: "application/json" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) { throw new Error(data.error || "The tick was not saved."); }
        show(data.line, data.ticked, data.text);
      });
    }).catch(function (error) {
      var who = lineOf(button.value) && lineOf(button.value).querySelector("[data-tick-text]");
      if (who) { who.textContent = error.message + " Try again."; }
    }).finally(function () {
      button.removeAttribute("aria-busy");
    });
  });

  function refresh() {
    if (document.hidden || !window.fetch) { return; }
    fetch(form.dataset.ticksUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        document.querySelectorAll(".shop-line[data-line]").forEach(function (line) {
          var key = line.dataset.line;
          var tick = data.ticks[key];
          var known = line.classList.contains("is-ticked");
          if (!!tick !== known) { show(key, !!tick, tick ? tick.text : ""); }
        });
      })
      .catch(function () { /* offline in the shop: the next refresh tries again */ });
  }
  window.setInterval(refresh, 20000);
  document.addEventListener("visibilitychange", refresh);
})();
