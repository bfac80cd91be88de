// Record baking: choosing a baked item chooses the event it counts towards, the nearest
// upcoming event that still needs it (or "No event" when none does), as the server does for
// a link. An event chosen by hand, or brought by the link or a refused submit, is never
// replaced. Without JavaScript the form still works: the event select is just not updated.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-suggest-url");
  var unit = form.elements.namedItem("finished_unit");
  var event = form.elements.namedItem("event");
  if (!unit || !event) { return; }
  var chosen = form.getAttribute("data-event-chosen") === "1";
  var latest = 0;

  function offered(value) {
    return Array.prototype.some.call(event.options, function (option) {
      return option.value === value;
    });
  }

  function suggest() {
    if (chosen || !unit.value) { return; }
    var mine = ++latest;
    var params = new URLSearchParams({ finished_unit: unit.value });
    fetch(url + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.ok ? response.json() : null;
    }).then(function (body) {
      if (!body || mine !== latest || chosen) { return; }  // stale, refused or overruled
      var value = body.event_id === null ? "" : String(body.event_id);
      if (offered(value)) { event.value = value; }
    }).catch(function () {
      // No suggestion this time; the person can still choose the event.
    });
  }

  // Setting `event.value` from here fires no change event, so only a person's choice counts.
  event.addEventListener("change", function () { chosen = true; });
  unit.addEventListener("change", suggest);
})();
