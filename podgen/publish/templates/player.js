// Chapters and transcript lines seek the player; the line being spoken is highlighted.
// With a video on the page, the video and the audio player are one: playing one pauses the
// other and takes up its place, and the transcript follows the one played last
// (window.podgenPlayer() returns it).
(function () {
  "use strict";
  var audio = document.getElementById("player");
  if (!audio) { return; }
  var video = document.getElementById("video");
  var lines = Array.prototype.slice.call(document.querySelectorAll("#transcript [data-start]"));
  var current = null;
  var media = audio;
  window.podgenPlayer = function () { return media; };

  function seek(seconds) {
    media.currentTime = seconds;
    highlight();
    var playing = media.play();
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
    var line = lineAt(media.currentTime);
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
  [audio, video].forEach(function (el) {
    if (!el) { return; }
    el.addEventListener("timeupdate", function () { if (el === media) { highlight(); } });
    el.addEventListener("seeked", function () { if (el === media) { highlight(); } });
    el.addEventListener("play", function () {
      var other = el === audio ? video : audio;
      if (other && el !== media) {
        other.pause();
        if (other.currentTime > 0) { el.currentTime = other.currentTime; }
      }
      media = el;
    });
  });
})();
