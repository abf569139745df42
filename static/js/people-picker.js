// People and unit pickers: search-as-you-type over /api/v1/people-picker or /api/v1/unit-picker
// (see templates/_macros.html person_picker and unit_picker).
(function () {
  "use strict";
  function setup(root) {
    var input = root.querySelector(".picker-input");
    var hidden = root.querySelector(".picker-value");
    var list = root.querySelector(".picker-options");
    var timer = null, seq = 0;
    function close() { list.classList.add("d-none"); input.setAttribute("aria-expanded", "false"); }
    function choose(item) {
      hidden.value = item.id;
      input.value = item.name + (item.unit_name ? "（" + item.unit_name + "）" : "");
      close();
      hidden.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function render(items) {
      list.innerHTML = "";
      if (!items.length) {
        var none = document.createElement("li");
        none.className = "list-group-item small text-secondary";
        none.textContent = "没有找到";
        list.appendChild(none);
      }
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.className = "list-group-item list-group-item-action py-2 picker-option";
        li.setAttribute("role", "option");
        li.tabIndex = -1;
        li.textContent = item.name;
        if (item.unit_name || item.title) {
          var small = document.createElement("span");
          small.className = "small text-secondary ms-2";
          small.textContent = [item.unit_name, item.title].filter(Boolean).join(" · ");
          li.appendChild(small);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(item); });
        li.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); choose(item); } });
        list.appendChild(li);
      });
      list.classList.remove("d-none");
      input.setAttribute("aria-expanded", "true");
    }
    function search() {
      var q = input.value.trim();
      var url = root.dataset.pickerUrl + "?limit=15&q=" + encodeURIComponent(q);
      if (root.dataset.unitId) { url += "&unit_id=" + root.dataset.unitId; }
      var mine = ++seq;
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) { if (mine === seq) { render(data.items || []); } })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      hidden.value = "";
      clearTimeout(timer);
      timer = setTimeout(search, 200);
    });
    input.addEventListener("focus", function () {
      if ((root.dataset.unitId || root.dataset.openOnFocus) && !input.value) { search(); }
    });
    input.addEventListener("keydown", function (e) {
      if (e.key === "ArrowDown") { var first = list.querySelector(".picker-option"); if (first) { e.preventDefault(); first.focus(); } }
      if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    // Text typed before this script ran (a slow phone) is searched now rather than lost.
    if (input.value.trim() && !hidden.value) { search(); }
    root.dataset.ready = "1";
  }
  document.querySelectorAll(".people-picker").forEach(setup);
})();
