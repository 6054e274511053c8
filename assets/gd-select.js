/* geodash selection (Karte → Auswahl): rectangle and lasso drawn on the map, outlines of the
 * selected areas. Written for geodash; no plugin, nothing loaded from elsewhere.
 *
 * The Python side is geodash/web/pages/map_selection.py. The Leaflet map is the one the
 * areas layer of assets/gd-map.js is on (window.gdMap._maps[mapId]). A finished shape
 * finds the areas whose centre (sent by the server: a point inside each area) lies inside
 * and writes {keys, at} into the event store; the server adds them to the URL's
 * "gebiete", and the selected keys come back for the outlines.
 *
 * For tests and checks, the map element carries data-gd-selected (the number of areas
 * outlined) once the outlines are drawn.
 */
(function () {
    "use strict";
    var sel = window.gdSelect = window.gdSelect || {};
    // Browser state of this tab only, one entry per map element id.
    var maps = sel._maps = sel._maps || {};
    var DRAWING = {rechteck: true, lasso: true};
    var STYLE = {color: "#111111", weight: 2, dashArray: "6 4", fill: true, fillOpacity: 0.08,
                 interactive: false};

    function entry(id) {
        if (!maps[id]) {
            maps[id] = {tool: "profil", centres: null, event: null, map: null, outline: null,
                        shape: null, start: null, points: [], keys: []};
        }
        return maps[id];
    }

    function leafletMap(mapId) {
        var e = window.gdMap && window.gdMap._maps && window.gdMap._maps[mapId];
        var layer = e && e.layers && e.layers[0];
        return layer && layer._map ? layer._map : null;
    }

    function whenMap(mapId, then) {
        var deadline = Date.now() + 60000;
        (function attempt() {
            var m = leafletMap(mapId);
            if (m) {
                then(m);
            } else if (Date.now() < deadline) {
                window.requestAnimationFrame(attempt);
            }
        }());
    }

    // Ray casting: is (x, y) inside the ring of [lng, lat] points?
    function inRing(x, y, ring) {
        var inside = false;
        for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
            var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
            if ((yi > y) !== (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) {
                inside = !inside;
            }
        }
        return inside;
    }
    sel.inRing = inRing;

    /* The keys of the areas whose centre lies inside a rectangle ({west, south, east, north})
     * or a ring of [lng, lat] points. */
    sel.keysInside = function (centres, shape) {
        var found = [];
        if (!centres) {
            return found;
        }
        for (var i = 0; i < centres.keys.length; i++) {
            var x = centres.x[i], y = centres.y[i];
            var hit = shape.ring ? inRing(x, y, shape.ring)
                : (x >= shape.west && x <= shape.east && y >= shape.south && y <= shape.north);
            if (hit) {
                found.push(centres.keys[i]);
            }
        }
        return found;
    };

    function finish(mapId) {
        var e = entry(mapId);
        if (!e.shape) {
            return;
        }
        var shape;
        if (e.tool === "rechteck") {
            var b = e.shape.getBounds();
            shape = {west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth()};
        } else {
            shape = {ring: e.points.map(function (p) { return [p.lng, p.lat]; })};
        }
        e.map.removeLayer(e.shape);
        e.shape = null;
        e.start = null;
        if (!shape.ring || shape.ring.length >= 3) {
            window.dash_clientside.set_props(e.event, {data: {keys: sel.keysInside(e.centres, shape),
                                                             at: Date.now()}});
        }
    }

    function attach(mapId, m) {
        var e = entry(mapId);
        if (e.map === m) {
            return;
        }
        e.map = m;
        e.outline = null;
        m.on("mousedown", function (ev) {
            if (!DRAWING[e.tool] || (ev.originalEvent && ev.originalEvent.button)) {
                return;
            }
            e.start = ev.latlng;
            e.points = [ev.latlng];
            e.shape = e.tool === "rechteck"
                ? window.L.rectangle(window.L.latLngBounds(ev.latlng, ev.latlng), STYLE)
                : window.L.polygon([ev.latlng], STYLE);
            e.shape.addTo(m);
        });
        m.on("mousemove", function (ev) {
            if (!e.shape) {
                return;
            }
            if (e.tool === "rechteck") {
                e.shape.setBounds(window.L.latLngBounds(e.start, ev.latlng));
            } else {
                var last = m.latLngToContainerPoint(e.points[e.points.length - 1]);
                if (last.distanceTo(ev.containerPoint) >= 4) {
                    e.points.push(ev.latlng);
                    e.shape.setLatLngs(e.points);
                }
            }
        });
        m.on("mouseup", function () { finish(mapId); });
        m.getContainer().addEventListener("mouseleave", function () { finish(mapId); });
    }

    function applyTool(mapId, m) {
        var e = entry(mapId);
        var drawing = Boolean(DRAWING[e.tool]);
        // While drawing, a drag draws instead of moving the map.
        if (drawing) {
            m.dragging.disable();
            m.boxZoom.disable();
        } else {
            m.dragging.enable();
            m.boxZoom.enable();
        }
        m.getContainer().classList.toggle("gd-selecting", drawing);
    }

    /* Clientside callback: the tool picked, the area centres, the id of the event store. */
    sel.setTool = function (mapId, tool, centres, eventId) {
        var e = entry(mapId);
        e.tool = tool || "profil";
        e.centres = centres || e.centres;
        e.event = eventId;
        whenMap(mapId, function (m) {
            attach(mapId, m);
            applyTool(mapId, m);
        });
        return window.dash_clientside.no_update;
    };

    /* Clientside callback: outline the selected areas above the colours (not clickable). */
    sel.highlight = function (mapId, keys) {
        var e = entry(mapId);
        e.keys = keys || [];
        whenMap(mapId, function (m) {
            var areas = window.gdMap._maps[mapId];
            var wanted = {};
            e.keys.forEach(function (k) { wanted[k] = true; });
            var features = [];
            areas.layers.forEach(function (layer) {
                if (layer && layer.feature && wanted[layer.feature.properties.key]) {
                    features.push(layer.feature);
                }
            });
            if (e.outline && e.outline._map) {
                e.outline.remove();
            }
            e.outline = window.L.geoJSON({type: "FeatureCollection", features: features}, {
                style: function () {
                    return {color: "#111111", weight: 3.5, fill: false, opacity: 1};
                },
                interactive: false
            }).addTo(m);
            var el = document.getElementById(mapId);
            if (el) {
                el.setAttribute("data-gd-selected", String(features.length));
            }
        });
        return window.dash_clientside.no_update;
    };
}());
