// Chapters and transcript lines seek the player; the line being spoken is highlighted.
(function () {
  "use strict";
  var audio = document.getElementById("player");
  if (!audio) { return; }
  var lines = Array.prototype.slice.call(document.querySelectorAll("#transcript [data-start]"));
  var current = null;

  function seek(seconds) {
    audio.currentTime = seconds;
    highlight();
    var playing = audio.play();
    if (playing && playing.catch) { playing.catch(function () {}); }
  }

  function lineAt(t) {
    for (var i = 0; i < lines.length; i++) {
      var start = parseFloat(lines[i].getAttribute("data-start"));
      var end = parseFloat(lines[i].getAttribute("data-end"));
      if (t >= start && t < end) { return lines[i]; }
    }
    return null;
  }

  function highlight() {
    var line = lineAt(audio.currentTime);
    if (line === current) { return; }
    if (current) { current.classList.remove("speaking"); current.removeAttribute("aria-current"); }
    if (line) {
      line.classList.add("speaking");
      line.setAttribute("aria-current", "true");
      if (line.scrollIntoView) { line.scrollIntoView({block: "nearest"}); }
    }
    current = line;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-seek]"), function (el) {
    el.addEventListener("click", function (event) {
      event.preventDefault();
      seek(parseFloat(el.getAttribute("data-seek")));
    });
  });
  audio.addEventListener("timeupdate", highlight);
  audio.addEventListener("seeked", highlight);
})();
