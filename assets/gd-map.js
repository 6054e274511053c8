/* geodash map (Karte): decodes the area geometry once, recolours the areas already on the
 * map after a switch, builds hover texts in the browser, counts completed paints.
 *
 * The Python side is geodash/web/figures/map.py (components, payloads) and
 * geodash/web/wire.py (the geometry format decoded here). dash-leaflet calls the
 * functions below by name ({"variable": "gdMap.areaStyle"}, ...), with the layer's
 * props (hideout, map) as the last argument.
 *
 * Contract for benchmarks: the element with id "karte-graph" carries
 * data-gd-painted (incremented after every completed paint: first draw and each
 * recolour, one animation frame after the canvas has drawn) and data-gd-features
 * (the number of area features drawn).
 */
(function () {
    "use strict";
    var gd = window.gdMap = window.gdMap || {};
    // One entry per map container id: the area layers, names, keys and the current view.
    // Browser state of this tab only; nothing here is shared with other users.
    var maps = gd._maps = gd._maps || {};

    function entry(id) {
        if (!maps[id]) {
            maps[id] = {layers: [], names: [], keys: [], view: null, generation: 0, size: 0};
        }
        return maps[id];
    }

    function readVarints(bytes, start, count, out) {
        // Unsigned LEB128; numbers stay below 2^53, so plain arithmetic is exact.
        var pos = start;
        for (var i = 0; i < count; i++) {
            var value = 0, factor = 1, b;
            do {
                b = bytes[pos++];
                value += (b & 0x7f) * factor;
                factor *= 128;
            } while (b & 0x80);
            out[i] = value;
        }
        return pos;
    }

    function unzigzag(n) {
        return (n % 2) ? -(n + 1) / 2 : n / 2;
    }

    /* Decode the bytes of geodash.web.wire.encode_areas into a GeoJSON FeatureCollection
     * whose features carry properties.i (position) and properties.key. */
    gd.decodeAreas = function (buffer) {
        var view = new DataView(buffer);
        var size = view.getUint32(0, true);
        var header = JSON.parse(new TextDecoder("utf-8").decode(new Uint8Array(buffer, 4, size)));
        var bytes = new Uint8Array(buffer, 4 + size);
        var c = header.counts, nAreas = c[0], nPolys = c[1], nRings = c[2], nVertices = c[3];
        var nNew = c[4], nRuns = c[5];
        var polys = new Float64Array(nAreas), rings = new Float64Array(nPolys);
        var vertices = new Float64Array(nRings), runs = new Float64Array(nRuns);
        var deltas = new Float64Array(2 * nNew), codes = new Float64Array(nVertices - nNew);
        var pos = readVarints(bytes, 0, nAreas, polys);
        pos = readVarints(bytes, pos, nPolys, rings);
        pos = readVarints(bytes, pos, nRings, vertices);
        pos = readVarints(bytes, pos, nRuns, runs);
        pos = readVarints(bytes, pos, 2 * nNew, deltas);
        readVarints(bytes, pos, nVertices - nNew, codes);
        var scale = header.scale, x0 = header.x0, y0 = header.y0;
        // Every vertex in ring order: new ones from their deltas, repeats by the id they refer to.
        var xs = new Float64Array(nNew), ys = new Float64Array(nNew);
        var order = new Float64Array(nVertices);
        var qx = 0, qy = 0, made = 0, lastRef = 0, k = 0, d = 0;
        for (var run = 0; run < nRuns; run++) {
            for (var m = 0; m < runs[run]; m++, k++) {
                if (run % 2 === 0) {
                    qx += unzigzag(deltas[2 * made]);
                    qy += unzigzag(deltas[2 * made + 1]);
                    xs[made] = x0 + qx / scale;
                    ys[made] = y0 + qy / scale;
                    order[k] = made++;
                } else {
                    lastRef += unzigzag(codes[d++]) - 1;
                    order[k] = lastRef;
                }
            }
        }
        var v = 0, r = 0, p = 0, features = new Array(nAreas);
        for (var a = 0; a < nAreas; a++) {
            var polygons = [];
            for (var pi = 0; pi < polys[a]; pi++, p++) {
                var polygon = [];
                for (var ri = 0; ri < rings[p]; ri++, r++) {
                    var ring = new Array(vertices[r] + 1);
                    for (var j = 0; j < vertices[r]; j++, v++) {
                        ring[j] = [xs[order[v]], ys[order[v]]];
                    }
                    ring[vertices[r]] = ring[0];
                    polygon.push(ring);
                }
                polygons.push(polygon);
            }
            features[a] = {type: "Feature", properties: {i: a, key: header.keys[a]},
                           geometry: {type: "MultiPolygon", coordinates: polygons}};
        }
        return {type: "FeatureCollection", features: features,
                keys: header.keys, names: header.names};
    };

    /* Clientside callback: fetch the geometry once (the browser's HTTP cache keeps it,
     * the URL names its version) and hand it to the areas layer. */
    gd.loadAreas = function (url, mapId) {
        if (!url) {
            return window.dash_clientside.no_update;
        }
        return fetch(url).then(function (response) {
            if (!response.ok) {
                throw new Error("area geometry: HTTP " + response.status);
            }
            return response.arrayBuffer();
        }).then(function (buffer) {
            var data = gd.decodeAreas(buffer);
            var e = entry(mapId);
            e.layers = new Array(data.features.length);
            e.size = 0;
            e.ordered = false;
            e.names = data.names;
            e.keys = data.keys;
            delete data.names;
            delete data.keys;
            return data;
        });
    };

    function fmtNumber(value, lang, decimals, unit) {
        var text = Math.abs(value).toFixed(decimals);
        var parts = text.split(".");
        var group = lang === "de" ? "." : ",", point = lang === "de" ? "," : ".";
        var whole = parts[0].replace(/\B(?=(\d{3})+(?!\d))/g, group);
        text = whole + (parts.length > 1 ? point + parts[1] : "");
        if (value < 0 && Number(text.replace(/\D/g, "")) !== 0) {
            text = "\u2212" + text;
        }
        return unit ? text + " " + unit : text;
    }
    gd.fmtNumber = fmtNumber;

    function escapeHtml(text) {
        return String(text).replace(/[&<>"']/g, function (ch) {
            return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"}[ch];
        });
    }
    gd.escapeHtml = escapeHtml;

    /* Rank 1 = most need: the highest value for need/neutral, the lowest for resource;
     * ties share the best rank; missing values get none (as analysis.rank_areas). */
    function ranks(values, polarity) {
        var order = [];
        for (var i = 0; i < values.length; i++) {
            if (values[i] !== null) {
                order.push(i);
            }
        }
        var sign = polarity === "resource" ? 1 : -1;
        order.sort(function (a, b) { return sign * (values[a] - values[b]); });
        var out = new Array(values.length).fill(null);
        for (var j = 0; j < order.length; j++) {
            var prev = j > 0 ? order[j - 1] : -1;
            out[order[j]] = (j > 0 && values[prev] === values[order[j]]) ? out[prev] : j + 1;
        }
        return {ranks: out, n: order.length};
    }
    gd.ranks = ranks;

    function prepare(view) {
        // What every hover needs, once per switch rather than once per hover.
        var r = ranks(view.v, view.polarity);
        view._ranks = r.ranks;
        view._n = r.n;
        view._withheld = {};
        (view.sup || []).forEach(function (i) { view._withheld[i] = true; });
        return view;
    }

    function areaColor(view, i) {
        if (!view) {
            return null;
        }
        var c = view.c.charAt(i);
        return (c === "-" || c === "") ? view.missing : view.colors[Number(c)];
    }

    gd.hoverText = function (mapId, i) {
        var e = entry(mapId), view = e.view;
        var name = "<b>" + escapeHtml(e.names[i] === undefined ? "" : e.names[i]) + "</b>";
        if (!view) {
            return name;
        }
        var t = view.t, value = view.v[i], text;
        if (view._withheld[i]) {
            text = t.suppressed;
        } else if (value === null || value === undefined) {
            text = t.no_data;
        } else {
            text = fmtNumber(value, view.lang, view.dec, view.unit);
            var c = view.c.charAt(i);
            if (view.cn && view.cn.length && c !== "-") {
                text += " (" + view.cn[Number(c)] + ")";
            }
        }
        var rank = view._ranks[i];
        var rankText = rank === null ? t.no_rank
            : t.rank.replace("{rank}", String(rank)).replace("{n}", String(view._n));
        return name + "<br>" + escapeHtml(text) + "<br>" + escapeHtml(rankText);
    };

    // dash-leaflet options of the areas layer ---------------------------------------

    gd.areaStyle = function (feature, context) {
        var e = entry(context.hideout.map);
        var color = areaColor(e.view, feature.properties.i) || "#f0f0f0";
        return {fillColor: color, fillOpacity: 0.85, color: "#ffffff", weight: 1.2, opacity: 1};
    };

    gd.bindArea = function (feature, layer, context) {
        var mapId = context.hideout.map, i = feature.properties.i, e = entry(mapId);
        if (e.layers[i] === undefined) {
            e.size += 1;
        }
        e.layers[i] = layer;
        layer.bindTooltip(function () { return gd.hoverText(mapId, i); },
                          {sticky: true, className: "gd-map-tooltip"});
        // Highlight without bringToFront: the area must stay below zones and sites.
        layer.on("mouseover", function () { layer.setStyle({weight: 3, color: "#333333"}); });
        layer.on("mouseout", function () { layer.setStyle({weight: 1.2, color: "#ffffff"}); });
        layer.on("click", function () {
            window.dash_clientside.set_props(context.hideout.click,
                                             {data: {key: feature.properties.key, at: Date.now()}});
        });
    };

    // Paints ---------------------------------------------------------------------------

    // Leaflet writes English titles on its zoom buttons; the page's language is the view's.
    var CONTROL_TITLES = {
        de: {"leaflet-control-zoom-in": "Vergrößern", "leaflet-control-zoom-out": "Verkleinern"},
        en: {"leaflet-control-zoom-in": "Zoom in", "leaflet-control-zoom-out": "Zoom out"}
    };

    function localiseControls(map, lang) {
        var titles = CONTROL_TITLES[lang] || CONTROL_TITLES.de;
        Object.keys(titles).forEach(function (cls) {
            var button = map.getContainer().querySelector("." + cls);
            if (button) {
                button.title = titles[cls];
                button.setAttribute("aria-label", titles[cls]);
            }
        });
    }

    function markPainted(mapId, count) {
        var el = document.getElementById(mapId);
        if (!el) {
            return;
        }
        el.setAttribute("data-gd-features", String(count));
        el.setAttribute("data-gd-painted", String(Number(el.getAttribute("data-gd-painted") || 0) + 1));
    }

    function recolour(e) {
        for (var i = 0; i < e.layers.length; i++) {
            var layer = e.layers[i];
            if (layer) {
                layer.setStyle({fillColor: areaColor(e.view, i)});
            }
        }
    }

    /* Clientside callback: a new view (switch) or new geometry. Waits until the areas layer
     * holds every feature, recolours them in place and, once the canvas has drawn (the
     * renderer redraws in the next animation frame), counts the paint. */
    gd.paint = function (view, data, mapId) {
        var e = entry(mapId);
        if (view) {
            e.view = prepare(view);
        }
        var generation = ++e.generation;
        var deadline = Date.now() + 60000;
        function attempt() {
            if (generation !== e.generation) {
                return;  // a later switch took over
            }
            var ready = e.view && e.layers.length > 0 && e.size === e.layers.length
                && e.layers[0] && e.layers[0]._map;
            if (!ready) {
                if (Date.now() < deadline) {
                    window.requestAnimationFrame(attempt);
                }
                return;
            }
            if (!e.ordered) {
                // The geometry arrives after zones and sites: draw it beneath them.
                for (var i = e.layers.length - 1; i >= 0; i--) {
                    e.layers[i].bringToBack();
                }
                e.ordered = true;
            }
            recolour(e);
            localiseControls(e.layers[0]._map, e.view.lang);
            window.requestAnimationFrame(function () {
                window.requestAnimationFrame(function () {
                    if (generation === e.generation) {
                        markPainted(mapId, e.size);
                    }
                });
            });
        }
        window.requestAnimationFrame(attempt);
        return window.dash_clientside.no_update;
    };

    // Zones and sites -------------------------------------------------------------------

    gd.zoneStyle = function () {
        return {color: "#1b2a6b", weight: 3, fill: false, opacity: 1};
    };

    gd.bindZone = function (feature, layer) {
        layer.bindTooltip("<b>" + escapeHtml(feature.properties.name) + "</b>" +
                          (feature.properties.programme
                              ? "<br>" + escapeHtml(feature.properties.programme) : ""),
                          {sticky: true, className: "gd-map-tooltip"});
    };

    // ``off``: the features (by ``i``) that do not run in the year shown (geodash.analysis.years).
    function running(feature, h) {
        return !h.off || h.off.indexOf(feature.properties.i) < 0;
    }

    gd.showLayer = function (feature, context) {
        return Boolean(context.hideout.on) && running(feature, context.hideout);
    };

    gd.showSite = function (feature, context) {
        var h = context.hideout;
        return Boolean(h.on) && (h.cats === null || h.cats.indexOf(feature.properties.c) >= 0) &&
            running(feature, h);
    };

    // The site markers made so far (tests and checks count those still on a map).
    var siteMarkers = gd._siteMarkers = gd._siteMarkers || [];

    gd.drawnSites = function () {
        var counts = {};
        siteMarkers.forEach(function (m) {
            if (m._map && m.feature) {
                counts[m.feature.properties.c] = (counts[m.feature.properties.c] || 0) + 1;
            }
        });
        return counts;
    };

    gd.siteMarker = function (feature, latlng, context) {
        var h = context.hideout;
        if (siteMarkers.length > 200000) {
            // Forget the markers of layers drawn again since (they are off the map).
            gd._siteMarkers = siteMarkers = siteMarkers.filter(function (m) { return m._map; });
        }
        var marker = window.L.circleMarker(latlng, {
            radius: h.radius, fillColor: h.colors[feature.properties.c] || "#555555",
            fillOpacity: 0.9, color: "#ffffff", weight: h.radius > 4 ? 1.5 : 0.8,
        });
        siteMarkers.push(marker);
        return marker;
    };

    gd.bindSite = function (feature, layer, context) {
        var p = feature.properties, h = context.hideout;
        layer.bindTooltip("<b>" + escapeHtml(p.n) + "</b><br>" + escapeHtml(h.labels[p.c] || p.c) +
                          (p.d ? "<br>" + escapeHtml(p.d) : ""), {className: "gd-map-tooltip"});
    };
}());

/* Clientside callback: one sites layer from columns (x, y, n, c, d) to GeoJSON points. */
window.gdMap.sitesGeojson = function (columns) {
    "use strict";
    if (!columns) {
        return null;
    }
    var features = new Array(columns.x.length);
    for (var i = 0; i < features.length; i++) {
        features[i] = {type: "Feature",
                       properties: {n: columns.n[i], c: columns.c[i], d: columns.d[i],
                                    i: columns.i ? columns.i[i] : i},
                       geometry: {type: "Point", coordinates: [columns.x[i], columns.y[i]]}};
    }
    return {type: "FeatureCollection", features: features};
};
