// The bulk-assign form's list helpers: a name filter, "only those without a package", and
// select all (of the recipients shown) / none. Kept in a file because the
// Content-Security-Policy forbids inline scripts; rows are hidden with a class, never a
// style attribute. Without this script the controls stay hidden and every box is shown.
(function () {
  "use strict";
  document.querySelectorAll("[data-bulk-assign]").forEach(function (form) {
    var controls = form.querySelector("[data-bulk-controls]");
    var list = form.querySelector("[data-bulk-list]");
    if (!controls || !list) { return; }
    var rows = Array.prototype.slice.call(list.querySelectorAll(".form-check"));
    var filter = controls.querySelector("[data-bulk-filter]");
    var without = controls.querySelector("[data-bulk-without]");
    var count = controls.querySelector("[data-bulk-count]");

    function boxOf(row) { return row.querySelector("input[type=checkbox]"); }

    function shownRows() {
      return rows.filter(function (row) { return !row.classList.contains("d-none"); });
    }

    function updateCount() {
      var ticked = rows.filter(function (row) { return boxOf(row).checked; }).length;
      var shown = shownRows().length;
      count.textContent = ticked + " ticked · " + shown + " of " + rows.length + " shown";
    }

    function applyFilter() {
      var words = filter.value.trim().toLowerCase();
      var onlyWithout = without ? without.checked : false;
      rows.forEach(function (row) {
        var name = row.getAttribute("data-name") || "";
        var hidden = (words && name.indexOf(words) === -1) ||
          (onlyWithout && row.hasAttribute("data-has"));
        row.classList.toggle("d-none", Boolean(hidden));
      });
      updateCount();
    }

    controls.querySelectorAll("[data-bulk-select]").forEach(function (button) {
      button.addEventListener("click", function () {
        var all = button.getAttribute("data-bulk-select") === "all";
        // "All" ticks only what the filter shows; "none" clears every box, hidden or not,
        // so nothing ticked stays out of sight.
        (all ? shownRows() : rows).forEach(function (row) { boxOf(row).checked = all; });
        updateCount();
      });
    });
    filter.addEventListener("input", applyFilter);
    if (without) { without.addEventListener("change", applyFilter); }
    list.addEventListener("change", updateCount);
    controls.hidden = false;
    applyFilter();
  });
})();
