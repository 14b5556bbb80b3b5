/* fieldapp screens: say when htmx fails. (Deadlines and late reasons: js/clocks.js.) */
(function () {
  "use strict";

  function notify(key) {
    var box = document.getElementById("notice");
    if (!box) { return; }
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = box.getAttribute(key) || "";
    box.replaceChildren(p);
  }

  document.addEventListener("htmx:responseError", function () { notify("data-msg-error"); });
  document.addEventListener("htmx:sendError", function (evt) {
    // An action form with no answer goes to the offline outbox (js/offline.js), which says so.
    if (window.FieldOffline && window.FieldOffline.takesOver(evt.detail.elt)) { return; }
    notify("data-msg-offline");
  });
})();
