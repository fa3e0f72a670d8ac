// The status page of a zip the worker builds: while it is pending, ask the API every few seconds
// and reload the page once the zip is ready (or failed). A <meta refresh> would reload it every
// time, which axe rightly flags (a reader loses their place); without JavaScript the page has a
// "Check again" link.
(function () {
  "use strict";
  const status = document.querySelector("[data-status-url]");
  if (!status) {
    return;
  }
  const every = Number(status.dataset.every || 5) * 1000;
  async function check() {
    try {
      const answer = await fetch(status.dataset.statusUrl, {credentials: "same-origin"});
      if (answer.ok && (await answer.json()).status !== "pending") {
        window.location.reload();
        return;
      }
    } catch (error) {
      // The network is down for a moment: ask again later.
    }
    window.setTimeout(check, every);
  }
  window.setTimeout(check, every);
})();
