// The owner's map (/me/map/): their geotagged photos from GET /api/map/, clustered (Leaflet and
// Leaflet.markercluster, vendored under static/vendor/); a marker opens a popup with the photo's
// thumbnail linking its page. No inline script, no HTML strings: the site's CSP.
(function () {
  "use strict";

  const gettext = window.gettext || function (text) { return text; };
  const ngettext = window.ngettext || function (singular, plural, count) {
    return count === 1 ? singular : plural;
  };
  const interpolate = window.interpolate || function (format, values) {
    return format.replace("%s", values[0]);
  };
  const element = document.getElementById("photo-map");
  const status = document.getElementById("map-status");
  if (!element || !window.L) {
    return;
  }
  const map = window.L.map(element, { worldCopyJump: true }).setView([20, 0], 2);
  window.L.tileLayer(element.dataset.tiles, {
    maxZoom: 19,
    attribution: element.dataset.attribution,
  }).addTo(map);
  // Thousands of markers: added in chunks so the page stays responsive while they load.
  const cluster = window.L.markerClusterGroup({ chunkedLoading: true });
  map.addLayer(cluster);

  // The marker's images by their static URLs: Leaflet's own guess from its stylesheet fails on
  // the hashed names of the static files' manifest.
  const icon = new window.L.Icon.Default({
    iconUrl: element.dataset.icon,
    iconRetinaUrl: element.dataset.icon2x,
    shadowUrl: element.dataset.shadow,
  });

  function photoUrl(id) {
    return element.dataset.photoUrl.replace("00000000000000000000000000000000", id);
  }

  function popup(point) {
    const link = document.createElement("a");
    link.href = photoUrl(point.id);
    link.className = "map-popup";
    const image = document.createElement("img");
    image.src = point.thumbnail_url;
    image.alt = gettext("Open the photo");
    image.width = 160;
    link.appendChild(image);
    return link;
  }

  fetch(element.dataset.points, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(String(response.status));
      }
      return response.json();
    })
    .then(function (points) {
      const markers = points.map(function (point) {
        const marker = window.L.marker([point.lat, point.lon], { icon: icon, title: gettext("Photo"), alt: gettext("Photo") });
        marker.bindPopup(function () { return popup(point); });
        return marker;
      });
      cluster.addLayers(markers);
      if (markers.length) {
        map.fitBounds(cluster.getBounds(), { padding: [24, 24], maxZoom: 15 });
      }
      element.dataset.count = String(markers.length);
      status.textContent = markers.length
        ? interpolate(ngettext("%s photo with a position.", "%s photos with a position.", markers.length), [markers.length])
        : gettext("None of your photos has a GPS position yet.");
    })
    .catch(function () {
      status.textContent = gettext("Your photos could not be loaded; please reload the page.");
    });
})();
