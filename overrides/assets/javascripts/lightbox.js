/* Lightbox for the figures the build made (GLightbox, shipped with the site).
   GLightbox writes a slide's title and description as HTML; ours are captions and credits, i.e. text,
   so they are escaped here first. The options live in this file, so pages carry no inline script. */
(function () {
  "use strict";
  if (typeof GLightbox !== "function") { return; }
  function asHtml(text) {
    var escaped = String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    // GLightbox reads a description starting with "." as a selector; an entity keeps it text.
    return escaped.charAt(0) === "." ? "&#46;" + escaped.slice(1) : escaped;
  }
  var links = document.querySelectorAll("figure.ta-figure > a.glightbox");
  links.forEach(function (link) {
    ["title", "description"].forEach(function (name) {
      var value = link.getAttribute("data-" + name);
      if (value) { link.setAttribute("data-" + name, asHtml(value)); }
    });
  });
  GLightbox({
    selector: "figure.ta-figure > a.glightbox",
    touchNavigation: true,
    loop: false,
    zoomable: true,
    draggable: true,
    openEffect: "zoom",
    closeEffect: "zoom",
    slideEffect: "slide"
  });
}());
