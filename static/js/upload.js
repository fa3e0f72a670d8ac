// Several photos at once: drag-and-drop or choose, a title/description/tags per file (title
// defaults to the file name; tags can be added to every file at once), then each file goes
// straight to S3 (docs/api.md, "Uploads straight to S3"): POST /api/uploads/ signs one S3 POST,
// the file goes to S3 with its own progress bar, POST .../complete/ hands it to the worker, and
// the page asks the photo's status until it is ready or failed. Two files travel at once; the
// others wait their turn. A summary ends the batch. Without JavaScript the page keeps its plain
// one-file form (the inline path). Every text goes through Django's JavaScript catalog when the
// page loads it (gettext, ngettext, interpolate), and stays English without it.
(function () {
  "use strict";
  const gettext = window.gettext || function (text) { return text; };
  const ngettext = window.ngettext || function (singular, plural, count) {
    return count === 1 ? singular : plural;
  };
  const interpolate = window.interpolate || function (format, values, named) {
    if (named) {
      return format.replace(/%\((\w+)\)s/g, function (match, name) { return String(values[name]); });
    }
    let index = 0;
    return format.replace(/%s/g, function () { return String(values[index++]); });
  };

  const root = document.getElementById("multi-upload");
  const plainForm = document.querySelector("form[enctype='multipart/form-data']");
  if (!root || !plainForm || !window.FormData || !window.XMLHttpRequest) return;

  const uploadsUrl = root.dataset.uploadsUrl;
  const photosUrl = root.dataset.photosUrl;
  const csrfToken = plainForm.querySelector("input[name=csrfmiddlewaretoken]").value;
  const maxBytes = Number(root.dataset.maxBytes);
  const dropZone = root.querySelector(".drop-zone");
  const picker = root.querySelector("input[type=file]");
  const list = root.querySelector(".upload-list");
  const startButton = root.querySelector(".start-upload");
  const allTags = root.querySelector(".all-tags input");
  const applyTags = root.querySelector(".apply-tags");
  const summary = root.querySelector(".upload-summary");
  const template = document.getElementById("upload-item-template");
  const items = [];
  let counter = 0;
  const PREVIEW_BYTES = 15 * 1024 * 1024;
  const POLL_MS = 1000;
  const POLL_TRIES = 120;
  // Files travelling to S3 at once: enough to keep the line busy, few enough that each bar moves.
  const PARALLEL = 2;

  plainForm.hidden = true;
  const heading = document.querySelector("main h1");
  if (heading) heading.textContent = gettext("Upload photos");
  root.hidden = false;

  function titleFromName(name) {
    return name.replace(/\.[^.]+$/, "").replace(/[_-]+/g, " ").trim() || name;
  }

  function addFiles(files) {
    for (const file of files) {
      const node = template.content.firstElementChild.cloneNode(true);
      const item = { file: file, node: node, state: "new", done: false };
      // Radio groups are per document: each file's buttons need a name of their own (the field's
      // name stays in data-field, which is what the API is sent).
      counter += 1;
      node.id = "upload-item-" + counter;
      for (const radio of node.querySelectorAll("input[type=radio]")) {
        radio.dataset.field = radio.name;
        radio.name = radio.name + "-" + counter;
      }
      node.querySelector(".file-name").textContent = file.name;
      node.querySelector("input[name=title]").value = titleFromName(file.name);
      node.querySelector("progress").setAttribute(
        "aria-label", interpolate(gettext("Upload progress of %(name)s"), { name: file.name }, true)
      );
      // A data: URL, not a blob: one, so the site's Content-Security-Policy (img-src data:) allows it.
      if (file.type.startsWith("image/") && !/hei[cf]|tiff/.test(file.type) && file.size <= PREVIEW_BYTES) {
        const reader = new FileReader();
        reader.addEventListener("load", function () {
          const preview = node.querySelector("img");
          // Shown once it decodes: a file that only claims to be an image gets no broken icon.
          preview.addEventListener("load", function () { preview.hidden = false; });
          preview.src = reader.result;
        });
        reader.readAsDataURL(file);
      }
      node.querySelector(".remove").addEventListener("click", function () {
        if (item.state !== "new" && !item.done) return;  // waiting or on its way
        items.splice(items.indexOf(item), 1);
        node.remove();
        refresh();
      });
      items.push(item);
      list.appendChild(node);
      if (file.size > maxBytes) {
        fail(item, interpolate(
          gettext("Too large: the limit is %(size)s MB."), { size: Math.round(maxBytes / 1048576) }, true
        ));
      }
    }
    summary.hidden = true;
    refresh();
  }

  function pending() {
    return items.filter(function (item) { return item.state === "new"; });
  }

  function refresh() {
    const count = pending().length;
    const busy = items.some(function (item) {
      return item.state === "waiting" || item.state === "sending";
    });
    startButton.disabled = count === 0 || busy;
    const many = ngettext("Upload %(count)s photo", "Upload %(count)s photos", count);
    startButton.textContent = count > 1 ? interpolate(many, { count: count }, true) : gettext("Upload");
    applyTags.disabled = count === 0;
  }

  // The state of a file, on the item and its bar: new, waiting, sending, processing, done, failed
  // (the stylesheet colours the bar by it: a failed file's bar is never the green of a done one).
  function setState(item, state) {
    item.state = state;
    item.node.dataset.state = state;
    item.node.querySelector("progress").dataset.state = state;
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

  function finish(item, state) {
    setState(item, state);
    item.done = true;
    item.node.classList.add("is-done");
    for (const field of item.node.querySelectorAll("input, textarea, select")) field.disabled = true;
  }

  function fail(item, message) {
    showResult(item, "error", message);
    finish(item, "failed");
  }

  // A refusal in words for the person: the API's "error" is written for them; S3 answers in XML.
  function errorText(xhr) {
    let body = null;
    try { body = JSON.parse(xhr.responseText); } catch (ignored) { /* not JSON */ }
    if (body && body.error) return body.error;
    if (body && body.errors) {
      return Object.keys(body.errors).map(function (name) { return body.errors[name].join(" "); }).join(" ");
    }
    // e.g. <Code>EntityTooLarge</Code> for a file over the signed limit.
    const code = /<Code>([^<]+)<\/Code>/.exec(xhr.responseText || "");
    if ((code && code[1] === "EntityTooLarge") || xhr.status === 413) {
      return gettext("The file is too large.");
    }
    if (code) return gettext("The storage refused the file. Please try again.");
    if (!xhr.status) return gettext("The connection was lost. Please try again.");
    return interpolate(
      gettext("Upload failed (error %(status)s). Please try again."), { status: xhr.status }, true
    );
  }

  // One request; resolves with the XMLHttpRequest whatever its status, rejects on a network
  // error. `toS3` sends no header of ours: the CSRF token is for this site only.
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

  // The item's fields are the details form's, rendered by the page: sent by their names.
  function details(item) {
    const fields = {};
    for (const field of item.node.querySelectorAll("input[name], textarea[name], select[name]")) {
      if (field.type === "radio" && !field.checked) continue;
      fields[field.dataset.field || field.name] = field.type === "checkbox" ? field.checked : field.value;
    }
    return fields;
  }

  function wait(ms) {
    return new Promise(function (resolve) { setTimeout(resolve, ms); });
  }

  // Start, the file to S3, complete: what holds one of the PARALLEL places. Resolves with the
  // photo being processed, or null when the file was refused (the item then shows why).
  async function transfer(item) {
    const bar = item.node.querySelector("progress");
    setState(item, "sending");
    showResult(item, "busy", gettext("Uploading…"));
    // 1. A presigned POST for this one file.
    const start = await request("POST", uploadsUrl, JSON.stringify({
      filename: item.file.name, content_type: item.file.type, size: item.file.size,
    }));
    if (start.status !== 201) return fail(item, errorText(start));
    const upload = JSON.parse(start.responseText);
    // 2. The file straight to S3: the signed fields first, the file last (S3 requires it).
    const form = new FormData();
    for (const name of Object.keys(upload.fields)) form.append(name, upload.fields[name]);
    form.append("file", item.file);
    const stored = await request("POST", upload.url, form, function (done) { bar.value = done; }, true);
    if (stored.status < 200 || stored.status >= 300) return fail(item, errorText(stored));
    bar.value = 1;
    // 3. Hand it to the worker with what the owner said of it, after the file before it in the
    // list (completed or refused): a photo's time is its complete's, so the gallery keeps their order.
    await item.previousTurn;
    const completed = await request(
      "POST", uploadsUrl + upload.upload_id + "/complete/", JSON.stringify(details(item))
    );
    if (completed.status !== 202) return fail(item, errorText(completed));
    return JSON.parse(completed.responseText);
  }

  // 4. Ready in seconds: ask until the worker has published it or said why it could not (out of
  // the PARALLEL places: asking costs nothing, and the next file need not wait for the worker).
  async function follow(item, photo) {
    setState(item, "processing");
    showResult(item, "busy", gettext("Processing…"));
    for (let tries = 0; photo.status === "processing" && tries < POLL_TRIES; tries += 1) {
      await wait(POLL_MS);
      const polled = await request("GET", photo.url);
      if (polled.status === 200) photo = JSON.parse(polled.responseText);
    }
    if (photo.status === "ready") {
      item.page = photo.page;
      const text = interpolate(gettext("Uploaded: %(title)s"), { title: photo.title }, true);
      showResult(item, "ok", text, photo.page);
      finish(item, "done");
    } else if (photo.status === "failed") {
      // The file itself was refused: sending it again would fail again.
      fail(item, photo.reason || gettext("The photo could not be processed."));
    } else {
      showResult(item, "busy", gettext("Still processing; it will appear in your photos shortly."));
      finish(item, "processing");
    }
  }

  // The queue: PARALLEL lanes take the next waiting file until none is left (each file completes
  // after the one before it); each file's processing is followed outside its lane. The summary
  // comes once every file has an end.
  async function sendAll() {
    const queue = pending();
    if (!queue.length) return;
    summary.hidden = true;
    for (const item of queue) {
      setState(item, "waiting");
      showResult(item, "busy", gettext("Waiting…"));
      for (const field of item.node.querySelectorAll("input, textarea")) field.disabled = true;
    }
    refresh();
    const following = [];
    let previousTurn = Promise.resolve();
    for (const item of queue) {
      item.previousTurn = previousTurn;
      previousTurn = new Promise(function (resolve) { item.endTurn = resolve; });
    }
    async function lane() {
      while (queue.length) {
        const item = queue.shift();
        let photo = null;
        try {
          photo = await transfer(item);
        } catch (failed) {
          fail(item, errorText(failed));
        } finally {
          item.endTurn();
        }
        if (photo) {
          following.push(follow(item, photo).catch(function (failed) { fail(item, errorText(failed)); }));
        }
      }
    }
    const lanes = [];
    for (let count = 0; count < PARALLEL; count += 1) lanes.push(lane());
    await Promise.all(lanes);
    await Promise.all(following);
    showSummary(items.filter(function (item) { return item.done; }));
    refresh();
  }

  // "3 uploaded, 1 failed", with a link to one's photos and to each file that failed.
  function showSummary(finished) {
    const done = finished.filter(function (item) { return item.state === "done"; });
    const failed = finished.filter(function (item) { return item.state === "failed"; });
    const processing = finished.filter(function (item) { return item.state === "processing"; });
    const parts = [interpolate(
      ngettext("%(count)s uploaded", "%(count)s uploaded", done.length), { count: done.length }, true
    )];
    if (failed.length) {
      parts.push(interpolate(
        ngettext("%(count)s failed", "%(count)s failed", failed.length), { count: failed.length }, true
      ));
    }
    if (processing.length) {
      parts.push(interpolate(
        ngettext("%(count)s still processing", "%(count)s still processing", processing.length),
        { count: processing.length }, true
      ));
    }
    summary.textContent = "";
    const counts = document.createElement("strong");
    counts.className = "summary-counts";
    counts.textContent = parts.join(gettext(", "));
    summary.appendChild(counts);
    if (done.length && photosUrl) {
      summary.appendChild(document.createTextNode(" "));
      const link = document.createElement("a");
      link.href = photosUrl;
      link.textContent = gettext("See your photos");
      summary.appendChild(link);
    }
    if (failed.length) {
      const failures = document.createElement("ul");
      failures.className = "summary-failed";
      for (const item of failed) {
        const entry = document.createElement("li");
        const link = document.createElement("a");
        link.href = "#" + item.node.id;
        link.textContent = item.file.name;
        entry.appendChild(link);
        entry.appendChild(document.createTextNode(" " + item.node.querySelector(".result").textContent));
        failures.appendChild(entry);
      }
      summary.appendChild(failures);
    }
    summary.hidden = false;
  }

  // The tags typed once are added to each file not sent yet, after its own (none twice).
  function applyTagsToAll() {
    const added = allTags.value.split(/[,\s]+/).filter(Boolean);
    for (const item of pending()) {
      const field = item.node.querySelector("input[name=tags]");
      const own = field.value.split(/[,\s]+/).filter(Boolean);
      const known = own.map(function (tag) { return tag.toLowerCase(); });
      for (const tag of added) {
        if (known.indexOf(tag.toLowerCase()) === -1) {
          own.push(tag);
          known.push(tag.toLowerCase());
        }
      }
      field.value = own.join(", ");
    }
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
  applyTags.addEventListener("click", applyTagsToAll);
  allTags.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      event.preventDefault();
      applyTagsToAll();
    }
  });
  startButton.addEventListener("click", sendAll);
  refresh();
})();
