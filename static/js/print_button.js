// A button marked data-print-page opens the browser's print dialog (the shopping list's
// "Print with tick boxes"): kept in a file because the Content-Security-Policy forbids
// inline scripts and onclick attributes.
(function () {
  "use strict";
  document.querySelectorAll("[data-print-page]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
