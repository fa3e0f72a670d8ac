// Several photos at once: drag-and-drop or choose, a title/description/tags per file (title
// defaults to the file name), then each file goes to the JSON API with its own progress bar
// and result. Without JavaScript the page keeps its plain one-file form.
(function () {
  "use strict";
  const root = document.getElementById("multi-upload");
  const plainForm = document.querySelector("form[enctype='multipart/form-data']");
  if (!root || !plainForm || !window.FormData || !window.XMLHttpRequest) return;

  const apiUrl = root.dataset.apiUrl;
  const csrfToken = plainForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  const maxBytes = Number(root.dataset.maxBytes);
  const dropZone = root.querySelector(".drop-zone");
  const picker = root.querySelector("input[type=file]");
  const list = root.querySelector(".upload-list");
  const startButton = root.querySelector(".start-upload");
  const template = document.getElementById("upload-item-template");
  const items = [];
  let counter = 0;
  const PREVIEW_BYTES = 15 * 1024 * 1024;

  plainForm.hidden = true;
  const heading = document.querySelector("main h1");
  if (heading) heading.textContent = "Upload photos";
  root.hidden = false;

  function titleFromName(name) {
    return name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim() || name;
  }

  function addFiles(files) {
    for (const file of files) {
      const node = template.content.firstElementChild.cloneNode(true);
      const item = { file: file, node: node, done: false };
      // Radio groups are per document: each file's visibility buttons need a name of their own.
      counter += 1;
      for (const radio of node.querySelectorAll("input[type=radio]")) radio.name = "visibility-" + counter;
      node.querySelector(".file-name").textContent = file.name;
      node.querySelector("input[name=title]").value = titleFromName(file.name);
      // A data: URL, not a blob: one, so the site's Content-Security-Policy (img-src data:) allows it.
      if (file.type.startsWith("image/") && !/hei[cf]|tiff/.test(file.type) && file.size <= PREVIEW_BYTES) {
        const reader = new FileReader();
        reader.addEventListener("load", function () {
          const preview = node.querySelector("img");
          preview.src = reader.result;
          preview.hidden = false;
        });
        reader.readAsDataURL(file);
      }
      node.querySelector(".remove").addEventListener("click", function () {
        if (item.sending) return;
        items.splice(items.indexOf(item), 1);
        node.remove();
        refresh();
      });
      if (file.size > maxBytes) {
        showResult(item, "error", "Too large: the limit is " + Math.round(maxBytes / 1048576) + " MB.");
        item.done = true;
      }
      items.push(item);
      list.appendChild(node);
    }
    refresh();
  }

  function refresh() {
    const waiting = items.filter(function (item) { return !item.done; }).length;
    startButton.disabled = waiting === 0;
    startButton.textContent = waiting > 1 ? "Upload " + waiting + " photos" : "Upload";
  }

  function showResult(item, kind, text, href) {
    const result = item.node.querySelector(".result");
    result.className = "result " + kind;
    result.textContent = "";
    if (href) {
      const link = document.createElement("a");
      link.href = href;
      link.textContent = text;
      result.appendChild(link);
    } else {
      result.textContent = text;
    }
  }

  function errorText(xhr) {
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch (ignored) { /* not JSON */ }
    if (body && body.errors) {
      return Object.keys(body.errors).map(function (field) {
        return field + ": " + body.errors[field].join(" ");
      }).join(" · ");
    }
    if (body && body.error) return body.error;
    if (xhr.status === 413) return "The file is too large.";
    return "Upload failed (" + (xhr.status || "network error") + "). Please try again.";
  }

  function send(item) {
    return new Promise(function (resolve) {
      const data = new FormData();
      data.append("image", item.file);
      for (const field of item.node.querySelectorAll("input[name], textarea[name], select[name]")) {
        if (field.type === "radio" && !field.checked) continue;
        data.append(field.dataset.field || field.name, field.value);
      }
      const bar = item.node.querySelector("progress");
      bar.setAttribute("aria-label", "Upload progress of " + item.file.name);
      const xhr = new XMLHttpRequest();
      xhr.open("POST", apiUrl);
      xhr.setRequestHeader("X-CSRFToken", csrfToken);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) bar.value = event.loaded / event.total;
      });
      xhr.addEventListener("load", function () {
        if (xhr.status === 201) {
          const photo = JSON.parse(xhr.responseText);
          bar.value = 1;
          showResult(item, "ok", "Uploaded: " + photo.title, photo.page);
          item.done = true;
        } else {
          showResult(item, "error", errorText(xhr));
        }
        resolve();
      });
      xhr.addEventListener("error", function () {
        showResult(item, "error", errorText(xhr));
        resolve();
      });
      showResult(item, "busy", "Uploading…");
      item.sending = true;
      xhr.send(data);
    }).then(function () {
      item.sending = false;
      item.node.classList.toggle("is-done", item.done);
      for (const field of item.node.querySelectorAll("input, textarea")) field.disabled = item.done;
    });
  }

  // One file at a time: each gets the whole bandwidth, so its bar moves and finishes in turn.
  async function sendAll() {
    startButton.disabled = true;
    for (const item of items.slice()) {
      if (!item.done) await send(item);
    }
    refresh();
  }

  picker.addEventListener("change", function () {
    addFiles(picker.files);
    picker.value = "";
  });
  ["dragenter", "dragover"].forEach(function (type) {
    dropZone.addEventListener(type, function (event) {
      event.preventDefault();
      dropZone.classList.add("is-over");
    });
  });
  ["dragleave", "drop"].forEach(function (type) {
    dropZone.addEventListener(type, function (event) {
      event.preventDefault();
      dropZone.classList.remove("is-over");
    });
  });
  dropZone.addEventListener("drop", function (event) {
    if (event.dataTransfer && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
  });
  startButton.addEventListener("click", sendAll);
  refresh();
})();
