/* What must run before the page paints, from a file rather than inline scripts (so the
 * Content Security Policy allows the site's own scripts only):
 *
 * 1. The helpers Material's bundle expects: the site's root as the scope of what it keeps
 *    in localStorage, a string hash, and JSON get/set that never throw on a full or
 *    disabled storage. The root is two folders above this file, on http and file://.
 * 2. The reader's settings (the 适老化 reading bar at the top of every page): text size, high
 *    contrast, the large cursor (大鼠标) and slow speech for 朗读 (reading.js speaks). Size,
 *    contrast and cursor are applied to <html> before the first paint so the page never jumps;
 *    all are kept in localStorage (one key, "ta-reading", under Material's scope) so they follow
 *    the reader from page to page, online and offline. 重置 removes the key: every setting is its
 *    default again, on this page and the next (and the kiosk's idle reset finds nothing to clear).
 *    Each change is announced to other scripts as a "ta:reading" event on the document.
 * 3. Small fixes to Material's markup: the search dialog's name, scrolling tables and the header's
 *    menu and search buttons reachable by keyboard, search on pasted or spoken text.
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
  var SWITCHES = ["contrast", "cursor", "slow"];  // on/off settings, pressed with [data-ta-toggle-<name>]
  var KEY = "ta-reading";
  var root = document.documentElement;
  root.classList.add("ta-js");  // the reading bar works: show it from the first paint (archive.css)
  function defaults() { return { size: 0, contrast: false, cursor: false, slow: false }; }
  var reading = defaults();
  var saved = null;
  try { saved = window.__md_get(KEY); } catch (error) { /* no storage, or not JSON */ }
  if (saved && typeof saved === "object") {
    reading.size = Math.max(0, Math.min(SIZES - 1, parseInt(saved.size, 10) || 0));
    SWITCHES.forEach(function (name) { reading[name] = saved[name] === true; });
  }

  function press(selector, pressed) {
    var buttons = document.querySelectorAll(selector);
    for (var i = 0; i < buttons.length; i++) { buttons[i].setAttribute("aria-pressed", String(pressed(buttons[i]))); }
  }
  function apply() {
    root.setAttribute("data-ta-size", String(reading.size));
    root.setAttribute("data-ta-contrast", reading.contrast ? "high" : "normal");
    root.setAttribute("data-ta-cursor", reading.cursor ? "large" : "normal");
    press("[data-ta-set-size]", function (button) { return button.getAttribute("data-ta-set-size") === String(reading.size); });
    SWITCHES.forEach(function (name) { press("[data-ta-toggle-" + name + "]", function () { return reading[name]; }); });
  }
  function announce(message) {
    var notes = document.querySelectorAll(".ta-reading__note");
    for (var i = 0; i < notes.length; i++) { notes[i].textContent = message; }
  }
  function forget() {
    try { localStorage.removeItem(window.__md_scope.pathname + "." + KEY); } catch (error) { /* storage off */ }
  }

  // Material's search dialog has no accessible name; screen readers would announce just "dialog".
  function nameSearchDialog() {
    var dialog = document.querySelector(".md-search[role=dialog]");
    if (dialog && !dialog.hasAttribute("aria-label")) { dialog.setAttribute("aria-label", "站内搜索"); }
    // It draws each result's tags as a <nav>: a page of results would be a row of unnamed landmarks.
    // They are the result's keywords, not a way around the site.
    var results = document.querySelector(".md-search-result__list");
    if (results && window.MutationObserver) {
      new MutationObserver(function () {
        var tags = results.querySelectorAll("nav.md-tags:not([role])");
        for (var i = 0; i < tags.length; i++) { tags[i].setAttribute("role", "none"); }
      }).observe(results, { childList: true, subtree: true });
    }
  }

  // A table wider than the screen scrolls sideways in Material's wrapper, which only a mouse or a
  // finger can scroll: while it overflows it takes focus (then the arrow keys scroll it) and is named
  // as a region. Checked again whenever the page or the text size changes its width.
  function focusableTables() {
    var wrappers = document.querySelectorAll(".md-typeset__scrollwrap");
    for (var i = 0; i < wrappers.length; i++) {
      var wrapper = wrappers[i];
      if (wrapper.scrollWidth > wrapper.clientWidth + 1) {
        wrapper.setAttribute("tabindex", "0");
        wrapper.setAttribute("role", "region");
        wrapper.setAttribute("aria-label", "表格（可左右滚动）");
      } else if (wrapper.getAttribute("role") === "region") {
        wrapper.removeAttribute("tabindex");
        wrapper.removeAttribute("role");
        wrapper.removeAttribute("aria-label");
      }
    }
  }

  // The header's menu (☰) and search buttons are <label>s for Material's hidden checkboxes: a mouse or
  // finger can press them, a keyboard cannot reach them. They join the Tab order, named (axe allows
  // no button role on a label).
  var HEADER_BUTTONS = { __drawer: "打开导航菜单", __search: "打开搜索" };
  function keyboardHeaderButtons() {
    Object.keys(HEADER_BUTTONS).forEach(function (id) {
      var label = document.querySelector("label.md-header__button[for='" + id + "']");
      if (!label || label.hasAttribute("tabindex")) { return; }
      label.setAttribute("tabindex", "0");
      label.setAttribute("aria-label", HEADER_BUTTONS[id]);
      // Opened from the keyboard, the drawer takes the focus: its links come after the whole page in the
      // Tab order, so the next Tab would otherwise land behind it.
      var toggle = document.getElementById(id);
      if (id === "__drawer" && toggle) {
        toggle.addEventListener("change", function () {
          var first = document.querySelector(".md-sidebar--primary a[href]");
          if (toggle.checked && document.activeElement === label && first) { first.focus(); }
        });
      }
      // Material's own script presses a focused label on Enter; Space, a button's other key, is ours.
      label.addEventListener("keydown", function (event) {
        if (event.key !== " ") { return; }
        event.preventDefault();
        label.click();
      });
    });
  }
  // Material searches on keyup; text pasted from a phone's menu or spoken into the box sends none.
  function searchOnAnyInput() {
    var input = document.querySelector(".md-search__input");
    if (!input) { return; }
    input.addEventListener("input", function (event) {
      if (!event.isComposing) { input.dispatchEvent(new KeyboardEvent("keyup", { bubbles: true })); }
    });
  }

  apply();
  document.addEventListener("DOMContentLoaded", function () {
    apply();
    nameSearchDialog();
    keyboardHeaderButtons();
    searchOnAnyInput();
    setTimeout(focusableTables);
  });
  window.addEventListener("load", focusableTables);
  window.addEventListener("resize", focusableTables);
  document.addEventListener("ta:reading", function () { setTimeout(focusableTables); });
  document.addEventListener("click", function (event) {
    var target = event.target instanceof Element ? event.target.closest(
      "[data-ta-set-size], [data-ta-reset], " + SWITCHES.map(function (name) { return "[data-ta-toggle-" + name + "]"; }).join(", ")
    ) : null;
    if (!target) { return; }
    var reset = target.hasAttribute("data-ta-reset");
    if (reset) {
      reading = defaults();
      forget();
    } else {
      if (target.hasAttribute("data-ta-set-size")) {
        reading.size = parseInt(target.getAttribute("data-ta-set-size"), 10) || 0;
      } else {
        SWITCHES.forEach(function (name) { if (target.hasAttribute("data-ta-toggle-" + name)) { reading[name] = !reading[name]; } });
      }
      window.__md_set(KEY, reading);
    }
    apply();
    announce(reset ? "已恢复默认设置：标准字号、正常对比度、普通鼠标、正常语速。" : "");
    document.dispatchEvent(new CustomEvent("ta:reading", { detail: { reset: reset, reading: JSON.parse(JSON.stringify(reading)) } }));
  });
})();
