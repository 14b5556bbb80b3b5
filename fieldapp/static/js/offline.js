/* Working with no signal, on the page: registers the service worker, turns an action form sent
 * offline (or whose request never got an answer) into an op in the outbox (js/outbox.js),
 * shows queued and rejected ops on their ticket and a counter in the status bar, and replays
 * the outbox on page load, `online`, visibility change and Background Sync. */
(function () {
  "use strict";

  var O = window.FieldOutbox;
  var bar = document.getElementById("sync-status");
  if (!O || !bar || !("indexedDB" in window)) { return; }
  var user = bar.getAttribute("data-user");
  var csrfMeta = document.querySelector("meta[name=csrf-token]");
  var csrf = csrfMeta ? csrfMeta.content : "";
  var FORM_URL = /\/tickets\/(\d+)\/(\w+)$/;
  var MAX_SIDE = 1600;
  var REFRESH_EVERY = 60000;
  var submitters = new WeakMap();
  var syncing = null;
  var syncAgain = false;  // asked while a sync ran: an op may have come after its replay
  var lastFailed = false;

  function text(el, key, vars) {
    var s = el.getAttribute("data-msg-" + key) || "";
    Object.keys(vars || {}).forEach(function (k) { s = s.replace("{" + k + "}", vars[k]); });
    return s;
  }

  function hhmm(at) {
    var d = new Date(at);
    return String(d.getHours()).padStart(2, "0") + ":" + String(d.getMinutes()).padStart(2, "0");
  }

  function formTarget(form) {
    var url = form && form.getAttribute && (form.getAttribute("action") || "");
    var m = url && FORM_URL.exec(url);
    return m ? {ticket: Number(m[1]), action: m[2]} : incidentTarget(url);
  }

  // ----- ops on wide-area incidents: no ticket, the incident's id (none to declare one) -----

  var INCIDENT_URL = /\/incidents\/(?:(declare)|(\d+)\/(\w+))$/;

  function incidentTarget(url) {
    var m = url ? INCIDENT_URL.exec(url) : null;
    if (!m) { return null; }
    return m[1] ? {incident: null, action: "declare"} : {incident: Number(m[2]), action: m[3]};
  }

  // An incident form's op data, read by the kinds of the spec it carries (incidents/forms.py).
  // Queued ops on incidents, in the boxes of the incident screens (all of them on the list).
  function renderIncidentOps(ops) {
    document.querySelectorAll("[data-outbox-incidents]").forEach(function (box) {
      var id = Number(box.getAttribute("data-outbox-incidents")) || null;
      var mine = ops.filter(function (op) {
        return !op.ticket_id && (id === null || op.incident_id === id);
      });
      fillBox(box, mine, document);
    });
  }

  function reloadIncidents() {
    var incident = document.querySelector("section.incident[data-incident-id]");
    if (incident) {
      var id = incident.getAttribute("data-incident-id");
      window.htmx.ajax("GET", "/incidents/" + id, {target: "#incident-" + id, swap: "outerHTML"});
    } else if (document.getElementById("incidents")) {
      window.htmx.ajax("GET", "/incidents", {target: "#incidents", swap: "outerHTML"});
    }
  }

  // ----- an action form as op data -----

  // The action's spec, carried by its form (tickets/forms.py ActionForm.as_json). A form with
  // none (the list's one-tap accept) sends no data.
  function specOf(form) {
    return JSON.parse(form.getAttribute("data-spec") || "null") || {fields: [], required: []};
  }

  function trimmed(value) { return String(value || "").trim() || null; }

  // A datetime-local value is the phone's local time, sent as an instant; left as typed when it
  // is no time at all, so that the server names the field.
  function instant(value) {
    var typed = trimmed(value);
    var at = typed ? new Date(typed) : null;
    return at && !isNaN(at) ? at.toISOString() : typed;
  }

  function integer(value) {
    var typed = trimmed(value);
    return typed && /^\d+$/.test(typed) ? Number(typed) : typed;
  }

  // What each kind of field sends, as tickets/forms.py reads it (CONTRACT's op data); empty
  // fields are left out, so the rules say what is missing.
  var READERS = {
    datetime: function (name, fd) { return instant(fd.get(name)); },
    confirm: function (name, fd) { return fd.get(name) ? true : null; },
    person: function (name, fd) { return integer(fd.get(name)); },
    attachments: function (name, fd) {
      var ids = fd.getAll(name).map(integer).filter(Boolean);
      return ids.length ? ids : null;
    },
    ids: function (name, fd) { return READERS.attachments(name, fd); },
    late_reason: function (name, fd) {
      if (!fd.get("late_code")) { return null; }
      return {code: fd.get("late_code"), note: trimmed(fd.get("late_note")) || ""};
    },
    informed: function (name, fd) {
      var how = trimmed(fd.get(name + "_how"));
      var at = instant(fd.get(name + "_at"));
      return how || at ? {how: how || "", at: at} : null;
    }
  };

  function opData(form, fd) {
    var data = {};
    specOf(form).fields.forEach(function (field) {
      var read = READERS[field.kind] || function (name) { return trimmed(fd.get(name)); };
      var value = read(field.name, fd);
      if (value !== null) { data[field.name] = value; }
    });
    return data;
  }

  // ----- what the rules require, asked before an op is queued -----

  function given(value) {
    if (value && typeof value === "object" && !Array.isArray(value)) {
      return Object.keys(value).every(function (k) { return Boolean(value[k]); });
    }
    return value !== undefined && value !== null;
  }

  // With no signal nobody answers before the op is queued: ask here for the late reason (once a
  // deadline has passed: js/clocks.js) and the fields the rules require, so that a queued op is
  // not refused later for a missing fact. Online, the server's refusal says it.
  function ready(form, submitter) {
    if (window.FieldClocks) { window.FieldClocks.judge(form); }
    if (!form.reportValidity()) { return false; }
    var data = opData(form, formData(form, submitter));
    var lacking = (specOf(form).required || []).filter(function (name) {
      return !given(data[name]);
    });
    markInvalid(form, lacking);
    if (!lacking.length) { return true; }
    var names = lacking.map(function (name) {
      var box = form.querySelector("[data-field='" + name + "'] .field-name");
      return box ? box.textContent.trim() : name;
    });
    var why = form.querySelector(".offline-error") || document.createElement("p");
    why.className = "error offline-error";
    why.setAttribute("role", "alert");
    why.textContent = text(form, "required", {fields: names.join(", ")});
    form.prepend(why);
    var first = form.querySelector("[aria-invalid=true]");
    if (first) { first.focus(); }
    return false;
  }

  // The fields named are marked invalid; the marks of an earlier check are taken off.
  function markInvalid(form, names) {
    form.querySelectorAll("[aria-invalid]").forEach(function (el) {
      el.removeAttribute("aria-invalid");
    });
    names.forEach(function (name) {
      var box = form.querySelector("[data-field='" + name + "']");
      (box ? box.querySelectorAll("input, select, textarea") : []).forEach(function (el) {
        if (el.type !== "hidden") { el.setAttribute("aria-invalid", "true"); }
      });
    });
    var why = form.querySelector(".offline-error");
    if (why && !names.length) { why.remove(); }
  }

  function formFields(fd) {
    var fields = {};
    fd.forEach(function (value, name) {
      if (typeof value !== "string" || name === "csrf_token" || name === "op_id") { return; }
      (fields[name] = fields[name] || []).push(value);
    });
    return fields;
  }

  // A photo made small on the phone (longest side at most 1600 px, JPEG); a file the browser
  // cannot decode is kept as it is, so that the server says what is wrong with it.
  function downscale(file) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.85); });
    }).then(function (blob) {
      return {blob: blob, name: (file.name || "anh").replace(/\.[^.]*$/, "") + ".jpg"};
    }).catch(function () { return {blob: file, name: file.name}; });
  }

  function formData(form, submitter) {
    var fd = new FormData(form);
    if (submitter && submitter.name) { fd.append(submitter.name, submitter.value); }
    return fd;
  }

  /* The form as an op in the outbox: a new one, or the fix of a rejected one (same op_id,
   * same time done, new data). */
  function queueForm(form, submitter, opId) {
    var target = formTarget(form);
    var fd = formData(form, submitter);
    var files = fd.getAll("photos").filter(function (f) { return f && f.size; });
    var fixing = Number(form.getAttribute("data-fixing")) || null;
    return Promise.all(files.map(downscale)).then(function (photos) {
      var changes = {data: opData(form, fd), fields: formFields(fd)};
      if (fixing) {
        if (photos.length) { changes.photos = photos; changes.attachments = null; }
        return O.resend(fixing, changes);
      }
      return O.add(Object.assign(changes, {
        op_id: opId, user: user, ticket_id: target.ticket, incident_id: target.incident,
        action: target.action,
        at: new Date().toISOString(), photos: photos, attachments: null,
        status: "pending", error: null
      }));
    }).then(function () {
      settleForm(form);
      notify(text(bar, "queued"));
      askBackgroundSync();
      return render().then(sync);
    });
  }

  function settleForm(form) {
    form.reset();
    markInvalid(form, []);
    form.removeAttribute("data-fixing");
    var hint = form.querySelector(".fix-hint");
    if (hint) { hint.remove(); }
    var opId = form.querySelector("input[name=op_id]");
    if (opId) { opId.value = O.newId(); }
    var panel = form.closest("details");
    if (panel) { panel.open = false; }
  }

  function notify(message) {
    var box = document.getElementById("notice");
    if (!box) { return; }
    var p = document.createElement("p");
    p.className = "flash";
    p.textContent = message;
    box.replaceChildren(p);
  }

  function askBackgroundSync() {
    if (!("serviceWorker" in navigator)) { return; }
    navigator.serviceWorker.ready.then(function (reg) {
      return reg.sync && reg.sync.register(O.SYNC_TAG);
    }).catch(function () { /* no Background Sync here: online/visibility replay instead */ });
  }

  // ----- showing the outbox -----

  function render() {
    if (!user) { return Promise.resolve(); }
    return Promise.all([O.opsOf(user), O.getMeta("synced_at")]).then(function (got) {
      renderBar(got[0], got[1]);
      document.querySelectorAll("[data-outbox-for]").forEach(function (box) {
        renderTicket(box, got[0]);
      });
      renderRows(got[0]);
      renderIncidentOps(got[0]);
    }).catch(function () { /* storage unavailable: the page still works online */ });
  }

  // Each op counted once: waiting to be sent, or rejected and waiting for the user.
  function renderBar(ops, syncedAt) {
    var offline = !navigator.onLine;
    var rejected = ops.filter(function (op) { return op.status === "rejected"; }).length;
    var pending = ops.length - rejected;
    var counts = [];
    if (pending) { counts.push(text(bar, "pending", {n: pending})); }
    if (rejected) { counts.push(text(bar, "rejected", {n: rejected})); }
    bar.querySelector(".net").textContent = offline ? text(bar, "offline")
      : (lastFailed && ops.length ? text(bar, "failed") : "");
    bar.querySelector(".synced").textContent = syncedAt
      ? text(bar, "synced", {time: hhmm(syncedAt)}) : "";
    bar.querySelector(".pending").textContent = counts.join(" · ");
    bar.classList.toggle("is-offline", offline);
    bar.classList.toggle("has-rejected", rejected > 0);
    bar.hidden = !(offline || syncedAt || ops.length);
  }

  function renderTicket(box, ops) {
    var id = Number(box.getAttribute("data-outbox-for"));
    var mine = ops.filter(function (op) { return op.ticket_id === id; });
    var section = box.closest(".ticket") || document;
    // What may still reach the server counts on the page; an op refused for good does not.
    var live = mine.filter(function (op) {
      return op.status !== "rejected" || remediesOf(box, op).length > 0;
    });
    var accepted = live.some(function (op) { return op.action === "accept"; });
    if (window.FieldClocks) { window.FieldClocks.queued(id, live); }
    section.querySelectorAll("form[data-action=accept]").forEach(function (f) {
      f.hidden = accepted;
    });
    section.querySelectorAll("[data-after-accept]").forEach(function (p) {
      p.hidden = !accepted;
    });
    fillBox(box, mine, section);
  }

  // A box of queued ops (the queued_ops macro): its title, then an item per op.
  function fillBox(box, mine, section) {
    var names = JSON.parse(box.getAttribute("data-names") || "{}");
    var title = document.createElement("h2");
    title.textContent = text(box, "title");
    var list = document.createElement("ol");
    list.className = "plain outbox-ops";
    mine.forEach(function (op) { list.appendChild(opItem(box, op, mine, names, section)); });
    box.replaceChildren(title, list);
    box.hidden = mine.length === 0;
  }

  // One kept op; a rejected one with what its code lets the user do (rules.rejections, carried
  // by the box), or, behind an earlier rejected op of its ticket, that it goes with that one.
  function opItem(box, op, ops, names, section) {
    var li = document.createElement("li");
    li.className = "outbox-op outbox-" + op.status;
    li.setAttribute("data-seq", op.seq);
    li.setAttribute("data-action", op.action);
    var head = document.createElement("p");
    var name = document.createElement("span");
    name.className = "strong";
    name.textContent = names[op.action] || op.action;
    var when = document.createElement("span");
    when.className = "muted small";
    when.textContent = " " + hhmm(op.at) + " ";
    var chip = document.createElement("span");
    chip.className = "chip chip-" + op.status;
    chip.textContent = text(box, op.status);
    head.append(name, when, chip);
    li.appendChild(head);
    if (op.status !== "rejected") { return li; }
    var why = document.createElement("p");
    why.className = "error";
    why.setAttribute("role", "alert");
    why.textContent = (op.error && op.error.message) || "";
    li.appendChild(why);
    if (behindRejected(op, ops)) {
      var behind = document.createElement("p");
      behind.className = "hint";
      behind.textContent = text(box, "behind");
      li.appendChild(behind);
    }
    var offered = remediesOf(box, op);
    var buttons = document.createElement("p");
    buttons.className = "choices";
    if (offered.indexOf("fix") >= 0 && section.querySelector("form[data-action=" + op.action + "]")) {
      buttons.appendChild(button(text(box, "fix"), "secondary", "fix"));
    }
    if (offered.indexOf("resend") >= 0) {
      buttons.appendChild(button(text(box, "resend"), "primary", "resend"));
    }
    buttons.appendChild(button(text(box, "discard"), "danger", "discard"));
    li.appendChild(buttons);
    return li;
  }

  function remediesOf(box, op) {
    var table = JSON.parse(box.getAttribute("data-remedies") || "{}");
    var code = op.error && op.error.code;
    return Object.prototype.hasOwnProperty.call(table, code) ? table[code] : ["fix"];
  }

  function behindRejected(op, ops) {
    return ops.some(function (other) {
      return other.seq < op.seq && other.status === "rejected" &&
             O.target(other) === O.target(op);
    });
  }

  function button(label, style, job) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = style;
    b.setAttribute("data-outbox", job);
    b.textContent = label;
    return b;
  }

  function renderRows(ops) {
    document.querySelectorAll("li[id^=row-]").forEach(function (row) {
      var id = Number(row.id.slice(4));
      var mine = ops.filter(function (op) { return op.ticket_id === id; });
      var chip = row.querySelector(".chip-queued");
      if (mine.length && !chip) {
        chip = document.createElement("span");
        chip.className = "chip chip-queued";
        chip.textContent = text(bar, "chip");
        var meta = row.querySelector(".row-meta");
        if (meta) { meta.appendChild(chip); }
      } else if (!mine.length && chip) {
        chip.remove();
      }
      var accept = row.querySelector("form.row-action");
      if (accept) {
        accept.hidden = mine.some(function (op) { return op.action === "accept"; });
      }
    });
  }

  // ----- fixing, resending, discarding a rejected op -----

  function onOutboxButton(evt) {
    var b = evt.target.closest && evt.target.closest("button[data-outbox]");
    if (!b) { return; }
    var item = b.closest("[data-seq]");
    var seq = Number(item.getAttribute("data-seq"));
    var job = b.getAttribute("data-outbox");
    if (job === "discard") { discard(item, seq); return; }
    if (job === "resend") { O.resend(seq).then(render).then(sync); return; }
    O.all().then(function (ops) {
      var op = ops.find(function (o) { return o.seq === seq; });
      if (op) { openFix(item.closest(".ticket") || document, op); }
    });
  }

  // Discarding loses what was done on the phone: asked first, naming the op.
  function discard(item, seq) {
    var box = item.closest("[data-outbox-for], [data-outbox-incidents]");
    var name = item.querySelector(".strong");
    var when = item.querySelector(".muted");
    var question = text(box, "confirm-discard", {
      action: name ? name.textContent : "", time: when ? when.textContent.trim() : ""});
    if (!window.confirm(question)) { return; }
    O.remove(seq).then(render);
  }

  function openFix(section, op) {
    var form = section.querySelector("form[data-action=" + op.action + "]");
    if (!form) { return; }
    fill(form, op.fields || {});
    form.setAttribute("data-fixing", String(op.seq));
    var box = section.querySelector("[data-outbox-for], [data-outbox-incidents]");
    if (!form.querySelector(".fix-hint")) {
      var hint = document.createElement("p");
      hint.className = "hint fix-hint";
      hint.textContent = text(box, "fixing") + " " + ((op.error && op.error.message) || "");
      form.prepend(hint);
    }
    var fields = (op.error && op.error.fields) || [];
    markInvalid(form, fields);
    // The server asked for a late reason: asked whatever the phone's clock says.
    form.querySelectorAll("fieldset.late").forEach(function (block) {
      if (fields.indexOf("late_reason") < 0) { return; }
      block.setAttribute("data-late-required", "");
      block.hidden = false;
      var select = block.querySelector("select");
      if (select) { select.required = true; }
    });
    var panel = form.closest("details");
    if (panel) { panel.hidden = false; panel.open = true; }
    form.hidden = false;
    form.scrollIntoView({block: "center"});
    var first = form.querySelector("select, textarea, input:not([type=hidden])");
    if (first) { first.focus(); }
  }

  function fill(form, fields) {
    Object.keys(fields).forEach(function (name) {
      var values = fields[name];
      form.querySelectorAll("[name='" + name + "']").forEach(function (el) {
        if (el.type === "checkbox" || el.type === "radio") {
          el.checked = values.indexOf(el.value) >= 0;
        } else if (el.tagName !== "BUTTON" && el.type !== "hidden" && el.type !== "file") {
          el.value = values[0];
        }
      });
    });
  }

  // ----- syncing -----

  function sync() {
    if (!user || !navigator.onLine) { return render(); }
    if (syncing) { syncAgain = true; return syncing; }
    syncing = O.replay({user: user, csrf: csrf}).then(function (outcome) {
      lastFailed = outcome.failed;
      if (outcome.failed) { return outcome; }
      return O.getMeta("synced_at").then(function (at) {
        var stale = !at || Date.now() - at > REFRESH_EVERY || outcome.answered > 0;
        return stale ? refreshPages() : null;
      }).then(function () { return outcome; });
    }).then(function (outcome) {
      if (outcome.answered) { reloadView(); }
    }).catch(function () { lastFailed = true; }).then(function () {
      syncing = null;
      if (syncAgain && !lastFailed) { syncAgain = false; return sync(); }
      syncAgain = false;
      return render();
    });
    return syncing;
  }

  function refreshPages() { return askWorker("refresh"); }

  /* The service worker keeps the pages: ask it a job (sw.js JOBS), resolved with whether it was
   * done. By default the worker is awaited until active; `registration` may say which instead
   * (none: nothing was ever kept). */
  function askWorker(type, registration) {
    if (!("serviceWorker" in navigator)) { return Promise.resolve(false); }
    return (registration || navigator.serviceWorker.ready).then(function (reg) {
      if (!reg || !reg.active) { return false; }
      return new Promise(function (resolve) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (e) { resolve(Boolean(e.data && e.data.ok)); };
        reg.active.postMessage({type: type}, [channel.port2]);
        setTimeout(function () { resolve(false); }, 30000);
      });
    });
  }

  // After the server answered: show its state of the ticket (or the list), unless typing.
  function reloadView() {
    if (!window.htmx || document.querySelector("form[data-fixing]")) { return; }
    var active = document.activeElement;
    if (active && active.closest && active.closest("form") && active.tagName !== "BUTTON") {
      return;
    }
    var ticket = document.querySelector("section.ticket[data-ticket-id]");
    if (ticket) {
      var id = ticket.getAttribute("data-ticket-id");
      window.htmx.ajax("GET", "/tickets/" + id, {target: "#ticket-" + id, swap: "outerHTML"});
    } else if (document.getElementById("queue")) {
      var tab = document.getElementById("queue").getAttribute("data-url") || "/";
      window.htmx.ajax("GET", tab, {target: "#queue", swap: "outerHTML"});
    } else {
      reloadIncidents();
    }
  }

  // ----- wiring -----

  // Sent with no signal: into the outbox instead (before htmx sees the submit).
  document.addEventListener("submit", function (evt) {
    var form = evt.target;
    if (!user || !formTarget(form)) { return; }
    submitters.set(form, evt.submitter);
    if (navigator.onLine && !form.hasAttribute("data-fixing")) { return; }
    evt.preventDefault();
    evt.stopPropagation();
    if (ready(form, evt.submitter)) { queueForm(form, evt.submitter, O.newId()); }
  }, true);

  // Sent, but no answer came back: it may have been applied, so it keeps its op_id.
  document.addEventListener("htmx:sendError", function (evt) {
    var form = evt.detail.elt && evt.detail.elt.closest && evt.detail.elt.closest("form");
    if (!user || !formTarget(form)) { return; }
    var opId = form.querySelector("input[name=op_id]");
    queueForm(form, submitters.get(form), opId ? opId.value : O.newId());
  });

  // A tab of the queue with no signal: a plain navigation, which the service worker answers
  // with the tab it kept, instead of an htmx request that can only fail.
  document.addEventListener("htmx:beforeRequest", function (evt) {
    var link = evt.detail.elt;
    if (navigator.onLine || !link.matches || !link.matches("a[data-tab]")) { return; }
    evt.preventDefault();
    window.location.assign(link.href);
  });

  document.addEventListener("click", onOutboxButton);
  document.addEventListener("htmx:load", function () { render(); });
  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { sync(); }
  });
  setInterval(function () { if (navigator.onLine) { sync(); } }, REFRESH_EVERY);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/sw.js").catch(function () { /* e.g. not https */ });
    navigator.serviceWorker.addEventListener("message", function (evt) {
      // Background Sync replayed the outbox: show what the server now has.
      if (evt.data && evt.data.type === "outbox-changed") { render().then(reloadView); }
    });
  }

  window.FieldOffline = {
    // Ask app.js to leave the "no connection" notice to us for action forms.
    takesOver: function (elt) {
      return Boolean(user && elt && elt.closest && formTarget(elt.closest("form")));
    },
    // For js/signout.js.
    askWorker: askWorker, notify: notify, text: text
  };

  function start() {
    var kept = user ? Promise.all([O.setMeta("user", user), O.setMeta("csrf", csrf)])
      : Promise.resolve();
    kept.then(render).then(sync).catch(function () { /* private mode: no storage */ });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
