/* geodash offer finder: give Dash's checklists and radio items back their native semantics.
 *
 * Dash 4 renders dcc.Checklist and dcc.RadioItems as role="listbox" with role="option" labels
 * around real <input type="checkbox|radio"> elements. Screen readers then meet an unnamed
 * listbox whose options contain further controls (axe: aria-input-field-name,
 * nested-interactive). The inputs themselves are complete: each sits in its <label>, and each
 * group in a <fieldset> with a <legend>. Removing the ARIA roles leaves exactly that.
 */
(function () {
    "use strict";
    function clean(root) {
        root.querySelectorAll(".gd-choices[role='listbox']").forEach(function (el) {
            el.removeAttribute("role");
            el.removeAttribute("aria-multiselectable");
        });
        root.querySelectorAll(".gd-choices .dash-options-list-option[role]").forEach(function (el) {
            el.removeAttribute("role");
            el.removeAttribute("aria-selected");
        });
    }
    var scheduled = false;
    var observer = new MutationObserver(function () {
        if (scheduled) { return; }
        scheduled = true;
        // Once per frame, however many nodes React touched.
        window.requestAnimationFrame(function () { scheduled = false; clean(document); });
    });
    function start() {
        clean(document);
        observer.observe(document.body, {subtree: true, childList: true, attributes: true,
                                         attributeFilter: ["role", "aria-selected"]});
    }
    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}());
