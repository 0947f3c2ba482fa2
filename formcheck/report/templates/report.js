(function () {
  "use strict";
  var video = document.getElementById("video");
  var plot = document.getElementById("timeline");
  var axis = JSON.parse(document.getElementById("timeline-axis").textContent || "null");
  var head = document.getElementById("playhead");
  function seek(t) {
    if (!video || !isFinite(t)) { return; }
    video.currentTime = Math.max(0, t);
    video.scrollIntoView({ behavior: "smooth", block: "center" });
    var p = video.play();
    if (p && p.catch) { p.catch(function () {}); }
  }
  document.querySelectorAll("[data-t]").forEach(function (el) {
    el.addEventListener("click", function () { seek(parseFloat(el.getAttribute("data-t"))); });
  });
  if (plot && axis) {
    plot.addEventListener("click", function (ev) {
      var r = plot.getBoundingClientRect();
      var f = ((ev.clientX - r.left) / r.width - axis.left) / (axis.right - axis.left);
      if (f >= 0 && f <= 1) { seek(axis.t0 + f * (axis.t1 - axis.t0)); }
    });
    if (video && head) {
      video.addEventListener("timeupdate", function () {
        var f = (video.currentTime - axis.t0) / (axis.t1 - axis.t0);
        if (f < 0 || f > 1) { head.style.display = "none"; return; }
        head.style.left = (100 * (axis.left + f * (axis.right - axis.left))) + "%";
        head.style.display = "block";
      });
    }
  }
})();
