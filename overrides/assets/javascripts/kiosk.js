/* Kiosk: after a while without touch or keys, go back to the home page for the next visitor. */
(function () {
  "use strict";
  var script = document.currentScript;
  var home = script.getAttribute("data-home");
  var seconds = parseInt(script.getAttribute("data-idle-seconds"), 10) || 180;
  var timer = null;
  var atHome = new URL(home, location.href).href === location.href.split("#")[0];
  function restart() {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (atHome) { window.scrollTo(0, 0); restart(); } else { location.href = home; }
    }, seconds * 1000);
  }
  ["pointerdown", "keydown", "wheel", "touchstart", "scroll"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true });
  });
  /* Printing has no place on a kiosk. */
  window.print = function () {};
  restart();
})();
