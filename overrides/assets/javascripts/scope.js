/* The helpers Material's bundle expects before it runs: the site's root as the scope of
 * what it remembers in localStorage, a string hash, and JSON get/set that never throw on
 * a full or disabled storage. The root is two folders above this file, on http and file://. */
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
})();
