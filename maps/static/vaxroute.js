/* VaxRoute map controls, no plugin needed: fullscreen, locate-me, the stop list. */
function vaxrouteControls(map, labels) {
  var Button = L.Control.extend({
    options: { position: 'topleft' },
    initialize: function (symbol, title, action) { this.symbol = symbol; this.title = title; this.action = action; },
    onAdd: function () {
      var bar = L.DomUtil.create('div', 'leaflet-bar');
      var a = L.DomUtil.create('a', 'vr-button', bar);
      a.href = '#'; a.title = this.title; a.setAttribute('role', 'button'); a.setAttribute('aria-label', this.title);
      a.innerHTML = this.symbol;
      L.DomEvent.on(a, 'click', L.DomEvent.stop).on(a, 'click', this.action);
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    }
  });
  var svg = function (path) {
    return '<svg width="24" height="24" viewBox="0 0 24 24" style="vertical-align:middle" fill="none" ' +
      'stroke="#111" stroke-width="2.5" stroke-linecap="round">' + path + '</svg>';
  };
  new Button(svg('<path d="M4 9V4h5M15 4h5v5M20 15v5h-5M9 20H4v-5"/>'), labels.fullscreen, function () {
    var el = document.documentElement;
    if (document.fullscreenElement) { document.exitFullscreen(); }
    else if (el.requestFullscreen) { el.requestFullscreen(); }
  }).addTo(map);
  var here = null;
  new Button(svg('<circle cx="12" cy="12" r="6"/><circle cx="12" cy="12" r="1.5" fill="#111"/>' +
               '<path d="M12 2v4M12 18v4M2 12h4M18 12h4"/>'), labels.locate, function () {
    map.locate({ setView: true, maxZoom: 17, watch: false, enableHighAccuracy: true });
  }).addTo(map);
  map.on('locationfound', function (e) {
    if (here) { map.removeLayer(here); }
    here = L.layerGroup([L.circle(e.latlng, { radius: e.accuracy, weight: 1, color: '#0a7', fillOpacity: 0.1 }),
                         L.circleMarker(e.latlng, { radius: 9, color: '#fff', weight: 3, fillColor: '#0a7', fillOpacity: 1 })]).addTo(map);
  });
  map.on('locationerror', function () { alert(labels.locate_failed); });
  var panel = document.getElementById('vr-panel');
  if (panel) {
    document.body.classList.add('vr-has-panel');
    /* a tap on a stop in the list: centre it, open its popup (no inline onclick: the CSP) */
    panel.addEventListener('click', function (e) {
      var item = e.target.closest ? e.target.closest('li[data-marker]') : null;
      if (item) {
        vaxrouteFocus(map, parseFloat(item.dataset.lat), parseFloat(item.dataset.lon), item.dataset.marker);
      }
    });
  }
  var toggle = document.getElementById('vr-toggle');
  if (toggle) {
    toggle.addEventListener('click', function () {
      document.body.classList.toggle('vr-panel-hidden');
      toggle.textContent = document.body.classList.contains('vr-panel-hidden') ? labels.show_list : labels.hide_list;
      setTimeout(function () { map.invalidateSize(); }, 50);
    });
  }
}
function vaxrouteFocus(map, lat, lon, markerName) {
  map.setView([lat, lon], Math.max(map.getZoom(), 17), { animate: false });
  var panel = document.getElementById('vr-panel');
  if (panel && !document.body.classList.contains('vr-panel-hidden')) {
    /* keep the stop in the middle of the part of the map the list leaves visible */
    if (window.innerHeight > window.innerWidth) { map.panBy([0, panel.offsetHeight / 2], { animate: false }); }
    else { map.panBy([panel.offsetWidth / 2, 0], { animate: false }); }
  }
  var marker = window[markerName];
  if (marker && marker.openPopup) { marker.openPopup(); }
}

/* Fit the route into the part of the screen the stop list does not cover. */
function vaxrouteFit(map, bounds) {
  var panel = document.getElementById('vr-panel');
  var hidden = document.body.classList.contains('vr-panel-hidden');
  var pad = [30, 30];
  if (panel && !hidden) {
    if (window.innerHeight > window.innerWidth) { pad = [30, panel.offsetHeight + 30]; }
    else { pad = [panel.offsetWidth + 30, 30]; }
  }
  map.fitBounds(bounds, { paddingTopLeft: [30, 30], paddingBottomRight: pad, maxZoom: 17 });
}

/* The overview's day switch (maps/territories.py): one day's layer at a time, the others one
   tap away; the layer control follows (Leaflet updates its boxes on add/remove). */
function vaxrouteDays(map, spec) {
  var Switch = L.Control.extend({
    options: { position: 'bottomright' },
    onAdd: function () {
      var bar = L.DomUtil.create('div', 'vr-days leaflet-bar');
      bar.setAttribute('role', 'group');
      bar.setAttribute('aria-label', spec.title);
      var buttons = spec.days.map(function (day, k) {
        var b = L.DomUtil.create('button', 'vr-day', bar);
        b.type = 'button';
        b.textContent = day.label;
        b.title = spec.title + ' ' + day.full;
        b.setAttribute('aria-label', spec.title + ' ' + day.full);
        b.dataset.layer = day.layer;
        b.setAttribute('aria-pressed', window[day.layer] && map.hasLayer(window[day.layer]) ? 'true' : 'false');
        L.DomEvent.on(b, 'click', function (e) { L.DomEvent.stop(e); show(k); });
        return b;
      });
      function show(k) {
        spec.days.forEach(function (day, j) {
          var layer = window[day.layer];
          if (!layer) { return; }
          if (j === k) { map.addLayer(layer); } else { map.removeLayer(layer); }
          buttons[j].setAttribute('aria-pressed', j === k ? 'true' : 'false');
        });
      }
      L.DomEvent.disableClickPropagation(bar);
      return bar;
    }
  });
  new Switch().addTo(map);
}
