/* The service worker of fieldapp, served from /sw.js so that it controls the whole app.
 * Each concern lives in its own script: push notifications in js/sw-push.js, the outbox of
 * ops done with no signal in js/outbox.js (shared with the pages).
 *
 * /sw.js starts with self.FIELDAPP_BUILD = {version, shell, offline}: the version is a digest
 * of the static files, so a deploy gives this script new bytes, the browser installs it, and
 * activate drops the caches of the version before. Three caches per version:
 *   shell:  the scripts, styles, icons, manifest and offline page every page needs, the same
 *           for everyone (fetched without the session);
 *   pages:  the crew's list (its default tab) and the page of each of their open tickets, refreshed after each
 *           successful sync, and the pages opened since (kept for when the signal goes), the
 *           incidents' list among them (a crew declares an incident with no signal);
 *   photos: the photos shown on those pages, asked from the network first (the server says who
 *           may see one), the kept copy only with no signal.
 * Pages and photos are one user's: the one the server named in its last answer (header
 * X-Fieldapp-User), kept as the outbox's "user". An answer for someone else, or for no one,
 * drops them first, so the next user of a shared phone never sees them, even when the last
 * one's session ended without a sign-out here. */

importScripts('/static/js/sw-push.js');
importScripts('/static/js/outbox.js');

const BUILD = self.FIELDAPP_BUILD || {version: 'dev', shell: [], offline: '/offline'};
const SHELL_CACHE = `fieldapp-shell-${BUILD.version}`;
const PAGES_CACHE = `fieldapp-pages-${BUILD.version}`;
const PHOTOS_CACHE = `fieldapp-photos-${BUILD.version}`;
const USER_HEADER = 'X-Fieldapp-User';
const LIST_URL = '/';
const TICKET_PAGE = /^\/tickets\/(\d+)$/;
const INCIDENTS_URL = '/incidents';

self.addEventListener('install', (event) => {
  // Without the session: the offline page must not carry the installing user's name or token.
  const shell = BUILD.shell.map((url) => new Request(url, {credentials: 'omit'}));
  event.waitUntil(caches.open(SHELL_CACHE)
    .then((cache) => cache.addAll(shell))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  const current = [SHELL_CACHE, PAGES_CACHE, PHOTOS_CACHE];
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names
      .filter((name) => name.startsWith('fieldapp-') && !current.includes(name))
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(networkFirst(request, PAGES_CACHE, url.pathname, (r) => isPage(url, r))
      .then((response) => response || offlinePage()));
  } else if (BUILD.shell.includes(url.pathname + url.search) || url.pathname.startsWith('/static/')) {
    event.respondWith(cacheFirst(request, SHELL_CACHE));
  } else if (url.pathname.startsWith('/attachments/')) {
    event.respondWith(networkFirst(request, PHOTOS_CACHE, url.pathname, isFresh)
      .then((response) => response || Response.error()));
  }
});

/* The network's answer when there is one (kept if `keepable`), else the copy kept for the
 * current user, else null. */
async function networkFirst(request, cacheName, key, keepable) {
  let response;
  try {
    response = await fetch(request);
  } catch (err) {
    return kept(cacheName, key);
  }
  await follow(response);
  if (keepable(response)) {
    // A page not kept is no reason to fail showing it.
    await keep(cacheName, key, response).catch(() => {});
  }
  return response;
}

function isFresh(response) {
  return response.ok && !response.redirected && response.type === 'basic';
}

function isPage(url, response) {
  return (url.pathname === LIST_URL || url.pathname === INCIDENTS_URL
          || TICKET_PAGE.test(url.pathname)) && !url.search
    && isFresh(response);
}

function offlinePage() {
  return caches.match(BUILD.offline, {cacheName: SHELL_CACHE, ignoreVary: true})
    .then((page) => page || Response.error());
}

/* The server's answer names its user: what was kept for anyone else goes. An opaque redirect
 * names no one, and a 5xx (perhaps a proxy's) says nothing of who is signed in. */
async function follow(response) {
  if (response.type !== 'basic' || response.status >= 500) return;
  const user = response.headers.get(USER_HEADER) || '';
  if (user !== await owner()) await forget(user);
}

async function owner() {
  return (await FieldOutbox.getMeta('user')) || '';
}

/* Drop every kept page and photo and the outbox's copies of what the server said (its ops stay:
 * only their user may send or discard them); from now on they are kept for `user` ('' for no
 * one). */
async function forget(user) {
  await Promise.all([caches.delete(PAGES_CACHE), caches.delete(PHOTOS_CACHE),
                     FieldOutbox.forget(false)]);
  if (user) await FieldOutbox.setMeta('user', user);
}

/* Keep an answer made for a signed-in user (follow() made them the owner). */
async function keep(cacheName, key, response) {
  if (!response.headers.get(USER_HEADER)) return;
  const cache = await caches.open(cacheName);
  await cache.put(key, response.clone());
}

/* A kept answer, given only to the user it was made for. */
async function kept(cacheName, key) {
  const response = await caches.match(key, {cacheName, ignoreVary: true});
  if (!response || response.headers.get(USER_HEADER) !== await owner()) return null;
  return response;
}

async function cacheFirst(request, cacheName) {
  const copy = await caches.match(request, {cacheName, ignoreVary: true});
  if (copy) return copy;
  const response = await fetch(request);
  if (isFresh(response)) {
    const cache = await caches.open(cacheName);
    await cache.put(request, response.clone());
  }
  return response;
}

/* After a sync: the list again (its default tab, served for any tab with no signal), and the
 * page of each ticket of the queue (its data-keep) that changed since the last feed cursor
 * (GET /api/v1/sync?since=) or is not kept yet; pages of tickets that left the queue
 * (completed, returned, transferred) are dropped. */
async function refreshPages() {
  const list = await fetch(LIST_URL, {credentials: 'same-origin'});
  await follow(list);
  if (!isFresh(list)) return false;
  const html = await list.clone().text();
  await keep(PAGES_CACHE, LIST_URL, list);
  const cache = await caches.open(PAGES_CACHE);
  // The default tab shows one part of the queue; it names every open ticket of it to keep.
  const named = /data-keep="([\d ]*)"/.exec(html);
  const listed = new Set(named ? named[1].split(' ').filter(Boolean) : []);
  const changed = await changedTickets();
  if (changed === null) return false;
  const held = new Set();
  for (const key of await cache.keys()) {
    const match = TICKET_PAGE.exec(new URL(key.url).pathname);
    if (!match) continue;
    if (listed.has(match[1])) held.add(match[1]);
    else await cache.delete(key);
  }
  for (const id of listed) {
    if (held.has(id) && !changed.has(id)) continue;
    const page = await fetch(`/tickets/${id}`, {credentials: 'same-origin'});
    if (isFresh(page)) await keep(PAGES_CACHE, `/tickets/${id}`, page);
  }
  await FieldOutbox.setMeta('synced_at', Date.now());
  return true;
}

/* The ids of the tickets changed since the kept cursor (all open ones for a new user). */
async function changedTickets() {
  const user = await FieldOutbox.getMeta('user');
  const cursorUser = await FieldOutbox.getMeta('cursor_user');
  const cursor = cursorUser === user ? await FieldOutbox.getMeta('cursor') : null;
  const query = cursor ? `?since=${encodeURIComponent(cursor)}` : '';
  const response = await fetch(`/api/v1/sync${query}`, {credentials: 'same-origin'});
  if (!response.ok) return null;
  const feed = await response.json();
  await FieldOutbox.setMeta('cursor', feed.cursor);
  await FieldOutbox.setMeta('cursor_user', user);
  // A new cursor owner, or a new version of the pages cache, starts from everything.
  return new Set(feed.tickets.map((t) => String(t.id)));
}

/* What the pages ask, answered on the message's port when done:
 *   refresh:  after they synced (under the outbox lock, like a replay);
 *   sign-out: drop every kept page and photo. The page asks while it holds the outbox lock
 *             itself, so that no refresh keeps a page again before the session has ended. */
const JOBS = {
  'refresh': () => FieldOutbox.withLock(refreshPages),
  'sign-out': () => forget('').then(() => true),
};

self.addEventListener('message', (event) => {
  const job = JOBS[(event.data || {}).type];
  if (!job) return;
  const port = event.ports && event.ports[0];
  event.waitUntil(job()
    .catch(() => false)
    .then((ok) => { if (port) port.postMessage({ok}); }));
});

/* Background Sync (Chromium): replay the outbox even when no page of the app is open. */
self.addEventListener('sync', (event) => {
  if (event.tag !== FieldOutbox.SYNC_TAG) return;
  event.waitUntil(backgroundReplay());
});

async function backgroundReplay() {
  const user = await FieldOutbox.getMeta('user');
  const csrf = await FieldOutbox.getMeta('csrf');
  if (!user || !csrf) return;
  const outcome = await FieldOutbox.replay({user, csrf});
  if (outcome.answered) await FieldOutbox.withLock(refreshPages).catch(() => false);
  const windows = await self.clients.matchAll({type: 'window'});
  windows.forEach((client) => client.postMessage({type: 'outbox-changed'}));
  if (outcome.failed) throw new Error('outbox not sent yet');  // the browser retries later
}
