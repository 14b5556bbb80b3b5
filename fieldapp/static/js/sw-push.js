/* Push notifications, imported by the service worker (/sw.js).
 * A reminder arrives as an encrypted Web Push message whose JSON says what to show:
 * {title, body, url, tag, urgent, actions?, accept_token?}. The browser wakes this worker for
 * it even when no page of the app is open. */

self.addEventListener('push', (event) => {
  event.waitUntil(showReminder(readPush(event)));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(handleNotificationClick(event.notification, event.action));
});

function readPush(event) {
  if (!event.data) return {};
  try {
    return event.data.json();
  } catch (err) {
    return {body: event.data.text()};
  }
}

function showReminder(message) {
  const token = message.accept_token || null;
  const options = {
    body: message.body || '',
    // One notification per ticket: a newer reminder replaces the older one, and buzzes again.
    tag: message.tag || '',
    renotify: Boolean(message.tag),
    requireInteraction: Boolean(message.urgent),
    data: {url: message.url || '/', ticketId: message.ticket_id || null, acceptToken: token},
    // "Nhận" needs the token that lets this device accept as its user.
    actions: token ? (message.actions || []) : [],
  };
  return self.registration.showNotification(message.title || 'fieldapp', options);
}

async function handleNotificationClick(notification, action) {
  const data = notification.data || {};
  if (action === 'accept' && data.acceptToken && await acceptTicket(data)) return;
  await openApp(data.url || '/');
}

/* Accept the ticket without opening the app; false sends the user to the ticket instead
 * (offline, a late reason is needed, someone else took it...). */
async function acceptTicket(data) {
  let result;
  try {
    const response = await fetch('/api/v1/push/accept', {
      method: 'POST', credentials: 'same-origin',
      headers: {'Content-Type': 'application/json'},
      body: JSON.stringify({token: data.acceptToken}),
    });
    if (!response.ok) return false;
    result = await response.json();
  } catch (err) {
    return false;
  }
  if (result.status !== 'applied' && result.status !== 'duplicate') return false;
  await self.registration.showNotification(result.notice || 'fieldapp', {
    body: result.detail || '', tag: data.ticketId ? `ticket-${data.ticketId}` : '',
    data: {url: result.url || data.url || '/', ticketId: data.ticketId},
  });
  return true;
}

/* Show the page in the app's window if one is open (focus it, or move it there), else open
 * a new one. */
async function openApp(url) {
  const target = new URL(url, self.location.origin).href;
  const windows = await self.clients.matchAll({type: 'window'});
  const same = windows.find((client) => client.url === target);
  if (same) return focusWindow(same);
  for (const client of windows) {
    try {
      const moved = await client.navigate(target);
      if (moved) return focusWindow(moved);
    } catch (err) {
      // Not ours to move (e.g. not controlled yet): try the next one, or open a window.
    }
  }
  return self.clients.openWindow(target);
}

function focusWindow(client) {
  return client.focus().catch(() => client);
}
