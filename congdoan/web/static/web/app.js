// congdoan — the little behaviour the pages need beyond HTMX. Everything works without it.
(function () {
  "use strict";

  // The folding menu on narrow screens.
  document.addEventListener("click", function (event) {
    var button = event.target.closest(".nav-toggle");
    if (!button) return;
    var nav = document.getElementById(button.getAttribute("aria-controls"));
    var open = nav.classList.toggle("open");
    button.setAttribute("aria-expanded", String(open));
  });

  // Tree nodes: the first click loads the children through HTMX; later clicks only
  // fold and unfold what was loaded.
  function childrenOf(toggle) {
    return document.getElementById(toggle.getAttribute("aria-controls"));
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var toggle = event.detail.elt;
    if (!toggle.classList || !toggle.classList.contains("toggle")) return;
    if (!toggle.dataset.loaded) return;
    event.preventDefault();
    var list = childrenOf(toggle);
    var open = toggle.getAttribute("aria-expanded") === "true";
    list.hidden = open;
    toggle.setAttribute("aria-expanded", String(!open));
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var toggle = event.detail.elt;
    if (!toggle.classList || !toggle.classList.contains("toggle")) return;
    if (!event.detail.successful) return;
    toggle.dataset.loaded = "1";
    childrenOf(toggle).hidden = false;
    toggle.setAttribute("aria-expanded", "true");
  });
})();
