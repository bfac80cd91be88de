// The live "can I make this?" panel of the record-baking and record-packing forms.
// When an input that changes the need is edited, ask the form's check URL (JSON) and show
// what is missing. Without JavaScript the form still works: the server re-checks on submit.
(function () {
  "use strict";
  var form = document.querySelector("form[data-check-url]");
  var panel = document.getElementById("run-check");
  if (!form || !panel) { return; }
  var output = panel.querySelector("[data-check-output]");
  var url = form.getAttribute("data-check-url");
  var produce = panel.getAttribute("data-kind") === "produce";
  var fields = produce ? ["finished_unit", "num_batches", "scale"] : ["finished_good", "quantity"];
  var actual = form.elements.namedItem("actual_yield");
  var timer = null;
  var latest = 0;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }  // names are user text: never HTML
    return node;
  }

  function say(className, symbol, text) {
    var p = el("p", "mb-0 " + className);
    if (symbol) {
      var mark = el("span", "", symbol + " ");
      mark.setAttribute("aria-hidden", "true");
      p.appendChild(mark);
    }
    p.appendChild(document.createTextNode(text));
    output.replaceChildren(p);
  }

  function showMissing(missing) {
    var lead = el("p", "text-danger fw-semibold mb-1");
    var mark = el("span", "", "\u2717 ");
    mark.setAttribute("aria-hidden", "true");
    lead.appendChild(mark);
    lead.appendChild(document.createTextNode("Not enough in stock:"));
    var wrap = el("div", "table-responsive");
    var table = el("table", "table table-sm mb-0");
    var head = el("thead");
    var row = el("tr");
    [[produce ? "Ingredient" : "Component", ""], ["Needed", "num"], ["In stock", "num"]]
      .forEach(function (cell) {
        var th = el("th", cell[1], cell[0]);
        th.setAttribute("scope", "col");
        row.appendChild(th);
      });
    head.appendChild(row);
    var body = el("tbody");
    missing.forEach(function (item) {
      var tr = el("tr");
      tr.appendChild(el("td", "", produce ? item.ingredient_name : item.component_name));
      tr.appendChild(el("td", "num", item.needed + " " + item.unit));
      tr.appendChild(el("td", "num", item.available + " " + item.unit));
      body.appendChild(tr);
    });
    table.appendChild(head);
    table.appendChild(body);
    wrap.appendChild(table);
    output.replaceChildren(lead, wrap);
  }

  function show(data) {
    if (produce && actual && data.expected_yield !== undefined) {
      // An empty "how many came out" means everything did: show what that is.
      actual.setAttribute("placeholder", "Expected: " + data.expected_yield);
      actual.setAttribute("max", data.expected_yield);
    }
    var ok = produce ? data.can_produce : data.can_assemble;
    if (ok) {
      say("text-success", "\u2713", produce ? "Enough of every ingredient is in stock."
                                        : "Everything needed is in stock.");
    } else {
      showMissing(data.missing || []);
    }
  }

  function check() {
    var params = new URLSearchParams();
    fields.forEach(function (name) {
      var input = form.elements.namedItem(name);
      if (input && input.value) { params.set(name, input.value); }
    });
    if (!params.get(fields[0])) {
      say("text-body-secondary", "", produce
        ? "Choose what you baked and how many batches to check the stock."
        : "Choose what you packed and how many to check the stock.");
      return;
    }
    var mine = ++latest;
    say("text-body-secondary", "\u2026", "Checking the stock\u2026");
    fetch(url + "?" + params.toString(), {
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      return response.json().then(function (body) { return { ok: response.ok, body: body }; });
    }).then(function (result) {
      if (mine !== latest) { return; }  // a newer check is on its way
      if (result.ok) { show(result.body); }
      else { say("text-warning-emphasis", "!", result.body.error || "Check the numbers."); }
    }).catch(function () {
      if (mine === latest) {
        say("text-warning-emphasis", "!", "Could not check the stock just now; saving will still check it.");
      }
    });
  }

  function onEdit(event) {
    if (fields.indexOf(event.target.name) === -1) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(check, 300);
  }

  form.addEventListener("input", onEdit);
  form.addEventListener("change", onEdit);
  var first = form.elements.namedItem(fields[0]);
  if (first && first.value) { check(); }
})();
