// Lists that update as you type (issue 13 item 4). A GET form marked data-live-search="#results"
// stays a plain form without JavaScript. With it: typing in the search box (300 ms after the last
// key) or changing a filter fetches the list's own page for the form's values, swaps the results
// region (and the export buttons, whose links carry the filters) for the fetched ones, and
// replaces the address with that page's URL, so reload and back keep the filters. A response that
// arrives after a newer one was asked for is dropped.
// On a phone a long list shows its first rows and a button for the next ones (data-phone-batch).
(function () {
  "use strict";
  var DELAY_MS = 300;
  var PHONE = window.matchMedia("(max-width: 576px)");
  var SWAPPED = "[data-live-results], .export-buttons";

  function queryOf(form) {
    // Empty fields and a select at its first (default) option stay out of the address, as does
    // the page: a new search starts at page 1.
    var defaults = {};
    form.querySelectorAll("select[name]").forEach(function (select) {
      if (select.options.length) { defaults[select.name] = select.options[0].value; }
    });
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (value !== "" && defaults[name] !== value) { params.append(name, value); }
    });
    var text = params.toString();
    return text ? "?" + text : "";
  }

  function batchRows(region) {
    var table = region.querySelector("[data-phone-batch]");
    if (!table) { return; }
    var old = region.querySelector(".live-more");
    if (old) { old.remove(); }
    var size = parseInt(table.getAttribute("data-phone-batch"), 10) || 20;
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    rows.forEach(function (row) { row.classList.remove("live-hidden"); });
    if (!PHONE.matches || rows.length <= size) { return; }
    rows.slice(size).forEach(function (row) { row.classList.add("live-hidden"); });
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary btn-sm w-100 mb-3 live-more";
    function label() {
      var left = table.querySelectorAll("tbody tr.live-hidden").length;
      button.textContent = "再显示 " + Math.min(size, left) + " 条（本页还有 " + left + " 条）";
      return left;
    }
    label();
    button.addEventListener("click", function () {
      var hidden = table.querySelectorAll("tbody tr.live-hidden");
      for (var i = 0; i < Math.min(size, hidden.length); i++) { hidden[i].classList.remove("live-hidden"); }
      if (!label()) { button.remove(); }
    });
    table.closest(".table-responsive, table").insertAdjacentElement("afterend", button);
  }

  function setup(form) {
    var region = document.querySelector(form.getAttribute("data-live-search"));
    if (!region) { return; }
    var timer = null, seq = 0, controller = null;
    var last = queryOf(form);

    function refresh() {
      var query = queryOf(form);
      if (query === last) { return; }
      last = query;
      var url = form.getAttribute("action") || window.location.pathname;
      url = url.split("?")[0] + query;
      var mine = ++seq;
      if (controller) { controller.abort(); }
      controller = window.AbortController ? new AbortController() : null;
      region.setAttribute("aria-busy", "true");
      fetch(url, { headers: { "X-Requested-With": "live-search" }, credentials: "same-origin",
                   signal: controller ? controller.signal : undefined })
        .then(function (response) {
          if (!response.ok || response.redirected) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          if (mine !== seq) { return; }
          var fetched = new DOMParser().parseFromString(html, "text/html");
          var mineNodes = document.querySelectorAll(SWAPPED);
          var newNodes = fetched.querySelectorAll(SWAPPED);
          if (mineNodes.length !== newNodes.length) { window.location.assign(url); return; }
          for (var i = 0; i < mineNodes.length; i++) { mineNodes[i].replaceWith(document.importNode(newNodes[i], true)); }
          region = document.querySelector(form.getAttribute("data-live-search"));
          region.removeAttribute("aria-busy");
          window.history.replaceState(window.history.state, "", url);
          batchRows(region);
          var status = document.querySelector("[data-live-status]");
          var count = region.querySelector(".pagination .page-item.disabled .page-link, p.text-secondary.small");
          if (status) { status.textContent = "列表已更新" + (count ? "：" + count.textContent.trim() : ""); }
          document.dispatchEvent(new CustomEvent("live-search:updated", { detail: { url: url } }));
        })
        .catch(function (error) {
          if (error && error.name === "AbortError") { return; }
          if (mine === seq) { window.location.assign(url); }  // the server's own page says what went wrong
        });
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, DELAY_MS);
    }

    form.addEventListener("input", function (event) {
      if (event.target.matches("input[type=search], input[type=text]")) { later(); }
    });
    form.addEventListener("change", function (event) {
      if (event.target.matches("select")) { window.clearTimeout(timer); refresh(); }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.clearTimeout(timer);
      last = null;  // the button asks again even for the same values
      refresh();
    });
    batchRows(region);
    PHONE.addEventListener("change", function () { batchRows(region); });
  }

  document.querySelectorAll("form[data-live-search]").forEach(setup);
})();
