/* Lightbox for the figures the build made (GLightbox, shipped with the site).
   The slides are given to GLightbox as a list built here, never read from attributes: an article's own
   HTML could otherwise pose as a figure and make GLightbox load a video player from its CDN, frame
   another site, or print a `title` as HTML. Every slide is an image; its title (the caption) and
   description (the credit) are the caption's text, escaped, because GLightbox writes them as HTML.
   The options live in this file, so pages carry no inline script. */
(function () {
  "use strict";
  if (typeof GLightbox !== "function") { return; }
  function asHtml(text) {
    var escaped = String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
    // GLightbox reads a description starting with "." as a selector; an entity keeps it text.
    return escaped.charAt(0) === "." ? "&#46;" + escaped.slice(1) : escaped;
  }
  function captionText(figure) {
    var caption = figure.querySelector("figcaption");
    if (!caption) { return ""; }
    var copy = caption.cloneNode(true);
    copy.querySelectorAll(".ta-credit").forEach(function (credit) { credit.remove(); });
    return copy.textContent.trim();
  }
  var links = Array.prototype.slice.call(document.querySelectorAll("figure.ta-figure > a.glightbox"))
    .filter(function (link) { return new URL(link.href, location.href).origin === location.origin; });
  var slides = links.map(function (link) {
    var figure = link.parentNode;
    var image = link.querySelector("img");
    var credit = figure.querySelector("figcaption .ta-credit");
    var alt = image ? image.getAttribute("alt") || "" : "";
    return {
      href: link.href,
      type: "image",
      alt: alt,
      title: asHtml(captionText(figure) || alt),
      description: credit ? asHtml(credit.textContent.trim()) : ""
    };
  });
  if (!slides.length) { return; }
  var lightbox = GLightbox({
    elements: slides,
    touchNavigation: true,
    loop: false,
    zoomable: true,
    draggable: true,
    openEffect: "zoom",
    closeEffect: "zoom",
    slideEffect: "slide"
  });
  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      lightbox.openAt(index);
    });
  });
}());
