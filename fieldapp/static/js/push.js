/* Web Push on this device. On every page: FieldPush.forget(), used at sign-out so that the
 * next user of a shared phone subscribes afresh. On the settings page: turn it on or off and
 * send a test; the texts come from data-* attributes of #push-settings, translated with it. */
(function () {
  'use strict';

  const csrf = document.querySelector('meta[name="csrf-token"]');

  async function api(method, url, body) {
    const response = await fetch(url, {
      method, credentials: 'same-origin',
      headers: {'Content-Type': 'application/json', 'X-CSRFToken': csrf ? csrf.content : ''},
      body: JSON.stringify(body),
    });
    return response;
  }

  /* Stop pushing to this browser: the server forgets its endpoint, then the browser drops it. */
  async function forget() {
    if (!('serviceWorker' in navigator)) return;
    const registration = await navigator.serviceWorker.getRegistration();
    const manager = registration && registration.pushManager;
    const subscription = manager && await manager.getSubscription();
    if (!subscription) return;
    await api('DELETE', '/api/v1/push/subscriptions', {endpoint: subscription.endpoint});
    await subscription.unsubscribe();
  }

  window.FieldPush = {forget};

  const panel = document.getElementById('push-settings');
  if (!panel) return;
  const status = panel.querySelector('[data-push-status]');
  const toggle = panel.querySelector('[data-push-toggle]');
  const test = panel.querySelector('[data-push-test]');
  // How long the browser and its push service get to answer before the page says so.
  const waitMs = Number(panel.dataset.timeoutMs) || 15000;
  let registration = null;

  class NoAnswer extends Error {}

  /* The promise's answer, or NoAnswer once waitMs has passed without one. */
  function within(promise) {
    let timer;
    const late = new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new NoAnswer()), waitMs);
    });
    return Promise.race([promise, late]).finally(() => clearTimeout(timer));
  }

  function failed(err) {
    say(err instanceof NoAnswer ? 'msgNoAnswer' : 'msgError');
  }

  function say(key) {
    status.textContent = panel.dataset[key] || '';
  }

  function keyBytes(base64url) {
    const padded = (base64url + '='.repeat((4 - (base64url.length % 4)) % 4))
      .replace(/-/g, '+').replace(/_/g, '/');
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  }

  /* Show the device's state; a browser subscription the server lost is stored again. */
  async function refresh() {
    const subscription = await within(registration.pushManager.getSubscription());
    const on = Boolean(subscription) && Notification.permission === 'granted';
    if (on) await within(api('POST', '/api/v1/push/subscriptions', subscription.toJSON()));
    panel.dataset.state = on ? 'on' : 'off';
    toggle.textContent = panel.dataset[on ? 'labelOff' : 'labelOn'];
    toggle.disabled = false;
    test.disabled = !on;
    if (on) say('msgOn');
    else say(Notification.permission === 'denied' ? 'msgDenied' : 'msgOff');
  }

  /* The person may take their time over the browser's permission question; what follows is
   * the browser's and the push service's work, and gets waitMs each. */
  async function turnOn() {
    if (await Notification.requestPermission() !== 'granted') return;
    const key = await within(fetch('/api/v1/push/vapid-key').then((r) => r.json()));
    const subscription = await within(registration.pushManager.subscribe({
      userVisibleOnly: true, applicationServerKey: keyBytes(key.public_key),
    }));
    const response = await within(
      api('POST', '/api/v1/push/subscriptions', subscription.toJSON()));
    if (!response.ok) throw new Error(`subscribe: HTTP ${response.status}`);
  }

  toggle.addEventListener('click', async () => {
    toggle.disabled = true;
    say('msgChecking');
    try {
      await (panel.dataset.state === 'on' ? within(forget()) : turnOn());
      await refresh();
    } catch (err) {
      failed(err);
      toggle.disabled = false;
    }
  });

  test.addEventListener('click', async () => {
    test.disabled = true;
    try {
      const subscription = await registration.pushManager.getSubscription();
      const response = await api('POST', '/api/v1/push/test', {endpoint: subscription.endpoint});
      say(response.ok ? 'msgTestSent' : 'msgTestFailed');
    } catch (err) {
      say('msgTestFailed');
    }
    test.disabled = false;
  });

  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say('msgUnsupported');
    return;
  }
  within(navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready))
    .then((ready) => { registration = ready; return refresh(); })
    .catch(failed);
})();
