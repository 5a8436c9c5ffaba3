/* Cite box: put the reader's date in the citation, and copy citation or permalink. */
(function () {
  "use strict";
  var today = new Date();
  var pad = function (n) { return (n < 10 ? "0" : "") + n; };
  var stamp = today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate());
  document.querySelectorAll("[data-ta-today]").forEach(function (slot) { slot.textContent = stamp; });

  function announce(button, message) {
    var status = button.closest(".ta-cite").querySelector(".ta-cite__status");
    if (status) { status.textContent = message; }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.appendChild(area);
    area.select();
    var done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    document.body.removeChild(area);
    return done;
  }

  document.querySelectorAll("[data-ta-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.getAttribute("data-ta-copy")).textContent.trim();
      var ok = function () { announce(button, "已复制到剪贴板。"); };
      var fail = function () { announce(button, fallbackCopy(text) ? "已复制到剪贴板。" : "复制失败，请手动选中文字复制。"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(ok, fail);
      } else {
        fail();
      }
    });
  });
})();
