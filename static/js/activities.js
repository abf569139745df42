// The activity form: list the photos chosen and warn at once about files the server will
// refuse (wrong type, too large, too many), before a long upload on a phone network.
// The server checks everything again; this only saves the user a wasted upload.
(function () {
  var input = document.getElementById("photos");
  var output = document.getElementById("photos-selected");
  if (!input || !output) { return; }
  var maxBytes = parseInt(input.dataset.maxBytes, 10) || 0;
  var maxCount = parseInt(input.dataset.maxCount, 10) || 0;
  var accepted = ["image/jpeg", "image/png", "image/webp"];

  function sizeText(bytes) {
    return bytes >= 1048576 ? (bytes / 1048576).toFixed(1) + "MB" : Math.max(1, Math.round(bytes / 1024)) + "KB";
  }

  function line(text, isProblem) {
    var item = document.createElement("div");
    item.textContent = text;
    item.className = isProblem ? "text-danger" : "text-secondary";
    output.appendChild(item);
  }

  function show() {
    output.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    if (maxCount && files.length > maxCount) {
      line("每次活动最多还能上传" + maxCount + "张照片，您选择了" + files.length + "张", true);
    }
    files.forEach(function (file) {
      if (file.type && accepted.indexOf(file.type) < 0) {
        line("“" + file.name + "”不是 JPG、PNG 或 WebP 图片，将不能上传", true);
      } else if (maxBytes && file.size > maxBytes) {
        line("“" + file.name + "”有" + sizeText(file.size) + "，照片不能超过" + sizeText(maxBytes), true);
      } else {
        line("“" + file.name + "” " + sizeText(file.size), false);
      }
    });
  }

  input.addEventListener("change", show);
  // On a slow phone network the user may pick photos before this script has loaded: list
  // what is already chosen, so nothing picked early goes unchecked.
  if (input.files && input.files.length) { show(); }
})();
