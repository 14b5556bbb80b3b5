/* The deadlines the page carries, kept running on the phone, offline too (the server stays the
 * judge). Badges count down from their deadline (every 30 s and when the app comes back to the
 * front); an action's late-reason block shows once the earliest pending deadline has passed.
 * A ticket page carries its pending clocks (rules.clocks.clocks_json), and js/offline.js tells
 * us the actions queued on it, so a queued accept or contact moves them before the server knows.
 * The texts and the amber threshold come from the page (<meta name="clock-texts">). */
(function () {
  "use strict";

  var meta = document.querySelector("meta[name=clock-texts]");
  var T = meta ? JSON.parse(meta.content) : null;
  var MINUTE = 60000;
  var TICK = 30000;
  // Outcomes that reach the customer; no answer is an attempt and the contact clock runs on.
  var REACHED = ["reached", "confirmed_done"];
  var queued = {};  // ticket id -> its ops in the outbox, in order

  function fill(text, vars) {
    Object.keys(vars).forEach(function (k) { text = text.replace("{" + k + "}", vars[k]); });
    return text;
  }

  // A span to the minute, as the server writes it (i18n.format_duration); never "0 minutes".
  function span(ms) {
    var minutes = Math.floor(Math.abs(ms) / MINUTE);
    if (minutes < 1) { return T.under_minute; }
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    if (days) { return fill(T.days, {d: days, h: hours}); }
    if (hours) { return fill(T.hours, {h: hours, m: minutes % 60}); }
    return fill(T.minutes, {m: minutes});
  }

  // ok, soon (less than the page's share of the window left) or late, as rules.clocks.badge.
  function level(until, start, now) {
    var left = until - now;
    var windowMs = until - start;
    if (left <= 0) { return "late"; }
    return !(windowMs > 0) || left < T.soon_share * windowMs ? "soon" : "ok";
  }

  function relevel(el, prefix, value) {
    var pattern = new RegExp("\\b" + prefix + "(ok|soon|late)\\b");
    el.className = el.className.replace(pattern, prefix + value);
  }

  function tickBadge(badge, now) {
    var until = Date.parse(badge.getAttribute("data-until"));
    var start = Date.parse(badge.getAttribute("data-start") || "");
    var time = badge.querySelector(".badge-time");
    if (isNaN(until) || !time) { return; }
    var value = level(until, isNaN(start) ? until : start, now);
    relevel(badge, "badge-", value);
    var row = badge.closest(".row");
    if (row) { relevel(row, "row-", value); }
    time.textContent = fill(T[value], {time: span(until - now)});
  }

  // The carried clocks once the queued ops are applied in order: an accept closes the accept
  // clock and may start the contact clock; a contact that reached the customer closes it.
  function pending(carried, ops) {
    var list = carried.clocks.slice();
    ops.forEach(function (op) {
      if (op.action === "accept") {
        list = without(list, "accept");
        var minutes = carried.contact_after_accept_minutes;
        if (minutes != null && !list.some(function (c) { return c.name === "contact"; })) {
          var due = new Date(Date.parse(op.at) + minutes * MINUTE).toISOString();
          list.push({name: "contact", start: op.at, due: due, until: due});
        }
      } else if (op.action === "contact" && REACHED.indexOf((op.data || {}).outcome) >= 0) {
        list = without(list, "contact");
      }
    });
    return list;
  }

  function without(list, name) {
    return list.filter(function (c) { return c.name !== name; });
  }

  // The earliest pending deadline in force, the queued ops counted (null: none left).
  function earliest(section) {
    var carried = JSON.parse(section.getAttribute("data-clocks"));
    var list = pending(carried, queued[section.getAttribute("data-ticket-id")] || []);
    return list.reduce(function (first, c) {
      return first && Date.parse(first.until) <= Date.parse(c.until) ? first : c;
    }, null);
  }

  // The ticket's own badge follows its next deadline (a queued accept moves it to the call).
  function retarget(section, clock) {
    var badge = section.querySelector(".ticket-head .badge");
    if (!badge || !clock || !T) { return; }
    badge.setAttribute("data-until", clock.until);
    badge.setAttribute("data-start", clock.start);
    badge.querySelector(".badge-kind").textContent = T.kinds[clock.name] || clock.name;
  }

  function judgeTicket(section, now) {
    var first = earliest(section);
    var after = first ? Date.parse(first.until) : null;
    retarget(section, first);
    section.querySelectorAll("fieldset.late").forEach(function (block) {
      // The server refused this form for want of a reason: asked whatever the phone thinks.
      var shown = (after !== null && now > after) || block.hasAttribute("data-late-required");
      block.hidden = !shown;
      var select = block.querySelector("select");
      if (select) { select.required = shown; }
    });
  }

  function judgeAll() {
    var now = Date.now();
    document.querySelectorAll("section.ticket[data-clocks]").forEach(function (section) {
      judgeTicket(section, now);
    });
    if (T) {
      document.querySelectorAll(".badge[data-until]").forEach(function (b) { tickBadge(b, now); });
    }
  }

  // Re-judged as a form leaves, so a deadline passing while typing still asks for a reason.
  function judgeForm(form) {
    var section = form && form.closest && form.closest("section.ticket[data-clocks]");
    if (section) { judgeTicket(section, Date.now()); }
  }

  document.addEventListener("submit", function (evt) { judgeForm(evt.target); }, true);
  document.addEventListener("htmx:load", judgeAll);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { judgeAll(); }
  });
  setInterval(judgeAll, TICK);

  window.FieldClocks = {
    // js/offline.js: these ops wait in the outbox for this ticket.
    queued: function (ticketId, ops) { queued[ticketId] = ops; judgeAll(); },
    judge: judgeForm
  };

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", judgeAll);
  } else {
    judgeAll();
  }
})();
