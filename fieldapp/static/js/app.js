/* fieldapp screens: ask for a late reason once a deadline has passed (the deadlines travel with
   the page, so this works offline too; the server stays the judge), and say when htmx fails. */
(function () {
  "use strict";

  // A late-reason block carries the moment from which its action is late.
  function revealLateBlocks(root) {
    var now = Date.now();
    (root || document).querySelectorAll("fieldset[data-late-after]").forEach(function (block) {
      var after = Date.parse(block.getAttribute("data-late-after"));
      if (block.hidden && !isNaN(after) && now > after) {
        block.hidden = false;
        var select = block.querySelector("select");
        if (select) { select.required = true; }
      }
    });
  }

  function notify(key) {
    var box = document.getElementById("notice");
    if (!box) { return; }
    var p = document.createElement("p");
    p.className = "flash flash-error";
    p.textContent = box.getAttribute(key) || "";
    box.replaceChildren(p);
  }

  document.addEventListener("DOMContentLoaded", function () { revealLateBlocks(document); });
  document.addEventListener("htmx:load", function (evt) { revealLateBlocks(evt.target); });
  // Re-check before a form leaves, so a deadline passing while typing still asks for a reason.
  document.addEventListener("submit", function (evt) { revealLateBlocks(evt.target); }, true);
  setInterval(function () { revealLateBlocks(document); }, 30000);

  document.addEventListener("htmx:responseError", function () { notify("data-msg-error"); });
  document.addEventListener("htmx:sendError", function (evt) {
    // An action form with no answer goes to the offline outbox (js/offline.js), which says so.
    if (window.FieldOffline && window.FieldOffline.takesOver(evt.detail.elt)) { return; }
    notify("data-msg-offline");
  });
})();
