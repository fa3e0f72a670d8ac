// The photo page's viewer, on top of a page that works without it: the arrow keys and a
// horizontal swipe follow the <a rel="prev"> / <a rel="next"> links, and a click on the photo
// shows it full screen instead of opening the image alone. No inline script: the site's CSP.
(function () {
  "use strict";

  var viewer = document.querySelector("[data-viewer]");
  if (!viewer) {
    return;
  }
  var SWIPE_PX = 50;

  function follow(rel) {
    var link = document.querySelector('a[rel="' + rel + '"]');
    if (link) {
      window.location.assign(link.href);
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    if (event.target.closest && event.target.closest("input, textarea, select, button, [contenteditable]")) {
      return; // typing in the search box moves its caret, not the photo
    }
    if (event.key === "ArrowLeft") {
      follow("prev");
    } else if (event.key === "ArrowRight") {
      follow("next");
    }
  });

  var start = null;
  viewer.addEventListener("touchstart", function (event) {
    start = event.touches.length === 1 ? { x: event.touches[0].clientX, y: event.touches[0].clientY } : null;
  }, { passive: true });
  viewer.addEventListener("touchend", function (event) {
    if (!start) {
      return;
    }
    var touch = event.changedTouches[0];
    var dx = touch.clientX - start.x;
    var dy = touch.clientY - start.y;
    start = null;
    if (Math.abs(dx) > SWIPE_PX && Math.abs(dx) > 2 * Math.abs(dy)) {
      follow(dx > 0 ? "prev" : "next"); // the photo follows the finger: swipe right for the previous one
    }
  });

  // gettext() comes from the JavaScript catalog base.html loads first (/jsi18n/<language>/).
  var gettext = window.gettext || function (text) { return text; };
  var opener = viewer.querySelector(".viewer-full");
  if (opener && viewer.requestFullscreen) {
    document.addEventListener("fullscreenchange", function () {
      opener.title = document.fullscreenElement ? gettext("Exit full screen") : gettext("Full screen");
    });
    opener.addEventListener("click", function (event) {
      event.preventDefault();
      if (document.fullscreenElement) {
        document.exitFullscreen();
        return;
      }
      viewer.requestFullscreen().catch(function () {
        window.location.assign(opener.href); // refused (e.g. in a frame): the image alone
      });
    });
  }
})();
