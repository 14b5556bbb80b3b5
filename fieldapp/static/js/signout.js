/* Signing out of a shared phone: the next user must find nothing of this one. The outbox is
 * sent first; ops still on the phone after that (no answer, or refused) are thrown away only
 * if the user says so. Then this device's push subscription, the pages and photos the service
 * worker keeps and the outbox go, and the sign-out form is posted. Its answer tells the browser
 * the same (Clear-Site-Data), which also covers a sign-out where this script did not run.
 * With no signal the session cannot end, so nothing is touched. */
(function () {
  'use strict';

  const O = window.FieldOutbox;
  const F = window.FieldOffline;
  const form = document.querySelector('form[data-sign-out]');
  const bar = document.getElementById('sync-status');
  const csrf = document.querySelector('meta[name=csrf-token]');
  if (!form || !O || !F || !bar) { return; }  // the form posts as it is
  const button = form.querySelector('button');

  /* Send what can be sent; the number of ops that would still be lost with the sign-out (the
   * browser's storage goes whole, so those of a user whose session ended elsewhere count too). */
  async function unsent() {
    await O.replay({user: bar.getAttribute('data-user'), csrf: csrf ? csrf.content : ''});
    return (await O.all()).length;
  }

  /* Everything of the user on this phone goes, then the session: under the outbox lock, so no
   * sync keeps a page or a cursor again before the server has ended the session. */
  async function leave() {
    if (window.FieldPush) { await window.FieldPush.forget().catch(() => {}); }
    const registration = navigator.serviceWorker && navigator.serviceWorker.getRegistration();
    return O.withLock(async () => {
      await F.askWorker('sign-out', registration);
      await O.forget(true);
      return fetch(form.action, {method: 'POST', body: new FormData(form),
                                 credentials: 'same-origin'});
    });
  }

  async function signOut() {
    if (!navigator.onLine) { return stay('offline'); }
    const left = await unsent();
    if (left && !window.confirm(F.text(form, 'unsent', {n: left}))) { return stay(null); }
    const response = await leave();
    // The sign-in page; a refused form (its session had already ended) reloads to it too.
    location.replace(response.redirected ? response.url : location.href);
  }

  // Still signed in: the menu closes, so that the notice (if any) shows.
  function stay(notice) {
    if (notice) { F.notify(F.text(form, notice)); }
    const menu = form.closest('details');
    if (menu) { menu.open = false; }
  }

  form.addEventListener('submit', (evt) => {
    evt.preventDefault();
    if (button.disabled) { return; }
    button.disabled = true;
    signOut().catch(() => stay('offline'))
      .then(() => { button.disabled = false; });
  });
})();
