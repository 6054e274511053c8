/* Printing from the browser (Ctrl+P, "Als PDF speichern"): what the page changes for paper.
 *
 * Before printing:
 * - each Leaflet map without background tiles is drawn once into a plain image that print
 *   CSS shows instead of the live map (03-print.css): the image keeps the view on screen and
 *   scales to the paper, where a live canvas would be cut or shifted by the new page width;
 * - Plotly graphs wider than the paper are zoomed to its width;
 * - the print date is written into the header (.gd-print-date, in the page's language).
 * After printing, all of it is undone. Chromium fires "beforeprint" for the print dialog and
 * for Page.printToPDF alike.
 */
(function () {
    "use strict";
    var PRINT_WIDTH_PX = 700;  // A4 portrait less 12 mm margins each side: 186 mm at 96 dpi
    var gp = window.gdPrint = window.gdPrint || {};

    function mapSnapshot(graph) {
        var container = graph.querySelector(".leaflet-container");
        if (!container || container.querySelector(".leaflet-tile")) {
            return null;  // tiles from another host cannot be copied into an image: print as is
        }
        var canvases = container.querySelectorAll("canvas");
        var box = container.getBoundingClientRect();
        if (!canvases.length || !box.width || !box.height) {
            return null;
        }
        var ratio = Math.max(window.devicePixelRatio || 1, 2);  // sharp enough for paper
        var out = document.createElement("canvas");
        out.width = Math.round(box.width * ratio);
        out.height = Math.round(box.height * ratio);
        var ctx = out.getContext("2d");
        ctx.fillStyle = "#ffffff";
        ctx.fillRect(0, 0, out.width, out.height);
        canvases.forEach(function (canvas) {
            var r = canvas.getBoundingClientRect();
            ctx.drawImage(canvas, (r.left - box.left) * ratio, (r.top - box.top) * ratio,
                          r.width * ratio, r.height * ratio);
        });
        var image = document.createElement("img");
        image.className = "gd-print-map";
        image.alt = document.title;
        image.src = out.toDataURL("image/png");
        return image;
    }

    function stampDate() {
        var lang = document.documentElement.lang === "en" ? "en" : "de";
        var text = new Date().toLocaleDateString(lang === "en" ? "en-GB" : "de-DE",
            lang === "en" ? {day: "numeric", month: "long", year: "numeric"}
                          : {day: "2-digit", month: "2-digit", year: "numeric"});
        document.querySelectorAll(".gd-print-date").forEach(function (el) {
            el.textContent = (el.getAttribute("data-prefix") || "") + " " + text;
        });
    }

    gp.before = function () {
        gp.after();
        stampDate();
        document.querySelectorAll(".gd-map-graph").forEach(function (graph) {
            var image = mapSnapshot(graph);
            if (image) {
                graph.appendChild(image);
                graph.classList.add("gd-printing");
            }
        });
        document.querySelectorAll(".js-plotly-plot").forEach(function (plot) {
            var width = plot.getBoundingClientRect().width;
            if (width > PRINT_WIDTH_PX) {
                plot.style.zoom = String(PRINT_WIDTH_PX / width);
                plot.setAttribute("data-gd-print-zoom", "1");
            }
        });
    };

    gp.after = function () {
        document.querySelectorAll("img.gd-print-map").forEach(function (image) { image.remove(); });
        document.querySelectorAll(".gd-printing").forEach(function (graph) {
            graph.classList.remove("gd-printing");
        });
        document.querySelectorAll("[data-gd-print-zoom]").forEach(function (plot) {
            plot.style.zoom = "";
            plot.removeAttribute("data-gd-print-zoom");
        });
    };

    window.addEventListener("beforeprint", gp.before);
    window.addEventListener("afterprint", gp.after);
})();
