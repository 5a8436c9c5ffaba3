/* What must run before the page paints, from a file rather than inline scripts (so the
 * Content Security Policy allows the site's own scripts only):
 *
 * 1. The helpers Material's bundle expects: the site's root as the scope of what it keeps
 *    in localStorage, a string hash, and JSON get/set that never throw on a full or
 *    disabled storage. The root is two folders above this file, on http and file://.
 * 2. The reader's text size and contrast (the 适老化 controls at the top of every page),
 *    applied to <html> before the first paint so the page never jumps, and kept in
 *    localStorage so they follow the reader from page to page, online and offline.
 */
(function () {
  "use strict";
  var scope = new URL("../..", document.currentScript.src);
  window.__md_scope = scope;
  window.__md_hash = function (value) {
    var hash = 0;
    for (var ch of value) { hash = (hash << 5) - hash + ch.charCodeAt(0); }
    return hash;
  };
  window.__md_get = function (key, storage, at) {
    storage = storage || localStorage;
    at = at || window.__md_scope;
    return JSON.parse(storage.getItem(at.pathname + "." + key));
  };
  window.__md_set = function (key, value, storage, at) {
    storage = storage || localStorage;
    at = at || window.__md_scope;
    try { storage.setItem(at.pathname + "." + key, JSON.stringify(value)); } catch (error) { /* storage full or off */ }
  };

  var SIZES = 4;
  var root = document.documentElement;
  var saved = null;
  try { saved = window.__md_get("ta-reading"); } catch (error) { /* no storage */ }
  var reading = { size: 0, contrast: false };
  if (saved && typeof saved === "object") {
    reading.size = Math.max(0, Math.min(SIZES - 1, parseInt(saved.size, 10) || 0));
    reading.contrast = saved.contrast === true;
  }

  function apply() {
    root.setAttribute("data-ta-size", String(reading.size));
    root.setAttribute("data-ta-contrast", reading.contrast ? "high" : "normal");
    var buttons = document.querySelectorAll("[data-ta-set-size]");
    for (var i = 0; i < buttons.length; i++) {
      buttons[i].setAttribute("aria-pressed", String(buttons[i].getAttribute("data-ta-set-size") === String(reading.size)));
    }
    var toggles = document.querySelectorAll("[data-ta-toggle-contrast]");
    for (var j = 0; j < toggles.length; j++) { toggles[j].setAttribute("aria-pressed", String(reading.contrast)); }
  }

  // Material's search dialog has no accessible name; screen readers would announce just "dialog".
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) { dialog.setAttribute("aria-label", "站内搜索"); }
  }

  apply();
  document.addEventListener("DOMContentLoaded", function () { apply(); nameSearchDialog(); });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest("[data-ta-set-size], [data-ta-toggle-contrast]") : null;
    if (!target) { return; }
    if (target.hasAttribute("data-ta-set-size")) {
      reading.size = parseInt(target.getAttribute("data-ta-set-size"), 10) || 0;
    } else {
      reading.contrast = !reading.contrast;
    }
    window.__md_set("ta-reading", reading);
    apply();
  });
})();
