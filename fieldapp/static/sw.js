/* The service worker of fieldapp, served from /sw.js so that it controls the whole app.
 * Each concern lives in its own script: push notifications in js/sw-push.js, the outbox of
 * ops done with no signal in js/outbox.js (shared with the pages).
 *
 * /sw.js starts with self.FIELDAPP_BUILD = {version, shell, offline}: the version is a digest
 * of the static files, so a deploy gives this script new bytes, the browser installs it, and
 * activate drops the caches of the version before. Two caches per version:
 *   shell: the scripts, styles, icons, manifest and offline page every page needs;
 *   pages: the crew's list and the page of each of their open tickets, refreshed after each
 *          successful sync, and the pages opened since (kept for when the signal goes). */

importScripts('/static/js/sw-push.js');
importScripts('/static/js/outbox.js');

const BUILD = self.FIELDAPP_BUILD || {version: 'dev', shell: [], offline: '/offline'};
const SHELL_CACHE = `fieldapp-shell-${BUILD.version}`;
const PAGES_CACHE = `fieldapp-pages-${BUILD.version}`;
const LIST_URL = '/';
const TICKET_PAGE = /^\/tickets\/(\d+)$/;

self.addEventListener('install', (event) => {
  event.waitUntil(caches.open(SHELL_CACHE)
    .then((cache) => cache.addAll(BUILD.shell))
    .then(() => self.skipWaiting()));
});

self.addEventListener('activate', (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names
      .filter((name) => name.startsWith('fieldapp-') && name !== SHELL_CACHE && name !== PAGES_CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (request.mode === 'navigate') {
    event.respondWith(navigate(request, url));
  } else if (BUILD.shell.includes(url.pathname + url.search) || url.pathname.startsWith('/static/')) {
    event.respondWith(cacheFirst(request, SHELL_CACHE));
  } else if (url.pathname.startsWith('/attachments/')) {
    event.respondWith(cacheFirst(request, PAGES_CACHE));
  }
});

/* A page: the network's answer when there is one (kept if it is one of the crew's pages),
 * else the kept copy, else the offline page. */
async function navigate(request, url) {
  try {
    const response = await fetch(request);
    if (isKeepable(url, response)) {
      const cache = await caches.open(PAGES_CACHE);
      await cache.put(url.pathname, response.clone());
    }
    return response;
  } catch (err) {
    const kept = await caches.match(url.pathname, {cacheName: PAGES_CACHE, ignoreVary: true});
    if (kept) return kept;
    const offline = await caches.match(BUILD.offline, {cacheName: SHELL_CACHE, ignoreVary: true});
    return offline || Response.error();
  }
}

function isKeepable(url, response) {
  const page = url.pathname === LIST_URL || TICKET_PAGE.test(url.pathname);
  return page && !url.search && response.ok && !response.redirected && response.type === 'basic';
}

async function cacheFirst(request, cacheName) {
  const kept = await caches.match(request, {cacheName, ignoreVary: true});
  if (kept) return kept;
  const response = await fetch(request);
  if (response.ok && response.type === 'basic') {
    const cache = await caches.open(cacheName);
    await cache.put(request, response.clone());
  }
  return response;
}

/* After a sync: the list again, and the page of each ticket in it that changed since the last
 * feed cursor (GET /api/v1/sync?since=) or is not kept yet; pages of tickets that left the list
 * (completed, returned, transferred) are dropped. */
async function refreshPages() {
  const cache = await caches.open(PAGES_CACHE);
  const list = await fetch(LIST_URL, {credentials: 'same-origin'});
  if (!list.ok || list.redirected) return false;
  const html = await list.clone().text();
  await cache.put(LIST_URL, list);
  const listed = new Set(Array.from(html.matchAll(/id="row-(\d+)"/g), (m) => m[1]));
  const changed = await changedTickets();
  if (changed === null) return false;
  const kept = new Set();
  for (const key of await cache.keys()) {
    const match = TICKET_PAGE.exec(new URL(key.url).pathname);
    if (!match) continue;
    if (listed.has(match[1])) kept.add(match[1]);
    else await cache.delete(key);
  }
  for (const id of listed) {
    if (kept.has(id) && !changed.has(id)) continue;
    const page = await fetch(`/tickets/${id}`, {credentials: 'same-origin'});
    if (page.ok && !page.redirected) await cache.put(`/tickets/${id}`, page);
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

/* The pages ask for a refresh after they synced: answer on the message's port when done. */
self.addEventListener('message', (event) => {
  const message = event.data || {};
  if (message.type !== 'refresh') return;
  const port = event.ports && event.ports[0];
  event.waitUntil(FieldOutbox.withLock(refreshPages)
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
