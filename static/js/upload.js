// Several photos at once: drag-and-drop or choose, a title/description/tags per file (title
// defaults to the file name), then each file goes straight to S3 (docs/api.md, "Uploads straight
// to S3"): POST /api/uploads/ signs one S3 POST, the file goes to S3 with its own progress bar,
// POST .../complete/ hands it to the worker, and the page asks the photo's status until it is
// ready or failed. Without JavaScript the page keeps its plain one-file form (the inline path).
(function () {
  "use strict";
  const root = document.getElementById("multi-upload");
  const plainForm = document.querySelector("form[enctype='multipart/form-data']");
  if (!root || !plainForm || !window.FormData || !window.XMLHttpRequest) return;

  const uploadsUrl = root.dataset.uploadsUrl;
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
  const POLL_MS = 1000;
  const POLL_TRIES = 120;

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
    // S3 answers in XML, e.g. <Code>EntityTooLarge</Code> for a file over the signed limit.
    const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText || "");
    if ((code && code[1] === "EntityTooLarge") || xhr.status === 413) return "The file is too large.";
    if (code) return "The storage refused the file (" + code[1] + "). Please try again.";
    return "Upload failed (" + (xhr.status || "network error") + "). Please try again.";
  }

  // One request to our API; resolves with the XMLHttpRequest whatever its status, rejects on a
  // network error. `toS3` sends no header of ours: the CSRF token is for this site only.
  function request(method, url, body, onProgress, toS3) {
    return new Promise(function (resolve, reject) {
      const xhr = new XMLHttpRequest();
      xhr.open(method, url);
      if (!toS3) {
        xhr.setRequestHeader("X-CSRFToken", csrfToken);
        xhr.setRequestHeader("Accept", "application/json");
      }
      if (typeof body === "string") xhr.setRequestHeader("Content-Type", "application/json");
      if (onProgress) {
        xhr.upload.addEventListener("progress", function (event) {
          if (event.lengthComputable) onProgress(event.loaded / event.total);
        });
      }
      xhr.addEventListener("load", function () { resolve(xhr); });
      xhr.addEventListener("error", function () { reject(xhr); });
      xhr.send(body === undefined ? null : body);
    });
  }

  function details(item) {
    const fields = {};
    for (const field of item.node.querySelectorAll("input[name], textarea[name], select[name]")) {
      if (field.type === "radio" && !field.checked) continue;
      fields[field.dataset.field || field.name] = field.value;
    }
    return fields;
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  async function send(item) {
    const bar = item.node.querySelector("progress");
    bar.setAttribute("aria-label", "Upload progress of " + item.file.name);
    item.sending = true;
    showResult(item, "busy", "Uploading…");
    try {
      // 1. A presigned POST for this one file.
      const start = await request("POST", uploadsUrl, JSON.stringify({
        filename: item.file.name, content_type: item.file.type, size: item.file.size,
      }));
      if (start.status !== 201) return showResult(item, "error", errorText(start));
      const upload = JSON.parse(start.responseText);
      // 2. The file straight to S3: the signed fields first, the file last (S3 requires it).
      const form = new FormData();
      for (const name of Object.keys(upload.fields)) form.append(name, upload.fields[name]);
      form.append("file", item.file);
      const stored = await request("POST", upload.url, form, function (done) { bar.value = done; }, true);
      if (stored.status < 200 || stored.status >= 300) return showResult(item, "error", errorText(stored));
      bar.value = 1;
      // 3. Hand it to the worker with what the owner said of it.
      const completed = await request(
        "POST", uploadsUrl + upload.upload_id + "/complete/", JSON.stringify(details(item))
      );
      if (completed.status !== 202) return showResult(item, "error", errorText(completed));
      let photo = JSON.parse(completed.responseText);
      showResult(item, "busy", "Processing…");
      // 4. Ready in seconds: ask until the worker has published it or said why it could not.
      for (let tries = 0; photo.status === "processing" && tries < POLL_TRIES; tries += 1) {
        await wait(POLL_MS);
        const polled = await request("GET", photo.url);
        if (polled.status === 200) photo = JSON.parse(polled.responseText);
      }
      if (photo.status === "ready") {
        showResult(item, "ok", "Uploaded: " + photo.title, photo.page);
        item.done = true;
      } else if (photo.status === "failed") {
        showResult(item, "error", photo.reason || "The photo could not be processed.");
        item.done = true;  // the file itself was refused: sending it again would fail again
      } else {
        showResult(item, "busy", "Still processing; it will appear in your photos shortly.");
        item.done = true;
      }
    } catch (failed) {
      showResult(item, "error", errorText(failed));
    } finally {
      item.sending = false;
      item.node.classList.toggle("is-done", item.done);
      for (const field of item.node.querySelectorAll("input, textarea")) field.disabled = item.done;
    }
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
