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
  // GLightbox's own markup, with a name for the dialog, Chinese names for its buttons, and the caption
  // as a paragraph (its empty <h4> in slides not yet shown is an empty heading to screen readers).
  var LIGHTBOX_HTML = '<div id="glightbox-body" class="glightbox-container" tabindex="-1" role="dialog" aria-modal="true" aria-label="图片浏览" aria-hidden="false">' +
    '<div class="gloader visible"></div><div class="goverlay"></div><div class="gcontainer">' +
    '<div id="glightbox-slider" class="gslider"></div>' +
    '<button class="gclose gbtn" aria-label="关闭" data-taborder="3">{closeSVG}</button>' +
    '<button class="gprev gbtn" aria-label="上一张" data-taborder="2">{prevSVG}</button>' +
    '<button class="gnext gbtn" aria-label="下一张" data-taborder="1">{nextSVG}</button>' +
    '</div></div>';
  var SLIDE_HTML = '<div class="gslide"><div class="gslide-inner-content"><div class="ginner-container">' +
    '<div class="gslide-media"></div><div class="gslide-description"><div class="gdesc-inner">' +
    '<p class="gslide-title"></p><div class="gslide-desc"></div></div></div></div></div></div>';
  var lightbox = GLightbox({
    elements: slides,
    lightboxHTML: LIGHTBOX_HTML,
    slideHTML: SLIDE_HTML,
    touchNavigation: true,
    loop: false,
    zoomable: true,
    draggable: true,
    openEffect: "zoom",
    closeEffect: "zoom",
    slideEffect: "slide"
  });
  // Closed, the reader is back at the picture they opened, not at the top of the page: the keyboard's
  // focus returns to its link (GLightbox leaves it on <body>).
  var opener = null;
  lightbox.on("close", function () {
    if (opener) { opener.focus({ preventScroll: true }); opener = null; }
  });
  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      opener = link;
      lightbox.openAt(index);
    });
  });
}());
