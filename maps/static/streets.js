/* The streets layer of a team's map (maps/streets.py): grey lines under the route and each
   street's name once. Names come from OpenStreetMap: they go in as text (textContent), never
   as markup. Panes of their own: the lines under the route, the names over its line (so the
   streets it takes stay named) and under the stops and arrows. */
function vaxrouteStreets(map, group, data) {
  if (!map.getPane('vr-streets')) {
    map.createPane('vr-streets').style.zIndex = 350;
    var names = map.createPane('vr-street-names');
    names.style.zIndex = 450;  /* over the route's line (names of the streets it takes), under the stops */
    names.style.pointerEvents = 'none';
  }
  var widths = [2, 4, 7];
  data.w.forEach(function (w) {
    var pts = [];
    for (var i = 2; i + 1 < w.length; i += 2) { pts.push([w[i], w[i + 1]]); }
    L.polyline(pts, { pane: 'vr-streets', color: w[0] === 2 ? '#c4c4c4' : '#d2d2d2',
      weight: widths[w[0]], opacity: 1, interactive: false, lineCap: 'round',
      lineJoin: 'round' }).addTo(group);
  });
  var labels = [];
  data.l.forEach(function (l) {
    var text = document.createElement('span');
    text.className = 'vr-street-name';
    text.textContent = data.n[l[0]];
    text.style.transform = 'translate(-50%, -50%) rotate(' + l[3] + 'deg)';
    labels.push({ el: text, at: L.latLng(l[1], l[2]), angle: l[3] * Math.PI / 180 });
    L.marker([l[1], l[2]], { pane: 'vr-street-names', interactive: false, keyboard: false,
      icon: L.divIcon({ html: text, className: 'vr-street-label', iconSize: [0, 0] })
    }).addTo(group);
  });
  /* Names come main roads and long streets first; one that would overlap a stop, the station
     or a name already shown is hidden at this zoom. Boxes in the map's own pixels (not the screen's, which
     a zoom animation moves): the turned text's bounding box around its point. */
  var declutter = function () {
    if (!map.hasLayer(group)) { return; }
    var kept = [];
    map.eachLayer(function (layer) {  /* the stops and the station shown: no name under them */
      var icon = layer instanceof L.Marker && layer.options.icon;
      if (!icon || icon.options.className !== 'vr-icon') { return; }
      var p = map.latLngToLayerPoint(layer.getLatLng());
      var half = (icon.options.iconSize || [34, 34])[0] / 2 + 2;
      kept.push({ left: p.x - half, right: p.x + half, top: p.y - half, bottom: p.y + half });
    });
    labels.forEach(function (label) {
      var p = map.latLngToLayerPoint(label.at);
      var w = label.el.offsetWidth, h = label.el.offsetHeight;
      var c = Math.abs(Math.cos(label.angle)), s = Math.abs(Math.sin(label.angle));
      var hw = (w * c + h * s) / 2 + 2, hh = (w * s + h * c) / 2 + 1;
      var r = { left: p.x - hw, right: p.x + hw, top: p.y - hh, bottom: p.y + hh };
      var hit = kept.some(function (k) {
        return r.left < k.right && r.right > k.left && r.top < k.bottom && r.bottom > k.top;
      });
      label.el.style.visibility = hit ? 'hidden' : 'visible';
      if (!hit) { kept.push(r); }
    });
  };
  map.on('zoomend overlayadd overlayremove', declutter);
  map.whenReady(function () { setTimeout(declutter, 0); });
}
