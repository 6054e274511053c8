/* geodash map, play button: steps through the years of the shown indicator in the browser.
 *
 * The Python side is geodash/web/pages/map_play.py (components, the one server callback)
 * and geodash/web/figures/map_frames.py (the payload of every year). Pressing play asks
 * the server once for every year's payload, unless the frames of the same view (the URL
 * without "jahr") are already here; each step then rebuilds one year's switch payload
 * ({...base, ...frame}) and hands it to gdMap.paint, which recolours the areas already on
 * the map (assets/gd-map.js). No server round trip per step; the geometry stays.
 *
 * While playing, the page's year slider is hidden and a read-only twin follows the years;
 * at the last year (or on pause) the real slider takes the year, which writes "jahr" into
 * the URL through the map page's own callback.
 */
(function () {
    "use strict";
    var play = window.gdPlay = window.gdPlay || {};
    // Browser state of this tab only; nothing here is shared with other users.
    // shown: [year, performance.now()] of every step begun (benchmark contract, with the map's
    // data-gd-painted: a step's time is its next completed paint minus its start).
    var s = play._state = play._state || {playing: false, pending: false, frames: null,
                                          view: null, i: 0, shown: []};

    function noUpdate() {
        return window.dash_clientside.no_update;
    }

    function setProps(id, props) {
        if (document.getElementById(id)) {
            window.dash_clientside.set_props(id, props);
        }
    }

    /* The view a URL shows, without its year: the frames of one view serve every year. */
    function viewKey(search) {
        var params = new URLSearchParams((search || "").replace(/^\?/, ""));
        params.delete("jahr");
        params.sort();
        return params.toString();
    }
    play.viewKey = viewKey;

    function yearOf(search) {
        var value = new URLSearchParams((search || "").replace(/^\?/, "")).get("jahr");
        return value === null ? null : Number(value);
    }

    function buttonProps(config, playing) {
        var text = playing ? config.texts.pause : config.texts.play;
        return {children: (playing ? "\u275A\u275A " : "\u25B6 ") + text, "aria-label": text,
                "aria-pressed": playing ? "true" : "false"};
    }

    /* One year's switch payload, as the map page's callback would send it. */
    function frameView(frames, i) {
        var f = frames.frames[i], view = {};
        Object.keys(frames.base).forEach(function (k) { view[k] = frames.base[k]; });
        ["v", "c", "colors", "cn", "sup"].forEach(function (k) { view[k] = f[k]; });
        return view;
    }
    play.frameView = frameView;

    function show(config, i) {
        var frames = s.frames, f = frames.frames[i];
        s.i = i;
        s.shown.push([f.year, window.performance.now()]);
        window.gdMap.paint(frameView(frames, i), null, config.graph);
        setProps(config.twin, {value: f.year});
        setProps(config.label, {children: config.texts.year.replace("{year}", String(f.year))});
        if (f.legend) {
            setProps(config.legend, {children: f.legend});
        }
    }

    function stop(config, commit) {
        s.playing = false;
        s.pending = false;
        setProps(config.button, buttonProps(config, false));
        setProps(config.wrapper, {className: "gd-play"});
        if (commit && s.frames) {
            // The real slider takes the year: the page's callback writes the URL's "jahr".
            setProps(config.year, {value: s.frames.frames[s.i].year});
        }
    }
    play.stop = stop;

    function start(frames, search, config) {
        var years = frames.years;
        if (!years || years.length < 2) {
            stop(config, false);
            return;
        }
        s.frames = frames;
        s.view = viewKey(search);
        s.pending = false;
        s.playing = true;
        var year = yearOf(search);
        var i = years.indexOf(year === null ? frames.year : year);
        var marks = {};
        years.forEach(function (y) { marks[y] = String(y); });
        setProps(config.twin, {min: years[0], max: years[years.length - 1], marks: marks});
        setProps(config.wrapper, {className: "gd-play gd-playing"});
        setProps(config.button, buttonProps(config, true));
        // From the last year (or an unknown one) the play starts again at the first.
        show(config, (i < 0 || i >= years.length - 1) ? 0 : i);
    }

    /* Clientside callback: the button and the interval's ticks.
     * Returns [request for the frames, interval disabled]. */
    play.control = function (clicks, ticks, search, frames, config) {
        var ctx = window.dash_clientside.callback_context;
        var trigger = (ctx.triggered && ctx.triggered.length) ? ctx.triggered[0].prop_id : "";
        var request = noUpdate();
        if (trigger === config.button + ".n_clicks" && clicks) {
            if (s.playing || s.pending) {
                stop(config, s.playing);
            } else if (frames && viewKey(frames.search) === viewKey(search)) {
                start(frames, search, config);
            } else {
                s.pending = true;
                setProps(config.button, buttonProps(config, true));
                request = {search: search || "", n: clicks};
            }
        } else if (trigger === config.tick + ".n_intervals" && s.playing && s.frames) {
            if (viewKey(search) !== s.view) {
                stop(config, false);  // another indicator or classes: the page's callback took over
            } else {
                var last = s.frames.years.length - 1;
                if (s.i < last) {
                    show(config, s.i + 1);
                }
                if (s.i >= last) {
                    stop(config, true);
                }
            }
        }
        return [request, !s.playing];
    };

    /* Clientside callback: the frames arrived from the server. Returns: interval disabled. */
    play.ready = function (frames, search, config) {
        if (s.pending && frames && viewKey(frames.search) === viewKey(search)) {
            start(frames, search, config);
        }
        return !s.playing;
    };
}());
