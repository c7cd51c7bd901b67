// policywatch: side-by-side / inline toggle and next / previous change navigation on diff
// pages, and the Swagger UI bootstrap on /docs. No inline scripts anywhere (strict CSP).
(function () {
  "use strict";

  function setupDiff() {
    var diff = document.getElementById("diff");
    if (!diff) return;
    var changes = Array.prototype.slice.call(diff.querySelectorAll(".change"));
    var position = document.getElementById("change-position");
    var current = -1;

    function show(index) {
      if (!changes.length) return;
      current = Math.max(0, Math.min(changes.length - 1, index));
      changes.forEach(function (el) { el.classList.remove("current"); });
      var el = changes[current];
      var section = el.closest("details");
      if (section && !section.open) section.open = true;  // a collapsed section opens
      el.classList.add("current");
      el.scrollIntoView({ block: "center" });
      el.focus({ preventScroll: true });
      if (history.replaceState) history.replaceState(null, "", "#" + el.id);
      if (position) position.textContent = "change " + (current + 1) + " of " + changes.length;
    }

    function step(delta) { show(current < 0 ? (delta > 0 ? 0 : changes.length - 1) : current + delta); }

    ["prev-change", "next-change"].forEach(function (id) {
      var link = document.getElementById(id);
      if (!link) return;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        step(parseInt(link.getAttribute("data-step"), 10));
      });
    });

    document.addEventListener("keydown", function (event) {
      var tag = (event.target && event.target.tagName) || "";
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT") return;
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      if (event.key === "j" || event.key === "n") { step(1); event.preventDefault(); }
      if (event.key === "k" || event.key === "p") { step(-1); event.preventDefault(); }
    });

    Array.prototype.forEach.call(document.querySelectorAll(".view-toggle a[data-view]"), function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        var view = link.getAttribute("data-view");
        diff.classList.remove("view-side", "view-inline");
        diff.classList.add("view-" + view);
        Array.prototype.forEach.call(document.querySelectorAll(".view-toggle a"), function (a) {
          a.classList.toggle("active", a === link);
        });
        var field = document.querySelector("form.compare input[name=view]");
        if (field) field.value = view;
        if (history.replaceState) {
          var url = new URL(window.location.href);
          url.searchParams.set("view", view);
          history.replaceState(null, "", url.toString());
        }
      });
    });

    function showHash() {
      var el = /^#change-\d+$/.test(window.location.hash) && document.getElementById(window.location.hash.slice(1));
      var index = el ? changes.indexOf(el) : -1;
      if (index >= 0) show(index);
    }
    window.addEventListener("hashchange", showHash);
    showHash();
  }

  function setupDocs() {
    var box = document.getElementById("swagger-ui");
    if (!box || typeof window.SwaggerUIBundle !== "function") return;
    // Swagger UI's own title block is left out: the page has its heading (one h1 per page).
    function none() { return null; }
    function noInfo() { return { components: { InfoContainer: none } }; }
    window.SwaggerUIBundle({ url: box.getAttribute("data-openapi"), dom_id: "#swagger-ui",
                             plugins: [noInfo] });
  }

  document.addEventListener("DOMContentLoaded", function () { setupDiff(); setupDocs(); });
})();
