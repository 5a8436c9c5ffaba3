/* Web workers for pages opened from file:// (the offline bundle).
 *
 * Chromium refuses `new Worker()` for file:// pages, which would leave the search
 * box dead on the kiosk and on USB sticks. This stand-in runs the worker script
 * in a hidden iframe of the same page instead, and speaks the same API:
 * postMessage / onmessage / addEventListener / terminate, plus an
 * `importScripts` that returns a promise (Material's search worker awaits it
 * when it sees `IFrameWorker` on its parent). Only installed on file://.
 */
(function () {
  "use strict";
  if (location.protocol !== "file:") { return; }

  function loadScript(doc, url) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = url;
      script.onload = function () { resolve(); };
      script.onerror = function () { reject(new Error("无法加载脚本：" + url)); };
      doc.body.appendChild(script);
    });
  }

  function IFrameWorker(url) {
    var worker = this;
    var source = new URL(url, location.href).href;
    var listeners = { message: [], error: [] };
    var queue = [];
    var ready = false;
    var frame = document.createElement("iframe");
    frame.hidden = true;
    frame.setAttribute("aria-hidden", "true");
    frame.setAttribute("tabindex", "-1");
    frame.title = "search";
    document.body.appendChild(frame);
    var scope = frame.contentWindow;
    var doc = scope.document;
    doc.open();
    doc.write("<!doctype html><html><head></head><body></body></html>");
    doc.close();

    function emit(type, event) {
      var handler = worker["on" + type];
      if (typeof handler === "function") { handler.call(worker, event); }
      listeners[type].forEach(function (listener) { listener.call(worker, event); });
    }

    // Inside the frame: the worker's global scope.
    scope.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (done, next) {
        return done.then(function () { return loadScript(doc, new URL(next, source).href); });
      }, Promise.resolve());
    };
    scope.postMessage = function (data) {
      setTimeout(function () { emit("message", { data: data, target: worker }); }, 0);
    };
    scope.close = function () { worker.terminate(); };

    function deliver(data) {
      scope.dispatchEvent(new scope.MessageEvent("message", { data: data }));
    }

    this.onmessage = null;
    this.onerror = null;
    this.postMessage = function (data) {
      if (ready) { deliver(data); } else { queue.push(data); }
    };
    this.addEventListener = function (type, listener) {
      if (listeners[type]) { listeners[type].push(listener); }
    };
    this.removeEventListener = function (type, listener) {
      if (listeners[type]) { listeners[type] = listeners[type].filter(function (l) { return l !== listener; }); }
    };
    this.terminate = function () {
      if (frame.parentNode) { frame.parentNode.removeChild(frame); }
    };

    // The worker script must be the first script[src] in the frame: Material derives paths from it.
    loadScript(doc, source).then(function () {
      ready = true;
      queue.splice(0).forEach(deliver);
    }, function (error) {
      emit("error", { message: error.message, target: worker });
    });
  }

  window.IFrameWorker = IFrameWorker;
  window.Worker = IFrameWorker;
})();
