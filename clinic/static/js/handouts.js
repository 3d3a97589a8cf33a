// Live preview for the handout editor. Without JavaScript the "Preview" button does the same on the server.
(function () {
  "use strict";
  var form = document.querySelector("form[data-preview-url]");
  if (!form) { return; }
  var body = form.querySelector("textarea[name=body]");
  var target = document.querySelector("[data-preview]");
  var token = document.querySelector("meta[name=csrf-token]");
  if (!body || !target) { return; }
  var timer = null;
  var latest = 0;
  function refresh() {
    var mine = ++latest;
    var data = new FormData();
    data.append("body", body.value);
    if (token) { data.append("csrf_token", token.content); }
    fetch(form.dataset.previewUrl, { method: "POST", body: data, credentials: "same-origin",
                                     headers: token ? { "X-CSRFToken": token.content } : {} })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        // The server returns sanitised HTML (markdown-it + nh3 allow-list), the same as the saved handout.
        if (html !== null && mine === latest) { target.innerHTML = html; }
      })
      .catch(function () { /* the Preview button still works */ });
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
}());
