// Jisr screens, every page. A region that scrolls sideways (a wide table in .table-responsive on a
// phone) must be reachable with the keyboard to be scrolled (WCAG 2.1.1; axe scrollable-region-
// focusable): such regions get tabindex=0 while, and only while, they actually scroll.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll(".table-responsive").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1) {
        el.setAttribute("tabindex", "0");
      } else if (el.getAttribute("tabindex") === "0") {
        el.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", mark); } else { mark(); }
  window.addEventListener("resize", mark);
  document.addEventListener("htmx:afterSettle", mark);
})();
