// What every studio page shares: API calls, errors shown as one line and a hint, live jobs.
(function () {
  "use strict";
  // the progress stages' labels, from Python (podgen.contracts.PROGRESS_LABELS), on the page's body
  var LABELS = JSON.parse(document.body.getAttribute("data-progress-labels") || "{}");

  function api(method, url, body) {
    var options = {method: method, credentials: "same-origin", headers: {}};
    if (body instanceof FormData) { options.body = body; }
    else if (body !== undefined) { options.body = JSON.stringify(body); options.headers["content-type"] = "application/json"; }
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) { throw data.error ? data : {error: "The studio answered " + response.status + ".", hint: ""}; }
        return data;
      });
    });
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function problem(target, err) {
    target.hidden = false;
    target.textContent = "";
    target.appendChild(el("strong", "", err.error || String(err)));
    if (err.hint) { target.appendChild(document.createElement("br")); target.appendChild(el("span", "hint", err.hint)); }
  }

  function summary(job) {
    if (job.state === "done" && job.result && job.result.spoken !== undefined) {
      var n = job.result.spoken, cached = job.result.cached;
      return "done: " + n + (n === 1 ? " line" : " lines") + " spoken" + (cached ? ", " + cached + " from the cache" : "");
    }
    if (job.state === "done" && job.result && job.result.passed !== undefined) {
      return job.result.passed ? "done: the check passed" : "done: the check found " + job.result.failures + " problem(s)";
    }
    if (job.state === "done" && job.result && job.result.episodes !== undefined) {
      return "done: " + job.result.episodes + " episode(s) in the feed" +
        (job.result.skipped.length ? ", " + job.result.skipped.length + " left out (not finished)" : "");
    }
    return job.state;
  }

  function drawJob(job, node) {
    node.textContent = "";
    node.className = "job " + job.state + (job.result && job.result.passed === false ? " problems" : "");
    node.dataset.state = job.state;
    var head = el("div", "head");
    head.appendChild(el("strong", "", job.kind + ": " + ((job.result && job.result.title) || job.title)));
    head.appendChild(el("span", "state", summary(job)));
    if (job.state === "queued" || job.state === "running") {
      var stop = el("button", "cancel", "Cancel");
      stop.type = "button";
      stop.addEventListener("click", function () { api("POST", "/api/jobs/" + job.id + "/cancel").catch(function () {}); });
      head.appendChild(stop);
    }
    if (job.state === "done" && job.result && job.result.slug && job.kind === "make") {
      var open = el("a", "open", "Open the episode");
      open.href = "/episodes/" + job.result.slug;
      head.appendChild(open);
    }
    node.appendChild(head);
    job.order.forEach(function (stage) {
      var s = job.stages[stage], row = el("div", "stage");
      row.dataset.stage = stage;
      row.appendChild(el("span", "label", LABELS[stage] || stage));
      var bar = el("progress");
      bar.max = Math.max(s.total, 1);
      bar.value = s.done;
      row.appendChild(bar);
      row.appendChild(el("span", "count", s.done + "/" + s.total));
      node.appendChild(row);
    });
    if (job.error) { var e = el("p", "error"); problem(e, {error: job.error.message, hint: job.error.hint}); node.appendChild(e); }
    listen(job, node);
  }

  // A make job's first lines, played while the rest is written and spoken: the clips it lists, in order.
  function listen(job, node) {
    if (job.kind !== "make" || !job.clips || !job.clips.length) { return; }
    var l = node._listen;
    if (!l) {
      l = node._listen = {audio: el("audio"), button: el("button", "listen", "Listen while it is made"), next: 0, on: false, busy: false};
      l.button.type = "button";
      l.play = function () {
        if (!l.on || l.busy || l.next >= l.names.length) { return; }
        l.busy = true;
        l.audio.src = "/clips/" + l.names[l.next++];
        l.audio.play().catch(function () { l.busy = false; });
      };
      l.audio.addEventListener("ended", function () { l.busy = false; l.play(); });
      l.button.addEventListener("click", function () {
        l.on = !l.on;
        l.button.textContent = l.on ? "Pause" : "Listen while it is made";
        if (!l.on) { l.audio.pause(); return; }
        if (l.busy && !l.audio.ended) { l.audio.play().catch(function () { l.busy = false; }); } else { l.busy = false; l.play(); }
      });
    }
    l.names = job.clips;
    node.dataset.clips = String(job.clips.length);
    node.appendChild(l.button);
    node.appendChild(l.audio);
    l.play();
  }

  function watch(job, node, done) {
    drawJob(job, node);
    if (["done", "failed", "cancelled", "interrupted"].indexOf(job.state) >= 0) { if (done) { done(job); } return; }
    var source = new EventSource("/api/jobs/" + job.id + "/events");
    source.addEventListener("job", function (event) {
      var now = JSON.parse(event.data);
      drawJob(now, node);
      if (["done", "failed", "cancelled", "interrupted"].indexOf(now.state) >= 0) {
        source.close();
        if (done) { done(now); }
      }
    });
    source.onerror = function () { if (source.readyState === 2) { source.close(); } };
  }

  window.studio = {api: api, el: el, problem: problem, watch: watch, summary: summary};
})();
