// The photo page's viewer, on top of a page that works without it (plain previous/next links).
// ←/→ and a horizontal swipe step to the <a rel="prev"> / <a rel="next"> photo of the list the
// page was opened from; Space plays or pauses the slideshow; full screen stays on while stepping.
// A step fetches the next page and swaps in its parts marked data-viewer-part (the figure itself
// stays: it is the full-screen element), then pushState()s its URL and preloads the one after.
// No inline script: the site's CSP.
(function () {
  "use strict";

  var viewer = document.querySelector("[data-viewer]");
  if (!viewer) {
    return;
  }
  var SWIPE_PX = 50;
  // gettext() comes from the JavaScript catalog base.html loads first (/jsi18n/<language>/).
  var gettext = window.gettext || function (text) { return text; };
  var controls = viewer.querySelector("[data-viewer-controls]");
  var fullButton = viewer.querySelector("[data-viewer-fullscreen]");
  var playButton = viewer.querySelector("[data-viewer-play]");
  var intervalChoice = viewer.querySelector("[data-viewer-interval]");
  var status = viewer.querySelector("[data-viewer-status]");
  var pages = {}; // url -> Promise of its parsed document: the next page, fetched ahead
  var timer = null;
  var playing = false;
  var pausedByHiding = false;
  var stepping = false;

  if (controls) {
    controls.hidden = false; // the buttons need this script; without it the links remain
  }

  function link(rel) {
    return viewer.querySelector('[data-viewer-part="nav"] a[rel="' + rel + '"]');
  }

  function load(url) {
    if (!pages[url]) {
      pages[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      }).then(function (html) {
        return new DOMParser().parseFromString(html, "text/html");
      });
      pages[url].catch(function () { delete pages[url]; });
    }
    return pages[url];
  }

  // The next page and its photo fetched ahead, so the slideshow and the next key press show it at once.
  function preloadNext() {
    var next = link("next");
    if (!next) {
      return;
    }
    load(next.href).then(function (doc) {
      var img = doc.querySelector('[data-viewer-part="stage"] img');
      if (img) {
        var image = new Image();
        image.sizes = img.sizes;
        image.srcset = img.srcset;
        image.src = img.src;
      }
    }).catch(function () {});
  }

  function swapIn(doc, url) {
    var parts = viewer.ownerDocument.querySelectorAll("[data-viewer-part]");
    var incoming = doc.querySelector("[data-viewer]");
    if (!incoming) {
      return false; // not a viewer page (a photo still processing, an error): open it as a page
    }
    var focusedRel = document.activeElement && document.activeElement.getAttribute("rel");
    Array.prototype.forEach.call(parts, function (part) {
      var replacement = doc.querySelector('[data-viewer-part="' + part.getAttribute("data-viewer-part") + '"]');
      if (replacement) {
        part.replaceWith(document.importNode(replacement, true));
      }
    });
    document.title = doc.title;
    var stage = viewer.querySelector('[data-viewer-part="stage"]');
    var title = stage ? stage.getAttribute("data-title") : "";
    if (status) {
      status.textContent = title;
    }
    if (focusedRel) {
      // The link that had focus was replaced: the same one on the new photo, or the list's.
      var again = link(focusedRel) || viewer.querySelector(".viewer-list");
      if (again) {
        again.focus();
      }
    }
    bindOpener();
    return true;
  }

  function go(url, push) {
    if (stepping) {
      return Promise.resolve(false);
    }
    stepping = true;
    return load(url).then(function (doc) {
      stepping = false;
      delete pages[url]; // used: a later visit fetches it afresh (favourites, media links)
      if (!swapIn(doc, url)) {
        window.location.assign(url);
        return false;
      }
      if (push) {
        window.history.pushState({ viewer: true }, "", url);
      }
      preloadNext();
      return true;
    }, function () {
      stepping = false;
      window.location.assign(url); // offline, an error: the plain link's way
      return false;
    });
  }

  function step(rel) {
    var target = link(rel);
    if (!target) {
      return Promise.resolve(false);
    }
    return go(target.href, true);
  }

  // The links too, so a click in full screen stays there (a new tab, a modified click: the browser's).
  viewer.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest('[data-viewer-part="nav"] a[rel]');
    if (!target || event.button !== 0 || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    event.preventDefault();
    step(target.getAttribute("rel"));
  });

  window.addEventListener("popstate", function () {
    go(window.location.href, false);
  });

  // --- full screen: the Fullscreen API on the figure, or (refused, unsupported) a fixed overlay ---
  function isFull() {
    return viewer.classList.contains("is-full");
  }

  function showFull(on) {
    viewer.classList.toggle("is-full", on);
    if (fullButton) {
      fullButton.setAttribute("aria-pressed", on ? "true" : "false");
      fullButton.textContent = on ? gettext("Exit full screen") : gettext("Full screen");
    }
    var opener = viewer.querySelector(".viewer-full");
    if (opener) {
      opener.title = on ? gettext("Exit full screen") : gettext("Full screen");
    }
  }

  function toggleFull() {
    if (isFull()) {
      if (document.fullscreenElement) {
        document.exitFullscreen();
      } else {
        showFull(false);
      }
      return;
    }
    if (viewer.requestFullscreen) {
      viewer.requestFullscreen().catch(function () { showFull(true); });
    } else {
      showFull(true);
    }
  }

  document.addEventListener("fullscreenchange", function () {
    showFull(document.fullscreenElement === viewer);
  });

  function bindOpener() {
    var opener = viewer.querySelector(".viewer-full");
    if (opener) {
      opener.title = isFull() ? gettext("Exit full screen") : gettext("Full screen");
      opener.addEventListener("click", function (event) {
        event.preventDefault();
        toggleFull();
      });
    }
  }
  bindOpener();
  if (fullButton) {
    fullButton.addEventListener("click", toggleFull);
  }

  // --- the slideshow: steps every interval, stops at the end of the list, pauses in a hidden tab ---
  function intervalMs() {
    var seconds = intervalChoice ? parseFloat(intervalChoice.value) : 5;
    return (seconds > 0 ? seconds : 5) * 1000;
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = playing ? window.setTimeout(advance, intervalMs()) : null;
  }

  function advance() {
    if (!link("next")) {
      setPlaying(false);
      if (status) {
        status.textContent = gettext("End of the slideshow");
      }
      return;
    }
    step("next").then(schedule);
  }

  function setPlaying(on) {
    playing = on && Boolean(playButton);
    if (playButton) {
      playButton.setAttribute("aria-pressed", playing ? "true" : "false");
      playButton.textContent = playing ? gettext("Pause slideshow") : gettext("Play slideshow");
    }
    viewer.classList.toggle("is-playing", playing);
    schedule();
  }

  if (playButton) {
    playButton.addEventListener("click", function () {
      setPlaying(!playing);
      if (playing && status) {
        status.textContent = gettext("Slideshow playing");
      }
    });
  }
  if (intervalChoice) {
    intervalChoice.addEventListener("change", schedule);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden && playing) {
      pausedByHiding = true;
      setPlaying(false);
    } else if (!document.hidden && pausedByHiding) {
      pausedByHiding = false;
      setPlaying(true);
    }
  });

  // --- keys ---
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      return; // typing in the search box moves its caret, not the photo
    }
    if (event.key === "ArrowLeft" || event.key === "ArrowRight") {
      event.preventDefault();
      step(event.key === "ArrowLeft" ? "prev" : "next").then(function (moved) {
        if (moved && playing) {
          schedule(); // a step by hand starts the interval again
        }
      });
    } else if (event.key === " " && playButton && !(target.closest && target.closest("button, a"))) {
      event.preventDefault(); // not the page's scroll
      playButton.click();
    } else if (event.key === "Escape" && isFull() && !document.fullscreenElement) {
      showFull(false); // the overlay's way out (the browser's full screen leaves by itself)
    }
  });

  // --- swipe: a horizontal stroke steps; touch-action: pan-y (site.css) leaves vertical scrolling to the page ---
  var start = null;
  viewer.addEventListener("pointerdown", function (event) {
    start = event.isPrimary && event.pointerType !== "mouse" ? { x: event.clientX, y: event.clientY } : null;
  });
  viewer.addEventListener("pointercancel", function () { start = null; });
  viewer.addEventListener("pointerup", function (event) {
    if (!start) {
      return;
    }
    var dx = event.clientX - start.x;
    var dy = event.clientY - start.y;
    start = null;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
      step(dx > 0 ? "prev" : "next"); // the photo follows the finger: swipe right for the previous one
    }
  });

  if (window.history.replaceState) {
    window.history.replaceState({ viewer: true }, "", window.location.href);
  }
  preloadNext();
  viewer.setAttribute("data-viewer-ready", "true"); // for the browser tests: the handlers are on
})();
