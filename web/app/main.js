// Start-up and navigation: who is logged in, which page the hash names,
// and the header around it.

import { api, SESSION_ENDED } from './api.js';
import { listenForLaunches, openPendingLaunch } from './launch.js';
import { startLive, stopLive } from './live.js';
import { accountView } from './views/account.js';
import { adminView } from './views/admin.js';
import { enableDropToAdd } from './views/add-torrent.js';
import { apiKeysView } from './views/api-keys.js';
import { loginView } from './views/login.js';
import { serversView } from './views/servers.js';
import { torrentsView } from './views/torrents.js';

const ROUTES = {
  torrents: () => torrentsView(),
  servers: () => serversView(),
  'api-keys': () => apiKeysView(),
  admin: (me) => (me.is_admin ? adminView(me) : null),
  account: (me) => accountView(me),
};

const main = document.getElementById('app');
const header = document.querySelector('.topbar');
let me = null;
let view = null;

function show(next) {
  view?.destroy?.();
  view = next;
  main.replaceChildren(next.element);
  document.title = `${next.title} · torrent-manager`;
  (next.focus ?? main).focus({ preventScroll: true });
}

function route() {
  if (!me) {
    show(loginView(start));
    return;
  }
  const name = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  const next = ROUTES[name]?.(me);
  if (!next) {
    location.replace('#/torrents');
    return;
  }
  for (const link of header.querySelectorAll('[data-route]')) {
    if (link.dataset.route === name) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  show(next);
}

/** Asks the server who we are; shows the app or the login page. */
async function start() {
  try {
    me = await api.get('/auth/me');
  } catch {
    me = null;
  }
  header.hidden = !me;
  if (me) {
    header.querySelector('.whoami').textContent = me.username;
    header.querySelector('[data-route="admin"]').hidden = !me.is_admin;
    startLive(header.querySelector('.live-indicator'));
  }
  route();
  if (me) openPendingLaunch();
}

function sessionEnded() {
  if (!me) return;
  me = null;
  stopLive();
  header.hidden = true;
  for (const dialog of document.querySelectorAll('dialog')) dialog.close();
  route();
}

header.querySelector('.logout').addEventListener('click', async () => {
  try {
    await api.post('/auth/logout');
  } catch {
    // Already logged out (or the server is gone): leave all the same.
  }
  sessionEnded();
});
window.addEventListener(SESSION_ENDED, sessionEnded);
window.addEventListener('hashchange', route);
enableDropToAdd(() => Boolean(me));
listenForLaunches(() => Boolean(me));
start();
