// Small conveniences on top of pages that work without JavaScript:
// quick exit, print buttons and the warning before an idle sign-out.
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }
  window.clinicCsrfToken = csrfToken;

  // Quick exit: wipe this tab's copies, then go to the exit route (which ends the session on the
  // server) with location.replace, so this page's history entry becomes the neutral page.
  function clearStorage() {
    try { window.sessionStorage.clear(); } catch (e) { /* storage off */ }
    try {
      var store = window.localStorage;
      for (var i = store.length - 1; i >= 0; i -= 1) {
        var key = store.key(i);
        if (key && key.indexOf("clinic") === 0) { store.removeItem(key); }
      }
    } catch (e) { /* storage off */ }
  }
  function quickExit(link) {
    clearStorage();
    document.querySelectorAll("form").forEach(function (form) { form.reset(); });
    document.body.innerHTML = "";
    document.title = "";
    window.location.replace(link.getAttribute("href"));
  }
  // A page restored from the back/forward cache would show what it showed before: fetch it again.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });

  document.addEventListener("click", function (event) {
    var exit = event.target.closest("[data-quick-exit]");
    if (exit) {
      event.preventDefault();
      quickExit(exit);
      return;
    }
    if (event.target.closest("[data-print]")) {
      event.preventDefault();
      window.print();
    }
  });
  document.addEventListener("keydown", function (event) {
    // Escape pressed three times quickly also leaves, for people who can't reach the button.
    if (event.key !== "Escape") { return; }
    var exit = document.querySelector("[data-quick-exit]");
    if (!exit) { return; }
    var now = Date.now();
    window.clinicEscapes = (window.clinicEscapes || []).filter(function (t) { return now - t < 1500; });
    window.clinicEscapes.push(now);
    if (window.clinicEscapes.length >= 3) { quickExit(exit); }
  });

  // Length limits: a counter appears near the limit and turns to a warning past it. Nothing is cut:
  // the server refuses text over the limit with a message, keeping what was typed.
  function updateCounter(input) {
    var counter = document.getElementById(input.getAttribute("data-counter"));
    var limit = parseInt(input.getAttribute("data-maxlength"), 10);
    if (!counter || !limit) { return; }
    var length = input.value.length;
    counter.hidden = length < limit * 0.8;
    counter.textContent = length > limit
      ? length + " of " + limit + " characters: " + (length - limit) + " over the limit, please shorten it"
      : length + " of " + limit + " characters";
    counter.classList.toggle("over", length > limit);
  }
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("[data-maxlength]")) { updateCounter(event.target); }
  });
  document.querySelectorAll("[data-maxlength]").forEach(updateCounter);

  // Wide tables: each scrolls inside its own focusable region, with a visible hint when it overflows.
  document.querySelectorAll("main table").forEach(function (table, index) {
    var wrap = table.parentElement;
    if (!wrap.classList.contains("table-wrap")) {
      wrap = document.createElement("div");
      wrap.className = "table-wrap";
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      var caption = table.querySelector("caption");
      wrap.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table " + (index + 1));
      table.parentNode.insertBefore(wrap, table);
      wrap.appendChild(table);
    }
    var hint = document.createElement("p");
    hint.className = "scroll-hint";
    hint.textContent = "This table is wider than the screen: scroll sideways to see all of it.";
    wrap.parentNode.insertBefore(hint, wrap);
    function check() { hint.hidden = wrap.scrollWidth <= wrap.clientWidth + 1; }
    check();
    window.addEventListener("resize", check);
  });

  // Copy buttons: copy the text of the element named by data-copy, and say so.
  document.querySelectorAll("[data-copy]").forEach(function (button) { button.hidden = false; });
  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy]");
    if (!button) { return; }
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    var text = (source.value !== undefined ? source.value : source.textContent).replace(/\s+/g, button.hasAttribute("data-copy-keep-spaces") ? " " : "");
    var status = document.getElementById(button.getAttribute("aria-describedby") || "") || button;
    function done(ok) {
      var message = ok ? "Copied" : "Select the text and copy it yourself";
      if (status === button) { button.textContent = message; } else { status.textContent = message; }
    }
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(false); });
    } else { done(false); }
  });

  // Time zones: a search box above a long grouped list (select[data-zone-search]) that narrows it as
  // you type. Without JavaScript the grouped list alone works. The chosen zone always stays in the list,
  // so filtering never changes what the form sends. Options outside any group ("Practice's time zone")
  // always stay, at the top. A zone listed twice (under "Likely for this practice" and its region) counts once.
  function normal(text) { return text.toLowerCase().replace(/[_/,()]+/g, " "); }
  document.querySelectorAll("select[data-zone-search]").forEach(function (select) {
    var groups = Array.prototype.map.call(select.querySelectorAll("optgroup"), function (group) {
      return {
        label: group.label,
        options: Array.prototype.map.call(group.querySelectorAll("option"), function (option) {
          return { value: option.value, text: option.textContent, key: normal(group.label + " " + option.value + " " + option.textContent) };
        })
      };
    });
    if (!groups.length) { return; }
    var loose = Array.prototype.filter.call(select.children, function (child) { return child.tagName === "OPTION"; });
    var box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-search";
    box.autocomplete = "off";
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("aria-describedby", select.id + "-matches");
    var label = document.createElement("label");
    label.htmlFor = box.id;
    label.textContent = "Search the list (a city, region or UTC offset)";
    var status = document.createElement("small");
    status.id = select.id + "-matches";
    status.className = "help";
    status.setAttribute("aria-live", "polite");
    var anchor = select;  // between the field's label and the list
    anchor.parentNode.insertBefore(label, anchor);
    anchor.parentNode.insertBefore(box, anchor);
    anchor.parentNode.insertBefore(status, anchor);

    function show(query) {
      var words = normal(query).split(/\s+/).filter(Boolean);
      var chosen = select.value;
      var count = 0;
      var counted = {};
      var keptChosen = false;
      select.textContent = "";
      loose.forEach(function (option) { select.appendChild(option); });
      groups.forEach(function (group) {
        var element = document.createElement("optgroup");
        element.label = group.label;
        group.options.forEach(function (item) {
          var match = words.every(function (word) { return item.key.indexOf(word) !== -1; });
          if (!match && (item.value !== chosen || keptChosen)) { return; }
          if (!match) { keptChosen = true; }  // the chosen zone stays once, where it is listed first
          if (match && !counted[item.value]) { counted[item.value] = true; count += 1; }
          var option = document.createElement("option");
          option.value = item.value;
          option.textContent = item.text;
          element.appendChild(option);
        });
        if (element.children.length) { select.appendChild(element); }
      });
      select.value = chosen;
      status.textContent = words.length ? (count === 1 ? "1 time zone matches" : count + " time zones match") : "";
    }
    box.addEventListener("input", function () { show(box.value); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); select.focus(); }  // never submits the form
    });
  });

  // Idle warning: ask the server how long is left (asking does not count as activity).
  var body = document.body;
  var statusUrl = body.getAttribute("data-session-status");
  var dialog = document.getElementById("timeout-warning");
  if (!statusUrl || !dialog) { return; }
  var WARN_AT = 120;
  var countdown = dialog.querySelector("[data-timeout-seconds]");

  function check() {
    fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : { seconds_left: 0 }; })
      .then(function (data) {
        var left = data.seconds_left;
        if (left <= 0) {
          document.dispatchEvent(new CustomEvent("clinic:session-expired"));
          return;
        }
        if (left <= WARN_AT) {
          countdown.textContent = Math.max(1, Math.round(left)) + " seconds";
          if (!dialog.open && dialog.showModal) { dialog.showModal(); }
          document.dispatchEvent(new CustomEvent("clinic:session-warning", { detail: { secondsLeft: left } }));
        }
        window.setTimeout(check, Math.max(5, Math.min(left - WARN_AT, 60)) * 1000);
      })
      .catch(function () { window.setTimeout(check, 30000); });
  }
  dialog.querySelector("[data-stay-signed-in]").addEventListener("click", function () {
    fetch(body.getAttribute("data-keepalive"), {
      method: "POST", credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
    }).then(function () { dialog.close(); window.setTimeout(check, 30000); });
  });
  window.setTimeout(check, 5000);
})();

// A couple's sections scroll sideways on a phone: bring the current one into view, sideways only
// (never moving the page up or down).
(function () {
  "use strict";
  document.querySelectorAll(".section-nav ul").forEach(function (list) {
    var current = list.querySelector("[aria-current=page]");
    if (current && list.scrollWidth > list.clientWidth) {
      list.scrollLeft = Math.max(0, current.offsetLeft - list.offsetLeft - 16);
    }
  });
})();
