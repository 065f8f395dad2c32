// The sale countdown: "2d 03:14:05", ticking each second; the server wrote the end time.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";
  var persian = "۰۱۲۳۴۵۶۷۸۹";
  function digits(text) {
    return lang === "fa" ? text.replace(/[0-9]/g, function (d) { return persian[+d]; }) : text;
  }
  function two(n) { return n < 10 ? "0" + n : "" + n; }
  function tick(element, target) {
    var ends = Date.parse(element.getAttribute("data-ends"));
    var left = Math.floor((ends - Date.now()) / 1000);
    if (isNaN(ends)) { return false; }
    if (left <= 0) {
      target.textContent = element.getAttribute("data-expired");
      element.classList.add("ended");
      return false;
    }
    var days = Math.floor(left / 86400);
    var rest = left % 86400;
    var clock = two(Math.floor(rest / 3600)) + ":" + two(Math.floor(rest % 3600 / 60)) + ":" + two(rest % 60);
    // The clock reads left to right in every language (an isolate keeps it whole in RTL text).
    var prefix = days ? digits(String(days)) + " " + element.getAttribute("data-days") + " " : "";
    target.textContent = prefix + "\u2066" + digits(clock) + "\u2069";
    return true;
  }
  function start() {
    var elements = document.querySelectorAll("[data-countdown]");
    Array.prototype.forEach.call(elements, function (element) {
      var target = element.querySelector("[data-countdown-text]");
      if (!target) { return; }
      element.classList.add("live");
      var label = element.querySelector("[data-live-label]");
      if (label) { label.textContent = label.getAttribute("data-live-label"); }
      if (!tick(element, target)) { return; }
      var timer = setInterval(function () {
        if (!tick(element, target)) { clearInterval(timer); }
      }, 1000);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
