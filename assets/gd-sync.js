/* geodash side by side (Nebeneinander): two maps that draw one geometry download and move
 * together, in the browser only.
 *
 * The Python side is geodash/web/pages/side_by_side.py. Each map is an areas layer of
 * assets/gd-map.js (recoloured by gdMap.paint from its own switch payload); this file
 * adds what two maps need:
 *
 * - loadAreas: one fetch and one decode of the area geometry, handed to both layers;
 * - pan and zoom: a move of one map sets the other to the same centre and zoom;
 * - hover: pointing at an area highlights the same area on the other map and opens its
 *   tooltip there (that map's own value).
 *
 * Contract for tests: each map's container (id "nebeneinander-<side>-graph") carries
 * data-gd-linked="1" once both maps follow each other.
 */
(function () {
    "use strict";
    var sync = window.gdSync = window.gdSync || {};
    var HIGHLIGHT = {weight: 3, color: "#333333"};
    var PLAIN = {weight: 1.2, color: "#ffffff"};

    function maps() {
        return window.gdMap._maps;
    }

    /* Clientside callback: fetch and decode the geometry once; the same features go to
     * every map in mapIds (gdMap keeps names and keys per map, as its own loadAreas does). */
    sync.loadAreas = function (url, mapIds) {
        if (!url) {
            return mapIds.map(function () { return window.dash_clientside.no_update; });
        }
        return fetch(url).then(function (response) {
            if (!response.ok) {
                throw new Error("area geometry: HTTP " + response.status);
            }
            return response.arrayBuffer();
        }).then(function (buffer) {
            var data = window.gdMap.decodeAreas(buffer);
            var names = data.names, keys = data.keys;
            delete data.names;
            delete data.keys;
            mapIds.forEach(function (id) {
                var e = maps()[id] = maps()[id] || {view: null, generation: 0};
                e.layers = new Array(data.features.length);
                e.size = 0;
                e.ordered = false;
                e.names = names;
                e.keys = keys;
            });
            link(mapIds);
            return mapIds.map(function () { return data; });
        });
    };

    /* The Leaflet map of a container once all its areas are on it, else null. */
    function leafletMap(id) {
        var e = maps()[id];
        if (!e || !e.layers || !e.layers.length || e.size !== e.layers.length) {
            return null;
        }
        return (e.layers[0] && e.layers[0]._map) || null;
    }

    function follow(source, target) {
        source.on("move zoom moveend zoomend", function () {
            if (source._gdFollowing) {
                return;  // this move was set by the twin: do not echo it back
            }
            target._gdFollowing = true;
            try {
                target.setView(source.getCenter(), source.getZoom(), {animate: false});
            } finally {
                target._gdFollowing = false;
            }
        });
    }

    function fitAll(id, map) {
        var bounds = window.L.latLngBounds([]);
        maps()[id].layers.forEach(function (layer) { bounds.extend(layer.getBounds()); });
        if (bounds.isValid()) {
            map.fitBounds(bounds, {animate: false, padding: [8, 8]});
        }
    }

    /* Wait until both maps hold their areas; then show every area and move them together. */
    function link(mapIds) {
        var deadline = Date.now() + 60000;
        function attempt() {
            var first = leafletMap(mapIds[0]), second = leafletMap(mapIds[1]);
            if (!first || !second) {
                if (Date.now() < deadline) {
                    window.requestAnimationFrame(attempt);
                }
                return;
            }
            if (first._gdTwin !== second) {
                first._gdTwin = second;
                second._gdTwin = first;
                follow(first, second);
                follow(second, first);
            }
            fitAll(mapIds[0], first);  // the second map follows
            mapIds.forEach(function (id) {
                var el = document.getElementById(id);
                if (el) {
                    el.setAttribute("data-gd-linked", "1");
                }
            });
        }
        window.requestAnimationFrame(attempt);
    }
    sync.leafletMap = leafletMap;

    /* gdMap's hover text; a change map's payload (signed) writes a rise as "+2,5". */
    sync.hoverText = function (mapId, i) {
        var text = window.gdMap.hoverText(mapId, i), view = maps()[mapId].view;
        if (view && view.signed && view.v[i] > 0 && !view._withheld[i]) {
            var lines = text.split("<br>");  // the name is escaped: it holds no <br>
            lines[1] = "+" + lines[1];
            text = lines.join("<br>");
        }
        return text;
    };

    /* dash-leaflet onEachFeature of both areas layers: gdMap's tooltip, highlight and click,
     * plus the same highlight and tooltip on the twin map. */
    sync.bindArea = function (feature, layer, context) {
        window.gdMap.bindArea(feature, layer, context);
        var i = feature.properties.i, twinId = context.hideout.twin, mapId = context.hideout.map;
        layer.unbindTooltip();
        layer.bindTooltip(function () { return sync.hoverText(mapId, i); },
                          {sticky: true, className: "gd-map-tooltip"});
        function twin() {
            var e = maps()[twinId];
            var other = e && e.layers ? e.layers[i] : null;
            return other && other._map ? other : null;
        }
        layer.on("mouseover", function () {
            var other = twin();
            if (other) {
                other.setStyle(HIGHLIGHT);
                other.openTooltip(other.getBounds().getCenter());
            }
        });
        layer.on("mouseout", function () {
            var other = twin();
            if (other) {
                other.setStyle(PLAIN);
                other.closeTooltip();
            }
        });
    };
}());
