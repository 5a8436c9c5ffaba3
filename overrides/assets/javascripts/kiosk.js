/* Kiosk (the education base's touch screens: Chromium in kiosk mode, no keyboard, no network):
 * a closed exhibit that resets itself.
 *
 * 1. Nothing leads out of the bundle. Links to other hosts (and mailto:, tel:, …) become plain
 *    text; a guard in the capture phase cancels every navigation that would not land on a page
 *    of the bundle (another protocol, a folder outside it, a file that is not a page, a new
 *    window or tab); window.open does nothing; no context menu (its "open in new tab"), no drag
 *    and drop (a dropped link or picture would be opened). A link to a folder of the bundle
 *    opens the folder's index.html: from file:// a folder shows a bare file listing.
 * 2. After `data-idle-seconds` (180 by default) without a touch, everything the visitor changed is
 *    undone for the next one: what the site keeps in localStorage/sessionStorage under its scope
 *    (the reading settings of head.js, Material's own) is removed, and the home page is loaded
 *    afresh, so head.js paints it with 标准 size and normal contrast, Material's search closed
 *    and empty, no lightbox, at the top. An untouched home page is left alone.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  var home = new URL(script.getAttribute("data-home"), location.href);
  var root = new URL(".", home);  // the bundle's folder: the home page is index.html at its top
  var seconds = parseInt(script.getAttribute("data-idle-seconds"), 10);
  if (!(seconds > 0)) { seconds = 180; }

  /* The page of the bundle a link opens, or null when it would open anything else. */
  function pageOf(link) {
    var href = typeof link === "string" ? link : link.getAttribute("href") || link.getAttribute("xlink:href") || "";
    var url;
    try { url = new URL(href, location.href); } catch (error) { return null; }
    if (url.protocol !== "file:" || url.href.indexOf(root.href) !== 0) { return null; }
    if (/\/$/.test(url.pathname)) { url.pathname += "index.html"; }
    return /\.html$/i.test(url.pathname) ? url : null;
  }
  function linkOf(event) {
    var node = event.target;
    if (node && node.nodeType !== 1) { node = node.parentElement; }
    return node && node.closest ? node.closest("a[href], area[href], a[*|href]") : null;
  }
  function picture(link) {  // a figure's own image: lightbox.js opens it in the lightbox
    return link.matches("figure.ta-figure > a.glightbox");
  }

  /* Links that could only lead out are shown as what they say, not as links. */
  function unlink(link) {
    var text = document.createElement("span");
    ["id", "class", "title", "lang", "dir"].forEach(function (name) {
      if (link.hasAttribute(name)) { text.setAttribute(name, link.getAttribute(name)); }
    });
    text.classList.add("ta-unlinked");
    while (link.firstChild) { text.appendChild(link.firstChild); }
    link.parentNode.replaceChild(text, link);
  }
  function tidy(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("a[href]"), function (link) {
      if (!(link instanceof HTMLAnchorElement)) { return; }  // a link inside an SVG: left to the guard
      var page = pageOf(link);
      if (page) {
        if (page.href !== link.href) { link.setAttribute("href", page.href); }  // a folder: its index.html
        link.removeAttribute("target");
      } else if (!picture(link)) {
        unlink(link);
      }
    });
  }
  tidy(document);

  /* Whatever is still (or later) a link: only pages of the bundle, only in this tab. */
  function guardClick(event) {
    var link = linkOf(event);
    if (!link) { return; }
    var page = pageOf(link);
    var elsewhere = event.type === "auxclick" || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey ||
      (link.target && link.target !== "_self") || link.hasAttribute("download");
    if (page && !elsewhere && page.href === new URL(link.getAttribute("href"), location.href).href) { return; }
    event.preventDefault();  // not stopPropagation: lightbox.js still opens a figure's picture
    if (page && event.type === "click") { location.href = page.href; }  // in this tab, a folder as its page
  }
  function guardKey(event) {
    var link = event.key === "Enter" ? linkOf(event) : null;
    if (link && !pageOf(link) && !picture(link)) { event.preventDefault(); }
  }
  function guardSubmit(event) {
    var form = event.target;
    if (!pageOf(form.getAttribute("action") || location.href) || (form.target && form.target !== "_self")) { event.preventDefault(); }
  }
  function cancel(event) { event.preventDefault(); }
  window.addEventListener("click", guardClick, true);
  window.addEventListener("auxclick", guardClick, true);
  window.addEventListener("keydown", guardKey, true);
  window.addEventListener("submit", guardSubmit, true);
  ["contextmenu", "dragstart", "dragover", "drop"].forEach(function (name) {
    window.addEventListener(name, cancel, true);
  });
  window.open = function () { return null; };
  /* Printing has no place on a kiosk. */
  window.print = function () {};

  /* The idle return. */
  var timer = null;
  var touched = false;
  var scope = window.__md_scope ? window.__md_scope.pathname + "." : null;
  function keptKeys(storage) {
    var keys = [];
    try {
      for (var i = 0; i < storage.length; i++) {
        var key = storage.key(i);
        if (scope && key.indexOf(scope) === 0) { keys.push(key); }
      }
    } catch (error) { /* no storage */ }
    return keys;
  }
  function forget(storage) {
    keptKeys(storage).forEach(function (key) {
      try { storage.removeItem(key); } catch (error) { /* no storage */ }
    });
  }
  function storages() {
    var found = [];
    try { found.push(window.localStorage, window.sessionStorage); } catch (error) { /* no storage */ }
    return found;
  }
  function pristine() {
    var atHome = location.href === home.href;  // no #fragment, no ?query
    return atHome && !touched && window.scrollY === 0 && storages().every(function (storage) {
      return keptKeys(storage).length === 0;
    });
  }
  function reset() {
    if (pristine()) { restart(); return; }
    storages().forEach(forget);
    location.replace(home.href);
  }
  function restart() {
    clearTimeout(timer);
    timer = setTimeout(reset, seconds * 1000);
  }
  function activity() {
    touched = true;
    restart();
  }
  /* A reload of the home page starts at the top, not where the last visitor left it. */
  if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }
  ["pointerdown", "keydown", "wheel", "touchstart", "input"].forEach(function (name) {
    window.addEventListener(name, activity, { capture: true, passive: true });
  });
  window.addEventListener("scroll", restart, { passive: true });
  restart();
})();
