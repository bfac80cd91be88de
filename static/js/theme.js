// Follow the system's light/dark preference, and keep following it when it changes.
(function () {
  var query = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    document.documentElement.setAttribute("data-bs-theme", query.matches ? "dark" : "light");
  }
  apply();
  if (query.addEventListener) { query.addEventListener("change", apply); }
})();
