// Start-up and navigation: who is logged in, which page the hash names,
// and the header around it.

import { api, SESSION_ENDED } from './api.js';
import { listenForLaunches, openPendingLaunch } from './launch.js';
import { startLive, stopLive } from './live.js';
import { enableDropToAdd } from './views/add-torrent.js';
import { torrentsView } from './views/torrents.js';

// The torrents page is where most visits land, so only its modules load
// with the page; the other pages are fetched when first opened.
const ROUTES = {
  torrents: () => torrentsView(),
  servers: async () => (await import('./views/servers.js')).serversView(),
  files: async () => (await import('./views/server-files.js')).serverFilesView(),
  'api-keys': async () => (await import('./views/api-keys.js')).apiKeysView(),
  activity: async () => (await import('./views/activity.js')).activityView(),
  rules: async () => (await import('./views/rules.js')).rulesView(),
  placement: async () => (await import('./views/placement.js')).placementView(),
  duplicates: async () => (await import('./views/fleet.js')).duplicatesView(),
  'cross-seed': async () => (await import('./views/fleet.js')).crossSeedView(),
  jobs: async () => (await import('./views/jobs.js')).jobsView(),
  feeds: async () => (await import('./views/feeds.js')).feedsView(),
  webhooks: async () => (await import('./views/webhooks.js')).webhooksView(),
  admin: async (me) => (me.is_admin ? (await import('./views/admin.js')).adminView(me) : null),
  account: async (me) => (await import('./views/account.js')).accountView(me),
};

const main = document.getElementById('app');
const header = document.querySelector('.topbar');
let me = null;
let view = null;
let navigation = 0; // a page that finishes loading after the next navigation is dropped

function show(next) {
  view?.destroy?.();
  view = next;
  main.replaceChildren(next.element);
  document.title = `${next.title} · torrent-manager`;
  (next.focus ?? main).focus({ preventScroll: true });
}

async function route() {
  const current = ++navigation;
  if (!me) {
    const { loginView } = await import('./views/login.js');
    if (current === navigation) show(loginView(start));
    return;
  }
  const name = location.hash.replace(/^#\/?/, '').split(/[/?]/)[0];
  const next = await ROUTES[name]?.(me);
  if (current !== navigation) {
    next?.destroy?.();
    return;
  }
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
  await route();
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
