/* Cheminement: progressive enhancement only; every page reads and works without it.
   The timeline's filters: the form is `hidden` in the HTML, revealed here; each change hides
   the frise's items and the list's entries that do not match, and says how many remain. */
(function () {
  "use strict";

  function matches(item, kinds, competence) {
    var ids = (item.getAttribute("data-competences") || "").split(" ");
    return kinds.indexOf(item.getAttribute("data-kind")) >= 0 && (!competence || ids.indexOf(competence) >= 0);
  }

  function apply(form, root) {
    var kinds = Array.prototype.map.call(form.querySelectorAll("input[name=type]:checked"), function (box) { return box.value; });
    var select = form.querySelector("select[name=competence]");
    var competence = select ? select.value : "";
    var shown = 0;
    root.querySelectorAll(".chm-frise [data-kind], li.chm-event[data-kind]").forEach(function (item) {
      var keep = matches(item, kinds, competence);
      item.hidden = !keep;
      if (keep && item.matches("li.chm-event")) shown += 1;
    });
    root.querySelectorAll("section.chm-year").forEach(function (section) {
      var empty = !section.querySelector("li.chm-event:not([hidden])");
      section.hidden = empty;
      var link = root.querySelector(".chm-years a[href='#" + section.getAttribute("aria-labelledby") + "']");
      if (link) link.parentElement.hidden = empty;
    });
    var one = form.getAttribute("data-zero-is-one") === "true" ? shown <= 1 : shown === 1;
    var text = form.getAttribute(one ? "data-one" : "data-other") || "";
    form.querySelector(".chm-frise-filtres__count").textContent = text.replace("{n}", String(shown));
  }

  function init() {
    document.querySelectorAll("form.chm-frise-filtres").forEach(function (form) {
      if (form.getAttribute("data-ready")) return;
      form.setAttribute("data-ready", "true");
      var root = form.closest(".chm-timeline") || document;
      form.addEventListener("change", function () { apply(form, root); });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      form.hidden = false;
    });
  }

  // Material's instant navigation swaps pages without reloading: document$ tells us when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
