// Forms that help (issue 13), on every page, with no inline script (the CSP allows none):
// - the error summary at the top of a refused form takes the focus, and its links focus
//   their fields;
// - what was typed survives a stale session: every post form's fields (no passwords, files
//   or hidden tokens) are kept in this tab's sessionStorage when it is submitted. When the
//   post comes back as the "登录已过期" page (templates/errors/session_expired.html), or the
//   login page, the draft waits; once the form's page loads again after the login, its
//   fields are filled in and a note says so. Any other page load drops the drafts.
(function () {
  "use strict";
  var PREFIX = "alliance.draft:";
  var PENDING = "alliance.draft-pending";
  var MAX_AGE_MS = 12 * 3600 * 1000;
  var SKIPPED_TYPES = { password: 1, file: 1, hidden: 1, submit: 1, button: 1, reset: 1, image: 1 };

  function store() {
    try { return window.sessionStorage; } catch (e) { return null; }  // storage switched off
  }

  function here() { return window.location.pathname + window.location.search; }

  function postForms() {
    return Array.prototype.filter.call(document.forms, function (form) {
      return (form.getAttribute("method") || "").toLowerCase() === "post";
    });
  }

  function formKey(form) {
    return form.id ? "#" + form.id : "@" + postForms().indexOf(form);
  }

  function typedFields(form) {
    var fields = [];
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.disabled || SKIPPED_TYPES[el.type]) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        fields.push([el.name, el.value, el.checked]);
      } else if (el.tagName === "SELECT" && el.multiple) {
        fields.push([el.name, Array.prototype.filter.call(el.options, function (o) { return o.selected; })
          .map(function (o) { return o.value; }), null]);
      } else {
        fields.push([el.name, el.value, null]);
      }
    });
    return fields;
  }

  function saveDraft(form) {
    var s = store();
    if (!s || form.querySelector("input[type=password]") || "noDraft" in form.dataset) { return; }
    var fields = typedFields(form);
    if (!fields.length) { return; }
    try {
      s.setItem(PREFIX + here(), JSON.stringify({ form: formKey(form), fields: fields, at: Date.now() }));
    } catch (e) { /* full: the post goes on without a draft */ }
  }

  function findForm(key) {
    if (key.charAt(0) === "#") { return document.getElementById(key.slice(1)); }
    return postForms()[parseInt(key.slice(1), 10)] || null;
  }

  function fill(form, fields) {
    var filled = 0;
    fields.forEach(function (item) {
      var name = item[0], value = item[1], checked = item[2];
      var elements = Array.prototype.filter.call(form.elements, function (el) { return el.name === name; });
      elements.forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          if (el.value === value) { el.checked = checked; }
        } else if (el.tagName === "SELECT" && el.multiple && Array.isArray(value)) {
          Array.prototype.forEach.call(el.options, function (o) { o.selected = value.indexOf(o.value) >= 0; });
        } else if (!SKIPPED_TYPES[el.type] && typeof value === "string" && el.value !== value) {
          el.value = value;
          filled += 1;
        } else { return; }
        el.dispatchEvent(new Event("input", { bubbles: true }));
      });
    });
    return filled;
  }

  function showRestored(form) {
    var note = document.createElement("div");
    note.className = "alert alert-info draft-restored";
    note.setAttribute("role", "status");
    note.id = "draft-restored";
    note.textContent = "已填回您登录前填写的内容（尚未保存），请检查后再提交。";
    form.insertBefore(note, form.firstChild);
  }

  function dropDrafts(s, keepPending) {
    var pending = keepPending ? s.getItem(PENDING) : null;
    for (var i = s.length - 1; i >= 0; i -= 1) {
      var key = s.key(i);
      if (key && key.indexOf(PREFIX) === 0 && key !== PREFIX + pending) { s.removeItem(key); }
    }
    if (!keepPending) { s.removeItem(PENDING); }
  }

  function restoreOrDrop() {
    var s = store();
    if (!s) { return; }
    var expired = document.querySelector("[data-session-expired]");
    if (expired) {
      // The refused post's draft was saved under the page the form was on: keep it for that page.
      var back = expired.dataset.returnTo;
      if (back && s.getItem(PREFIX + back)) {
        s.setItem(PENDING, back);
      } else {
        var note = expired.querySelector(".draft-note");
        if (note) { note.hidden = true; }  // nothing typed was kept (storage off, no script then)
      }
      dropDrafts(s, true);
      return;
    }
    if (window.location.pathname === "/login") {
      // Still on the way back. A post of a timed-out session is sent here with ?next= the
      // form's address: its draft waits for that page.
      var next = new URLSearchParams(window.location.search).get("next");
      if (!s.getItem(PENDING) && next && s.getItem(PREFIX + next)) { s.setItem(PENDING, next); }
      if (s.getItem(PENDING)) { dropDrafts(s, true); return; }
    }
    var pending = s.getItem(PENDING);
    if (pending === here()) {
      var draft = null;
      try { draft = JSON.parse(s.getItem(PREFIX + pending) || "null"); } catch (e) { draft = null; }
      var form = draft && Date.now() - draft.at < MAX_AGE_MS ? findForm(draft.form) : null;
      if (form) {
        fill(form, draft.fields);
        showRestored(form);
      }
    }
    dropDrafts(s, false);
  }

  function focusSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) { return; }
    summary.focus({ preventScroll: true });
    summary.scrollIntoView({ block: "start" });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form && (form.getAttribute("method") || "").toLowerCase() === "post") { saveDraft(form); }
  });
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("[data-error-summary] a[href^='#']") : null;
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) {
      event.preventDefault();
      field.scrollIntoView({ block: "center" });
      field.focus();
    }
  });
  restoreOrDrop();
  focusSummary();
})();
