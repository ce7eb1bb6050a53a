// Library: publish every finished episode as a feed and a site (podgen feed).
(function () {
  "use strict";
  var s = window.studio, form = document.getElementById("publish"), box = document.getElementById("publish-job");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var base = document.getElementById("base-url").value.trim();
    s.api("POST", "/api/publish", base ? {base_url: base} : {}).then(function (job) {
      var node = s.el("div");
      box.textContent = "";
      box.appendChild(node);
      s.watch(job, node, function (done) {
        if (done.state === "done" && !document.getElementById("site-link")) {
          var link = s.el("a", "", "Open the published site");
          link.href = "/site/";
          link.id = "site-link";
          box.appendChild(link);
        }
      });
    }).catch(function (err) { var e = s.el("p", "error"); s.problem(e, err); box.textContent = ""; box.appendChild(e); });
  });
})();
