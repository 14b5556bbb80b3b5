/* The outbox: ops done with no signal, kept in IndexedDB until the server has answered them.
 * The same script runs in the pages (js/offline.js) and in the service worker (Background
 * Sync), so it touches no DOM.
 *
 * An op record: {seq, op_id, user, ticket_id, action, at (device time), data, fields (the
 * form as typed, to refill it), photos (Blobs), attachments (their ids once uploaded),
 * status: "pending" | "rejected", error: the server's {code, message, fields}}.
 * A record leaves only when the server answered applied or duplicate, or when the user
 * discards it; a rejected one stays, with the server's message, until fixed and resent. */
(function (scope) {
  "use strict";

  var DB_NAME = "fieldapp";
  var OPS = "ops";
  var META = "meta";
  var BATCH = 50;
  var LOCK = "fieldapp-outbox";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB_NAME, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore(OPS, {keyPath: "seq", autoIncrement: true});
        db.createObjectStore(META);
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One request in its own transaction; resolves with its result once the transaction commits.
  function run(store, mode, makeRequest) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = makeRequest(tx.objectStore(store));
        tx.oncomplete = function () { db.close(); resolve(request.result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() {
    return run(OPS, "readonly", function (s) { return s.getAll(); });
  }

  function add(op) {
    return run(OPS, "readwrite", function (s) { return s.add(op); });
  }

  function put(op) {
    return run(OPS, "readwrite", function (s) { return s.put(op); });
  }

  function remove(seq) {
    return run(OPS, "readwrite", function (s) { return s.delete(seq); });
  }

  function getMeta(key) {
    return run(META, "readonly", function (s) { return s.get(key); });
  }

  function setMeta(key, value) {
    return run(META, "readwrite", function (s) { return s.put(value, key); });
  }

  // The copies of what the server said for a user (user, CSRF token, feed cursor, last sync)
  // go when another user takes the phone; with `ops`, every op too (signing out: the user
  // agreed to lose what was not sent).
  function forget(ops) {
    return Promise.all((ops ? [OPS, META] : [META]).map(function (store) {
      return run(store, "readwrite", function (s) { return s.clear(); });
    }));
  }

  function opsOf(user) {
    return all().then(function (ops) {
      return ops.filter(function (op) { return op.user === user; });
    });
  }

  // One replay at a time per browser, whether a page or the service worker runs it.
  function withLock(task) {
    if (scope.navigator && scope.navigator.locks) {
      return scope.navigator.locks.request(LOCK, task);
    }
    return task();
  }

  function newId() {
    if (scope.crypto && scope.crypto.randomUUID) { return scope.crypto.randomUUID(); }
    var bytes = scope.crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function deviceId() {
    return getMeta("device_id").then(function (id) {
      if (id) { return id; }
      id = "web-" + newId().slice(0, 18);
      return setMeta("device_id", id).then(function () { return id; });
    });
  }

  // What an op acts on: a ticket, an incident, or (a declaration) a new incident of its own.
  function target(op) {
    if (op.ticket_id) { return "ticket-" + op.ticket_id; }
    return op.incident_id ? "incident-" + op.incident_id : "op-" + op.seq;
  }

  /* Resend a rejected op, and the rejected ops after it on the same target (they were most
   * likely refused because of it). */
  function resend(seq, changes) {
    return all().then(function (ops) {
      var first = ops.find(function (op) { return op.seq === seq; });
      if (!first) { return null; }
      var writes = ops.filter(function (op) {
        return op.seq === seq || (op.seq > seq && target(op) === target(first) &&
                                  op.status === "rejected" && op.user === first.user);
      }).map(function (op) {
        var fixed = Object.assign(op, op.seq === seq ? (changes || {}) : {},
                                  {status: "pending", error: null});
        return put(fixed);
      });
      return Promise.all(writes);
    });
  }

  /* Send the user's pending ops in order: photos first, then the ops in batches.
   * Ops of a ticket (an incident) wait behind a rejected op of it. Resolves with
   * {answered, rejected, failed}; `failed` means the network or the server did not answer
   * (everything not answered stays for the next try). */
  function replay(options) {
    return withLock(function () { return sendPending(options); });
  }

  function sendPending(options) {
    var outcome = {answered: 0, rejected: 0, failed: false};
    return opsOf(options.user).then(function (ops) {
      var held = {};
      var ready = ops.filter(function (op) {
        if (held[target(op)]) { return false; }
        if (op.status === "rejected") { held[target(op)] = true; return false; }
        return true;
      });
      return uploadAll(ready, options, outcome).then(function (sendable) {
        return sendBatches(sendable, options, outcome);
      });
    }).catch(function () {
      outcome.failed = true;
    }).then(function () { return outcome; });
  }

  // Photos of each op, once (their ids are kept with the op); a refused photo rejects its op.
  function uploadAll(ops, options, outcome) {
    var sendable = [];
    var blocked = {};
    return ops.reduce(function (chain, op) {
      return chain.then(function () {
        if (blocked[target(op)]) { return; }
        if (!(op.photos && op.photos.length) || op.attachments) { sendable.push(op); return; }
        return uploadPhotos(op, options).then(function (error) {
          if (!error) { sendable.push(op); return; }
          blocked[target(op)] = true;
          outcome.rejected += 1;
          return put(Object.assign(op, {status: "rejected", error: error}));
        });
      });
    }, Promise.resolve()).then(function () { return sendable; });
  }

  function uploadPhotos(op, options) {
    var form = new FormData();
    op.photos.forEach(function (photo, i) {
      form.append("photos", photo.blob, photo.name || ("anh-" + (i + 1) + ".jpg"));
    });
    return fetch("/tickets/" + op.ticket_id + "/photos", {
      method: "POST", body: form, credentials: "same-origin",
      headers: {"X-CSRFToken": options.csrf, "Accept": "application/json"},
    }).then(function (response) {
      if (response.status >= 500 || response.redirected) { throw new Error("upload"); }
      return response.json().then(function (body) {
        if (response.ok) {
          op.attachments = body.attachments;
          return put(op).then(function () { return null; });
        }
        var messages = (body.errors && (body.errors.photos || body.errors.csrf)) || [];
        if (body.errors && body.errors.csrf) { throw new Error("session"); }
        return {code: "invalid", message: messages.join(" ") || String(response.status),
                fields: ["attachments"]};
      });
    });
  }

  function sendBatches(ops, options, outcome) {
    var chunks = [];
    for (var i = 0; i < ops.length; i += BATCH) { chunks.push(ops.slice(i, i + BATCH)); }
    return chunks.reduce(function (chain, chunk) {
      return chain.then(function () { return sendBatch(chunk, options, outcome); });
    }, Promise.resolve());
  }

  function sendBatch(ops, options, outcome) {
    return deviceId().then(function (device) {
      var body = {device_id: device, sent_at: new Date().toISOString(), ops: ops.map(wireOp)};
      return fetch("/api/v1/sync", {
        method: "POST", credentials: "same-origin", body: JSON.stringify(body),
        headers: {"Content-Type": "application/json", "X-CSRFToken": options.csrf,
                  "Accept": "application/json"},
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error("sync " + response.status); }
      return response.json();
    }).then(function (answer) {
      var byId = {};
      answer.results.forEach(function (r) { byId[r.op_id] = r; });
      return Promise.all(ops.map(function (op) {
        var result = byId[op.op_id];
        if (!result) { return null; }
        outcome.answered += 1;
        if (result.status === "rejected") {
          outcome.rejected += 1;
          return put(Object.assign(op, {status: "rejected", error: result.error}));
        }
        return remove(op.seq);
      }));
    });
  }

  function wireOp(op) {
    var data = Object.assign({}, op.data);
    if (op.attachments) {
      data.attachments = (data.attachments || []).concat(op.attachments);
    }
    var wire = {op_id: op.op_id, ticket_id: op.ticket_id, action: op.action, at: op.at, data: data};
    if (op.incident_id) { wire.incident_id = op.incident_id; }  // none: a declaration
    return wire;
  }

  scope.FieldOutbox = {
    SYNC_TAG: "fieldapp-outbox",
    all: all, opsOf: opsOf, add: add, put: put, remove: remove, resend: resend,
    getMeta: getMeta, setMeta: setMeta, replay: replay, withLock: withLock, newId: newId,
    forget: forget, target: target,
  };
})(self);
