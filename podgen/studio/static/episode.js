// The episode page: the script editor (edit, add, delete, move, hear a line), render and check
// with live progress, check findings on their lines, and Join: pause, ask, hear the hosts answer.
(function () {
  "use strict";
  var s = window.studio, main = document.getElementById("episode"), slug = main.dataset.slug;
  var base = "/api/episodes/" + slug, editor = document.getElementById("editor");
  var hosts = main.dataset.hosts.split("|"), jobBox = document.getElementById("job");
  var flash = document.getElementById("flash"), clipPlayer = new Audio();

  if (sessionStorage.getItem("flash-" + slug)) {
    flash.hidden = false;
    flash.textContent = sessionStorage.getItem("flash-" + slug);
    sessionStorage.removeItem("flash-" + slug);
  }

  function rows() {
    return Array.prototype.map.call(editor.children, function (li) {
      var was = li.dataset.was;
      return {speaker: li.querySelector(".speaker").value, text: li.querySelector(".text").value,
              was: was === undefined || was === "" ? null : parseInt(was, 10)};
    });
  }

  function newRow(after) {
    var li = s.el("li"), select = s.el("select", "speaker");
    hosts.forEach(function (h) { select.appendChild(s.el("option", "", h)); });
    var before = after.querySelector(".speaker").value;
    select.value = hosts[(hosts.indexOf(before) + 1) % hosts.length];
    li.appendChild(s.el("span", "num", "new"));
    li.appendChild(select);
    var text = s.el("textarea", "text");
    text.rows = 2;
    li.appendChild(text);
    li.appendChild(after.querySelector(".tools").cloneNode(true));
    after.parentNode.insertBefore(li, after.nextSibling);
    text.focus();
  }

  function showError(err) { var e = s.el("p", "error"); s.problem(e, err); jobBox.textContent = ""; jobBox.appendChild(e); }

  function play(names, then) {
    var i = 0;
    function next() {
      if (i >= names.length) { clipPlayer.onended = null; if (then) { then(); } return; }
      clipPlayer.src = "/clips/" + names[i++];
      clipPlayer.onended = next;
      clipPlayer.play().catch(function () {});
    }
    next();
  }

  editor.addEventListener("click", function (event) {
    var button = event.target.closest("button"), li = event.target.closest("li");
    if (!button || !li) { return; }
    if (button.classList.contains("up") && li.previousElementSibling) { editor.insertBefore(li, li.previousElementSibling); }
    if (button.classList.contains("down") && li.nextElementSibling) { editor.insertBefore(li.nextElementSibling, li); }
    if (button.classList.contains("add")) { newRow(li); }
    if (button.classList.contains("del") && editor.children.length > 1) { li.remove(); }
    if (button.classList.contains("fix")) { run("fix"); }
    if (button.classList.contains("say")) {
      button.disabled = true;
      s.api("POST", base + "/speak", {speaker: li.querySelector(".speaker").value, text: li.querySelector(".text").value})
        .then(function (answer) { play(answer.clips); }).catch(showError)
        .then(function () { button.disabled = false; });
    }
  });

  function save() { return s.api("PUT", base + "/script", {lines: rows()}); }

  function run(kind) {
    var node = s.el("div");
    jobBox.textContent = "";
    jobBox.appendChild(node);
    return s.api("POST", base + "/" + kind).then(function (job) { follow(job, node); }).catch(showError);
  }

  function follow(job, node) {
    s.watch(job, node, function (done) {
      if (done.state !== "done") { return; }
      sessionStorage.setItem("flash-" + slug, done.kind + " " + s.summary(done) + ".");
      location.reload();
    });
  }

  document.getElementById("save").addEventListener("click", function () {
    save().then(function (r) { flash.hidden = false; flash.textContent = "Saved " + r.saved + " lines."; }).catch(showError);
  });
  document.getElementById("render").addEventListener("click", function () { save().then(function () { run("render"); }).catch(showError); });
  document.getElementById("check").addEventListener("click", function () { run("check"); });

  // --- Join
  var audio = document.getElementById("player");
  if (!audio) { return; }
  var panel = document.getElementById("join-panel"), status = document.getElementById("join-status");
  var answerBox = document.getElementById("answer"), answerPlayer = document.getElementById("answer-player");
  var keepButton = document.getElementById("keep"), recordButton = document.getElementById("record");
  var pausedAt = 0, exchange = null, recorder = null;

  document.getElementById("join-open").addEventListener("click", function () {
    audio = (window.podgenPlayer && window.podgenPlayer()) || audio;  // the video, when that is what plays
    audio.pause();
    pausedAt = audio.currentTime;
    panel.hidden = false;
    document.getElementById("join-at").textContent = "Paused at " + Math.floor(pausedAt / 60) + ":" +
      ("0" + Math.floor(pausedAt % 60)).slice(-2) + ". The hosts answer from the sources, then the episode goes on.";
    document.getElementById("question").focus();
  });
  document.getElementById("resume").addEventListener("click", function () { answerPlayer.pause(); audio.play().catch(function () {}); });

  function answered(answer) {
    exchange = answer;
    answerBox.textContent = "";
    if (answer.question) { document.getElementById("question").value = answer.question; }
    answer.lines.forEach(function (line) {
      var li = s.el("li");
      li.appendChild(s.el("span", "speaker", line.speaker));
      li.appendChild(document.createTextNode(" " + line.text));
      answerBox.appendChild(li);
    });
    status.textContent = answer.extractive ? "Offline answer: read from the sources word for word (extractive)." :
      "Answered by the " + answer.writer + " writer's model, from the sources." + (answer.unsupported.length ?
      " Not found in the sources: " + answer.unsupported.join(", ") + "." : "");
    keepButton.hidden = false;
    keepButton.textContent = "Keep this in the episode" + (answer.after === null ? "" : answer.after < 0 ?
      " (before line 0)" : " (after line " + answer.after + ")");
    var i = 0;
    function next() {
      if (i >= answer.clips.length) { answerPlayer.onended = null; audio.currentTime = pausedAt; audio.play().catch(function () {}); return; }
      answerPlayer.src = "/clips/" + answer.clips[i++];
      answerPlayer.onended = next;
      answerPlayer.play().catch(function () {});
    }
    next();
  }

  function asking(promise) {
    status.textContent = "The hosts are thinking…";
    keepButton.hidden = true;
    return promise.then(answered).catch(function (err) { status.textContent = ""; s.problem(status, err); });
  }

  document.getElementById("ask").addEventListener("click", function () {
    asking(s.api("POST", base + "/ask", {question: document.getElementById("question").value, time: pausedAt}));
  });

  recordButton.addEventListener("click", function () {
    if (recorder && recorder.state === "recording") { recorder.stop(); return; }
    navigator.mediaDevices.getUserMedia({audio: true}).then(function (stream) {
      var parts = [];
      recorder = new MediaRecorder(stream);
      recorder.ondataavailable = function (e) { if (e.data.size) { parts.push(e.data); } };
      recorder.onstop = function () {
        stream.getTracks().forEach(function (t) { t.stop(); });
        recordButton.textContent = "Record a question";
        var form = new FormData();
        form.append("audio", new Blob(parts, {type: recorder.mimeType}), "question.webm");
        form.append("time", String(pausedAt));
        asking(s.api("POST", base + "/ask", form));
      };
      recorder.start();
      recordButton.textContent = "Stop and ask";
      status.textContent = "Recording… press Stop and ask when you are done.";
    }).catch(function (err) { s.problem(status, {error: "The microphone cannot be used: " + err.message, hint: "Allow the microphone, or type the question."}); });
  });

  keepButton.addEventListener("click", function () {
    if (!exchange) { return; }
    keepButton.hidden = true;
    s.api("POST", base + "/keep", exchange.after === null ? {lines: exchange.lines, time: pausedAt} :
      {lines: exchange.lines, after: exchange.after}).then(function (kept) {
      var node = s.el("div");
      jobBox.textContent = "";
      jobBox.appendChild(node);
      status.textContent = "Kept as lines " + kept.inserted_at + "–" + (kept.inserted_at + kept.count - 1) + "; rendering…";
      follow(kept.job, node);
    }).catch(function (err) { s.problem(status, err); });
  });
})();
