// Autosave for progress-note drafts. The page works without it: "Save draft" is a normal form post.
// Saves a few seconds after typing stops, at once when the idle warning appears, and once more when the
// session has expired (the server then keeps what was sent and restores it after the next sign-in).
(function () {
  "use strict";
  // A signed note's page drops any copy of its draft kept in this tab (see keepCopy below).
  document.querySelectorAll("[data-clear-note-copy]").forEach(function (el) {
    try { window.sessionStorage.removeItem("clinic-note-copy:" + el.getAttribute("data-clear-note-copy")); }
    catch (e) { /* storage off */ }
  });

  // Folding note parts (#18): each part is a <details> the server sends open or folded (open: the
  // couple's current stage, the plan, anything with text or a problem, the risk check when it matters).
  // Without this script a folded part opens by its summary. A link to anything inside a folded part (the
  // jump list, the error summary, a #fragment) opens it first; a jump-list link then moves focus to the
  // part's summary, an error-summary link to the field. Folding only hides: every field is still sent.
  function reveal(id) {
    var target = id ? document.getElementById(id) : null;
    var details = target ? target.closest("details") : null;
    while (details) {
      details.open = true;
      details = details.parentElement ? details.parentElement.closest("details") : null;
    }
    return target;
  }
  function focusTarget(target) {
    if (!target) { return; }
    var focusable = target.matches("details") ? target.querySelector("summary") :
      (target.matches("input, select, textarea, button") ? target :
        target.querySelector("input, select, textarea"));
    if (focusable) { focusable.focus(); }
  }
  function fragment(href) {
    try { return decodeURIComponent((href || "").replace(/^#/, "")); } catch (e) { return ""; }
  }
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest('a[href^="#"]') : null;
    if (!link) { return; }
    var target = reveal(fragment(link.getAttribute("href")));
    if (target && (link.closest(".note-jump") || link.closest("#form-errors"))) {
      // after the browser has followed the link (its scroll), so the focus stays where it was put
      window.setTimeout(function () { focusTarget(target); }, 0);
    }
  });
  window.addEventListener("hashchange", function () { reveal(fragment(window.location.hash)); });
  // Printing a draft prints every part: folded parts open for the print and fold again afterwards.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.note-section:not([open])").forEach(function (part) {
      part.setAttribute("data-opened-for-print", "");
      part.open = true;
    });
  });
  window.addEventListener("afterprint", function () {
    document.querySelectorAll("details[data-opened-for-print]").forEach(function (part) {
      part.removeAttribute("data-opened-for-print");
      part.open = false;
    });
  });
  if (window.location.hash) { reveal(fragment(window.location.hash)); }

  var form = document.querySelector("form[data-autosave-url]");
  if (!form) { return; }
  var url = form.getAttribute("data-autosave-url");
  var status = document.getElementById("autosave-status");
  var PRIVATE = { password: true, attest: true };
  var DELAY = 4000;
  var dirty = form.hasAttribute("data-dirty");
  var inFlight = false;
  var stopped = false;
  var timer = null;

  function say(text, problem) {
    if (!status) { return; }
    status.textContent = text;
    status.classList.toggle("is-problem", !!problem);
  }

  function token() {
    if (window.clinicCsrfToken) { return window.clinicCsrfToken(); }
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  function body() {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, key) {
      if (!PRIVATE[key] && typeof value === "string") { params.append(key, value); }
    });
    return params;
  }

  function save() {
    if (!dirty || inFlight || stopped) { return; }
    inFlight = true;
    dirty = false;
    say("Saving…");
    fetch(url, {
      method: "POST", credentials: "same-origin", body: body(),
      headers: { "X-CSRFToken": token(), "Accept": "application/json" }
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { code: response.status, data: data };
      });
    }).then(function (result) {
      inFlight = false;
      var data = result.data || {};
      if (result.code === 200 && data.ok) {
        var version = form.querySelector('input[name="version"]');
        if (version) { version.value = data.version; }
        say("Draft saved at " + data.saved_at + ".");
      } else if (result.code === 409) {
        stopped = true;
        say(data.message || "This note changed elsewhere. Your text is still here: press Save draft to compare.", true);
      } else if (result.code === 401) {
        stopped = true;
        keepCopy();
        say("You were signed out. What you typed was kept on the server and comes back after you sign in again.", true);
      } else if (result.code === 422) {
        dirty = true;
        say(data.message || "Some fields need attention; press Save draft to see where.", true);
      } else {
        dirty = true;
        say("Couldn't save automatically just now. Your text is still here; trying again shortly.", true);
        schedule();
      }
    }).catch(function () {
      inFlight = false;
      dirty = true;
      say("Offline? Couldn't save automatically. Your text is still here; trying again shortly.", true);
      schedule();
    });
  }

  function schedule() {
    if (timer) { window.clearTimeout(timer); }
    timer = window.setTimeout(save, DELAY);
  }

  function changed(event) {
    if (event.target && PRIVATE[event.target.name]) { return; }
    dirty = true;
    schedule();
  }

  // A copy in this tab's sessionStorage covers the one case the server cannot: the session already ended
  // (so the server no longer knows who is sending) and the therapist then presses Save draft. The copy is
  // compared with the page after the next load: identical means the server has the text, and the copy
  // is dropped; different means it was lost on the way, so it is put back into the form.
  // Keyed by the note page (the form's action), whatever URL a refused signing left the page on.
  var KEY = "clinic-note-copy:" + form.getAttribute("action");

  function fields() {
    var params = body();
    params.delete("csrf_token");
    return params;
  }

  function comparable(params) {
    // The server trims text and normalises line endings; compare the way it stores.
    var out = [];
    params.forEach(function (value, key) {
      if (key !== "version") { out.push(key + "=" + value.replace(/\r\n/g, "\n").trim()); }
    });
    return out.join("&");
  }

  function keepCopy() {
    try { window.sessionStorage.setItem(KEY, fields().toString()); } catch (e) { /* storage full or off */ }
  }

  function restoreCopy() {
    var stored;
    try { stored = window.sessionStorage.getItem(KEY); window.sessionStorage.removeItem(KEY); } catch (e) { return; }
    if (!stored) { return; }
    var copy = new URLSearchParams(stored);
    if (comparable(copy) === comparable(fields())) { return; }
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || PRIVATE[el.name] || el.name === "csrf_token") { return; }
      var values = copy.getAll(el.name);
      var before = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = values.indexOf(el.value) !== -1;
      } else if (values.length) {
        el.value = values[0];
      } else if (el.type !== "hidden" && el.tagName !== "SELECT") {
        el.value = "";
      }
      var after = el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
      var part = el.closest("details.note-section");
      if (part && before !== after) { part.open = true; }  // what was put back is in sight
    });
    var notice = document.createElement("div");
    notice.className = "restored";
    notice.setAttribute("role", "status");
    notice.textContent = "We put back what you typed before you were signed out (kept in this browser tab). " +
      "Check it, then press Save draft.";
    form.parentNode.insertBefore(notice, form);
    dirty = true;
    schedule();
  }

  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () {
    // Settling a two-tab conflict saves a merge of both versions, so the page after it differs from
    // this form on purpose: no copy, or it would be "restored" over the merge.
    if (!form.querySelector('input[name="resolving"]')) { keepCopy(); }
    stopped = true; dirty = false;
  });
  document.addEventListener("clinic:session-warning", save);
  document.addEventListener("clinic:session-expired", function () { keepCopy(); save(); });
  restoreCopy();
  window.addEventListener("beforeunload", function (event) {
    if (dirty && !stopped) { save(); event.preventDefault(); event.returnValue = ""; }
  });
  if (dirty) { schedule(); }
})();
