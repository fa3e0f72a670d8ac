// Select many on a photo grid (templates/gallery/_select.html), on top of a grid of links that
// works without it: "Select" turns select mode on; then a click or tap on a card, or Space or
// Enter on its check button, toggles it, a shift-click selects the range from the last card
// clicked, "Select all on this page" takes every card; the bar at the bottom posts the ids.
// No inline script: the site's CSP. Words from the JavaScript catalog (/jsi18n/<language>/).
(function () {
  "use strict";

  var bar = document.querySelector("[data-select]");
  var grid = document.querySelector("[data-select-grid]");
  var toolbar = document.querySelector("[data-select-toolbar]");
  if (!bar || !grid || !toolbar) {
    return;
  }
  var gettext = window.gettext || function (text) { return text; };
  var ngettext = window.ngettext || function (one, many, count) { return count === 1 ? one : many; };
  var interpolate = window.interpolate || function (text, values) { return text.replace("%s", values[0]); };
  var toggle = toolbar.querySelector("[data-select-toggle]");
  var selectAll = toolbar.querySelector("[data-select-all]");
  var count = bar.querySelector("[data-select-count]");
  var ownOnly = bar.querySelector("[data-own-only]");
  var userId = bar.getAttribute("data-user-id");
  var cards = Array.prototype.slice.call(grid.querySelectorAll(".card[data-photo-id]"));
  var albums = bar.querySelector("[data-albums]");
  var selecting = false;
  var last = null;
  var albumsAsked = false;

  toolbar.hidden = false;

  function checkOf(card) {
    return card.querySelector(".select-check");
  }

  function isSelected(card) {
    return card.classList.contains("selected");
  }

  function setSelected(card, on) {
    card.classList.toggle("selected", on);
    checkOf(card).setAttribute("aria-pressed", on ? "true" : "false");
  }

  function refresh() {
    var chosen = cards.filter(isSelected);
    count.textContent = interpolate(
      ngettext("%s photo selected", "%s photos selected", chosen.length), [chosen.length]
    );
    // The owner's actions only while every selected photo is the user's own.
    ownOnly.hidden = !chosen.every(function (card) { return card.getAttribute("data-owner-id") === userId; });
    bar.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = chosen.length === 0;
    });
  }

  // The user's albums for "Add to album", asked for once, when select mode first opens: a list
  // page does not ask for them (/api/albums/, every page of it). None, or no answer: no album group.
  function loadAlbums(url) {
    var select = albums.querySelector("select");
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.json();
      })
      .then(function (body) {
        body.results.forEach(function (album) {
          var option = document.createElement("option");
          option.value = album.id;
          option.textContent = album.title;
          select.appendChild(option);
        });
        if (body.next) {
          loadAlbums(body.next);
        } else {
          albums.hidden = select.options.length === 0;
        }
      })
      .catch(function () {
        albums.hidden = select.options.length === 0;
      });
  }

  function start() {
    selecting = true;
    if (albums && !albumsAsked) {
      albumsAsked = true;
      loadAlbums(albums.getAttribute("data-albums"));
    }
    cards.forEach(function (card) {
      var title = card.querySelector(".title");
      var check = document.createElement("button");
      check.type = "button";
      check.className = "select-check";
      check.setAttribute("aria-pressed", "false");
      check.setAttribute("aria-label", interpolate(gettext("Select “%s”"), [title ? title.textContent : ""]));
      card.insertBefore(check, card.firstChild);
      card.classList.add("selectable");
      // One stop per card for the keyboard: its check button (its links select too, on a click).
      card.querySelectorAll("a").forEach(function (link) { link.setAttribute("tabindex", "-1"); });
    });
    bar.hidden = false;
    selectAll.hidden = false;
    toggle.setAttribute("aria-pressed", "true");
    toggle.textContent = gettext("Cancel selection");
    document.body.classList.add("selecting");
    refresh();
  }

  function stop() {
    selecting = false;
    cards.forEach(function (card) {
      setSelected(card, false);
      card.removeChild(checkOf(card));
      card.classList.remove("selectable");
      card.querySelectorAll("a").forEach(function (link) { link.removeAttribute("tabindex"); });
    });
    bar.hidden = true;
    selectAll.hidden = true;
    toggle.setAttribute("aria-pressed", "false");
    toggle.textContent = gettext("Select");
    document.body.classList.remove("selecting");
    last = null;
  }

  toggle.addEventListener("click", function () {
    if (selecting) {
      stop();
    } else {
      start();
    }
  });

  selectAll.addEventListener("click", function () {
    cards.forEach(function (card) { setSelected(card, true); });
    refresh();
  });

  // A click anywhere on a card (its links included) selects in select mode, never navigates.
  grid.addEventListener("click", function (event) {
    if (!selecting) {
      return;
    }
    var card = event.target.closest(".card[data-photo-id]");
    if (!card) {
      return;
    }
    event.preventDefault();
    var on = !isSelected(card);
    var index = cards.indexOf(card);
    if (event.shiftKey && last !== null) {
      var from = Math.min(last, index);
      var to = Math.max(last, index);
      for (var i = from; i <= to; i += 1) {
        setSelected(cards[i], on);
      }
    } else {
      setSelected(card, on);
    }
    last = index;
    checkOf(card).focus();
    refresh();
  });

  bar.addEventListener("submit", function (event) {
    var chosen = cards.filter(isSelected);
    if (!chosen.length) {
      event.preventDefault();
      return;
    }
    bar.querySelectorAll("input[name=photo_ids]").forEach(function (input) { input.remove(); });
    chosen.forEach(function (card) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = "photo_ids";
      input.value = card.getAttribute("data-photo-id");
      bar.appendChild(input);
    });
  });
})();
