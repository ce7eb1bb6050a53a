// New episode: files dropped or chosen, URLs, choices; Start queues a job and its progress shows live.
(function () {
  "use strict";
  var s = window.studio, form = document.getElementById("new"), list = document.getElementById("jobs");
  var drop = document.getElementById("drop"), input = document.getElementById("files");
  var chosen = [], shown = document.getElementById("chosen"), error = document.getElementById("form-error");

  function showChosen() {
    shown.textContent = "";
    chosen.forEach(function (file, i) {
      var item = s.el("li", "", file.name + " ");
      var remove = s.el("button", "", "✕");
      remove.type = "button";
      remove.title = "Leave this file out";
      remove.addEventListener("click", function () { chosen.splice(i, 1); showChosen(); });
      item.appendChild(remove);
      shown.appendChild(item);
    });
  }
  function add(files) { Array.prototype.forEach.call(files, function (f) { chosen.push(f); }); showChosen(); }

  input.addEventListener("change", function () { add(input.files); input.value = ""; });
  drop.addEventListener("dragover", function (e) { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", function () { drop.classList.remove("over"); });
  drop.addEventListener("drop", function (e) { e.preventDefault(); drop.classList.remove("over"); add(e.dataTransfer.files); });

  function show(job) {
    var node = document.getElementById("job-" + job.id) || s.el("li");
    node.id = "job-" + job.id;
    if (!node.parentNode) { list.insertBefore(node, list.firstChild); }
    s.watch(job, node);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    error.hidden = true;
    var data = new FormData(form);
    data.delete("files");
    chosen.forEach(function (file) { data.append("files", file, file.name); });
    s.api("POST", "/api/episodes", data).then(function (job) { chosen = []; showChosen(); show(job); })
      .catch(function (err) { s.problem(error, err); });
  });

  s.api("GET", "/api/jobs").then(function (jobs) { jobs.reverse().forEach(show); });
})();
