/* geodash: the names on the Karte map and the map section in the URL.
 *
 * Area names: one label per area at the point the server computed inside it
 * (geodash.web.pages.map_names). At every zoom and move the browser decides
 * which names fit: a name is shown only where its area is wide and tall enough
 * on screen for the text, and where it overlaps no name already placed; larger
 * areas are placed first. No request to the server per zoom.
 *
 * Map section: after the user moved the map, zoom= and mitte= are written into
 * the URL (replacing the history entry), so that a reload, a copied link and
 * the language switch (whose link keeps the query) show the same section.
 */
(function () {
    "use strict";
    var gdNames = window.gdNames = window.gdNames || {};
    var FONT = "600 12px system-ui, -apple-system, \"Segoe UI\", Roboto, Arial, sans-serif";
    var LINE = 15;      // px: the height of a label (CSS line-height)
    var GAP = 3;        // px kept free around each label
    var FILL_W = 1.0;   // a name may take this share of its area's width on screen …
    var FILL_H = 0.8;   // … and this share of its height
    var states = {};
    var measurer = null;

    function state(mapId) {
        if (!states[mapId]) {
            states[mapId] = {on: true, points: null, map: null, pane: null, widths: {}, placed: []};
        }
        return states[mapId];
    }

    function textWidth(s, text) {
        if (s.widths[text] === undefined) {
            if (!measurer) {
                measurer = document.createElement("canvas").getContext("2d");
            }
            measurer.font = FONT;
            s.widths[text] = Math.ceil(measurer.measureText(text).width) + 6;  // + halo
        }
        return s.widths[text];
    }

    function areasOf(mapId) {
        var maps = window.gdMap && window.gdMap._maps;
        return maps ? maps[mapId] : null;
    }

    function clear(s) {
        if (s.pane) {
            s.pane.textContent = "";
        }
        s.placed = [];
    }

    /* Place the names that fit, largest areas first, none over another. */
    function layout(mapId) {
        var s = state(mapId), e = areasOf(mapId), map = s.map;
        if (!map || !s.pane || !e || !s.points) {
            return;
        }
        clear(s);
        if (!s.on) {
            return;
        }
        var size = map.getSize(), view = map.getBounds().pad(0.05);
        var index = {}, keys = s.points.keys;
        for (var k = 0; k < e.keys.length; k++) {
            index[e.keys[k]] = k;
        }
        var candidates = [];
        for (var p = 0; p < keys.length; p++) {
            var i = index[keys[p]], layer = i === undefined ? null : e.layers[i];
            var at = window.L.latLng(s.points.y[p], s.points.x[p]);
            if (!layer || !layer.getBounds || !view.contains(at)) {
                continue;
            }
            var b = layer.getBounds();
            var sw = map.latLngToContainerPoint(b.getSouthWest());
            var ne = map.latLngToContainerPoint(b.getNorthEast());
            var w = Math.abs(ne.x - sw.x), h = Math.abs(sw.y - ne.y);
            var name = e.names[i] === undefined ? "" : String(e.names[i]);
            var tw = textWidth(s, name);
            if (!name || tw > w * FILL_W || LINE > h * FILL_H) {
                continue;  // the area is too small on screen for its name
            }
            var c = map.latLngToContainerPoint(at);
            candidates.push({name: name, key: keys[p], at: at, size: w * h, w: tw,
                             x0: c.x - tw / 2, y0: c.y - LINE / 2});
        }
        candidates.sort(function (a, b) { return b.size - a.size; });
        var placed = [], fragment = document.createDocumentFragment();
        candidates.forEach(function (c) {
            var box = {left: c.x0 - GAP, top: c.y0 - GAP, right: c.x0 + c.w + GAP,
                       bottom: c.y0 + LINE + GAP};
            if (box.left < 0 || box.top < 0 || box.right > size.x || box.bottom > size.y) {
                return;  // a name cut by the map's edge is not readable
            }
            for (var j = 0; j < placed.length; j++) {
                var o = placed[j];
                if (box.left < o.right && o.left < box.right && box.top < o.bottom && o.top < box.bottom) {
                    return;  // it would overlap a name already placed
                }
            }
            placed.push(box);
            var label = document.createElement("span");
            label.className = "gd-area-label";
            label.textContent = c.name;
            label.setAttribute("data-key", c.key);
            var point = map.latLngToLayerPoint(c.at);
            label.style.width = c.w + "px";
            window.L.DomUtil.setPosition(label, window.L.point(point.x - c.w / 2, point.y - LINE / 2));
            fragment.appendChild(label);
        });
        s.pane.appendChild(fragment);
        s.placed = placed;
        var el = document.getElementById(mapId);
        if (el) {
            el.setAttribute("data-gd-labels", String(placed.length));
        }
    }

    /* Place the names again now; the number placed (for checks and measurements). */
    gdNames.relayout = function (mapId) {
        layout(mapId);
        return state(mapId).placed.length;
    };

    /* Wait until the map holds its areas, then put a pane for the names on it (once per map). */
    function attach(mapId) {
        var s = state(mapId), deadline = Date.now() + 60000;
        function attempt() {
            var e = areasOf(mapId);
            var ready = e && e.layers.length > 0 && e.size === e.layers.length && e.layers[0]
                && e.layers[0]._map;
            if (!ready) {
                if (Date.now() < deadline) {
                    window.requestAnimationFrame(attempt);
                }
                return;
            }
            var map = e.layers[0]._map;
            if (s.map !== map) {
                s.map = map;
                var pane = map.getPane("gdNames") || map.createPane("gdNames");
                pane.classList.add("gd-area-labels");
                s.pane = pane;
                map.on("zoomstart", function () { clear(s); });
                map.on("zoomend moveend resize", function () { layout(mapId); });
            }
            layout(mapId);
        }
        window.requestAnimationFrame(attempt);
    }

    function namesOn(search) {
        return !/(^|[?&])namen=aus(&|$)/.test(search || "");
    }

    /* Replace the query's values for some names (null removes one) without a new history
     * entry, and let Dash's Location components read the new URL. */
    function writeQuery(values, push) {
        var query = window.location.search.replace(/^\?/, "");
        var parts = query ? query.split("&") : [];
        var names = Object.keys(values);
        parts = parts.filter(function (part) {
            return names.indexOf(decodeURIComponent(part.split("=")[0])) < 0;
        });
        names.forEach(function (name) {
            if (values[name] !== null) {
                parts.push(name + "=" + values[name]);
            }
        });
        var url = window.location.pathname + (parts.length ? "?" + parts.join("&") : "")
            + window.location.hash;
        if (url === window.location.pathname + window.location.search + window.location.hash) {
            return;
        }
        if (push) {
            window.history.pushState({}, "", url);
        } else {
            window.history.replaceState(window.history.state, "", url);
        }
        window.dispatchEvent(new CustomEvent("_dashprivate_pushstate"));
    }
    gdNames.writeQuery = writeQuery;

    /* Clientside callback: the names switch, the URL (back/forward) and the label points. */
    gdNames.sync = function (mapId, switchId, value, search, points) {
        var s = state(mapId), noUpdate = window.dash_clientside.no_update;
        var trigger = (window.dash_clientside.callback_context.triggered_id || "");
        var checked = (value || []).length > 0, out = noUpdate;
        if (points) {
            s.points = points;
        }
        if (trigger === switchId) {
            s.on = checked;
            writeQuery({namen: checked ? null : "aus"}, true);
        } else {
            s.on = namesOn(search);
            if (s.on !== checked) {
                out = s.on ? ["an"] : [];
            }
        }
        attach(mapId);
        return [out, noUpdate];
    };

    function sectionText(zoom, center) {
        return {zoom: String(Math.round(zoom * 100) / 100),
                mitte: center[0].toFixed(5) + "," + center[1].toFixed(5)};
    }

    /* Clientside callback: the map moved; write the section into the URL unless it is where
     * the map opened (then a link without zoom= and mitte= shows the same). */
    gdNames.viewport = function (zoom, center, home) {
        var noUpdate = window.dash_clientside.no_update;
        if (zoom === undefined || zoom === null || !center) {
            return noUpdate;
        }
        var ll = Array.isArray(center) ? center : [center.lat, center.lng];
        var now = sectionText(zoom, ll);
        var params = new URLSearchParams(window.location.search);
        var inUrl = params.get("zoom") !== null;
        if (!inUrl && home) {
            var start = sectionText(home.zoom, home.center);
            if (start.zoom === now.zoom && start.mitte === now.mitte) {
                return noUpdate;
            }
        }
        if (params.get("zoom") === now.zoom && params.get("mitte") === now.mitte) {
            return noUpdate;
        }
        writeQuery(now, false);
        return noUpdate;
    };

    /* The names of the areas in one class of the view on a map (code -1: no data, -2: withheld),
     * alphabetical: the legend reveals them when a class is opened. */
    gdNames.classMembers = function (mapId, code) {
        var e = areasOf(mapId), view = e && e.view;
        if (!view) {
            return [];
        }
        var withheld = {};
        (view.sup || []).forEach(function (i) { withheld[i] = true; });
        var names = [];
        for (var i = 0; i < e.names.length; i++) {
            var c = view.c.charAt(i);
            var member = withheld[i] ? -2 : (c === "-" || c === "" ? -1 : Number(c));
            if (member === code) {
                names.push(String(e.names[i]));
            }
        }
        var collator = new Intl.Collator(view.lang || "de");
        return names.sort(collator.compare);
    };

    // A legend class opened: fill in its areas (the toggle event does not bubble: capture it).
    document.addEventListener("toggle", function (event) {
        var details = event.target;
        if (!details || !details.classList || !details.classList.contains("gd-legend-details")
            || !details.open) {
            return;
        }
        var list = details.querySelector(".gd-legend-areas");
        var names = gdNames.classMembers(details.getAttribute("data-map"),
                                         Number(details.getAttribute("data-class")));
        if (list) {
            list.textContent = names.join(", ");
        }
    }, true);

    /* A note about the URL (geodash.web.url_check) goes once the user changed what it is about. */
    function dropAnsweredNotes() {
        var params = new URLSearchParams(window.location.search);
        document.querySelectorAll(".gd-url-notes[data-asked]").forEach(function (note) {
            var asked = JSON.parse(note.getAttribute("data-asked") || "{}");
            var changed = Object.keys(asked).some(function (name) {
                return params.get(name) !== asked[name];
            });
            if (changed) {
                note.hidden = true;
            }
        });
    }
    window.addEventListener("_dashprivate_pushstate", dropAnsweredNotes);
    window.addEventListener("popstate", dropAnsweredNotes);

    /* For tests and checks: the names on screen, with their boxes in page pixels. */
    gdNames.shown = function (mapId) {
        var s = state(mapId);
        if (!s.pane) {
            return [];
        }
        return Array.prototype.map.call(s.pane.querySelectorAll(".gd-area-label"), function (el) {
            var r = el.getBoundingClientRect();
            return {name: el.textContent, key: el.getAttribute("data-key"),
                    left: r.left, top: r.top, right: r.right, bottom: r.bottom};
        });
    };
}());
