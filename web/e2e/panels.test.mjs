// Browser tests of the details panel, the servers page, admin and API keys
// against the real server and a real transmission-daemon (loopback only).
// Layout checks run at desktop (1440×900) and phone (390×844) sizes, in
// light and dark. Run: cd web && node --test e2e/panels.test.mjs

import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { screenshot, startStackWithPage, stepsOn, watchPage, withScreenshotOnFailure } from './harness.mjs';
import path from 'node:path';
import { makeSeedableTorrent, startLeecher, startTracker } from './swarm.mjs';
import { bencode, makeTorrent } from './torrent-file.mjs';
import { callApi, uploadTorrent } from './page-api.mjs';

const USER = 'panels-admin';
const PASSWORD = 'panels password 1';
const LIVE_TIMEOUT = 15_000;
const DETAILS_REFRESH_MS = 5000; // views/details.js REFRESH_MS
const LOOKS = [
  { name: 'desktop-light', viewport: { width: 1440, height: 900 }, colorScheme: 'light' },
  { name: 'desktop-dark', viewport: { width: 1440, height: 900 }, colorScheme: 'dark' },
  { name: 'phone-light', viewport: { width: 390, height: 844 }, colorScheme: 'light', isMobile: true, hasTouch: true },
  { name: 'phone-dark', viewport: { width: 390, height: 844 }, colorScheme: 'dark', isMobile: true, hasTouch: true },
];

/** A torrent with these files (paths inside the torrent's folder `name`). */
function makeMultiFileTorrent(name, paths) {
  const pieceLength = 16384;
  const files = paths.map((file) => ({ length: pieceLength, path: file.split('/') }));
  const info = { files, name, 'piece length': pieceLength, pieces: randomBytes(20 * files.length) };
  const infoHash = createHash('sha1').update(bencode(info)).digest('hex');
  return { buffer: bencode({ announce: 'http://127.0.0.1:1/announce', info }), infoHash, name };
}

/** How many lines of text an element's own text takes (1 = no wrapping). */
function textLines(locator) {
  return locator.evaluate((element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    return tops.size;
  });
}

// A table row, or on phones the torrent's card.
const rowOf = (page, name) => page.locator('.vrow:not([hidden])', { has: page.locator('.vcell.name, .card-name', { hasText: name }) });

describe('web panels', { timeout: 300_000 }, () => {
  let stack;
  let context;
  let page;
  let problems;
  let serverId;
  let tracker;
  let leecher;
  let swarmTorrent;
  const album = makeMultiFileTorrent('e2e-album', ['cd1/01 intro.flac', 'cd1/02 theme.flac', 'cd2/01 finale.flac', 'cover.jpg']);
  const labelled = makeTorrent('e2e-labelled.iso');

  before(async () => {
    ({ stack, context, page, problems } = await startStackWithPage());
    await page.goto(`${stack.server.url}/`);
    assert.equal((await callApi(page, 'POST', '/auth/register', { username: USER, password: PASSWORD })).status, 200);
    assert.equal((await callApi(page, 'POST', '/auth/login', { username: USER, password: PASSWORD, remember_me: true })).status, 200);
    const created = await callApi(page, 'POST', '/servers', {
      name: 'Local Transmission', server_type: 'transmission', host: '127.0.0.1', port: stack.transmission.port,
      username: stack.transmission.username, password: stack.transmission.password, is_default: true,
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    serverId = created.body.id;
    assert.equal(await uploadTorrent(page, album, { start: 'false' }), 200);
    assert.equal(await uploadTorrent(page, labelled, { start: 'false', labels: 'classical,lossless' }), 200);
    // A real peer: the managed daemon seeds, an rTorrent downloads from it at 16 KiB/s.
    tracker = await startTracker();
    swarmTorrent = makeSeedableTorrent(stack.transmission.downloadDir, 'e2e-swarm.bin', tracker.url);
    assert.equal(await uploadTorrent(page, swarmTorrent, {}), 200);
    await tracker.announced;
    leecher = await startLeecher(path.join(stack.root, 'leecher'), swarmTorrent);
    await page.goto(`${stack.server.url}/#/torrents`);
    await page.reload(); // the page started logged out
    await rowOf(page, album.name).waitFor({ timeout: LIVE_TIMEOUT });
  });

  after(async () => {
    await leecher?.stop();
    await tracker?.stop();
    await stack?.stop();
  });

  const step = stepsOn(() => page);
  const filesOf = async (torrent) => (await callApi(page, 'GET',
    `/torrents/${torrent.infoHash}/files?server_id=${serverId}`)).body.files;

  const openDetails = async (torrent, tab) => {
    await page.goto(`${stack.server.url}/#/torrents`);
    await rowOf(page, torrent.name).dblclick();
    await page.locator('.details-title', { hasText: torrent.name }).waitFor();
    await page.click(`.tabs >> text=${tab}`);
  };

  step('details: a refresh keeps the focused priority select focused (bug: focus jumped to body)', async () => {
    await openDetails(album, 'Files');
    const select = page.getByLabel('Priority of cd1/01 intro.flac');
    await select.focus();
    await select.evaluate((element) => { window.e2eFocused = element; });
    let refreshes = 0;
    const count = (request) => { if (request.url().includes(`/torrents/${album.infoHash}/files`)) refreshes += 1; };
    page.on('request', count);
    await page.waitForTimeout(2 * DETAILS_REFRESH_MS + 1500);
    page.off('request', count);
    assert.ok(refreshes >= 2, `the files list was fetched again ${refreshes} times`);
    assert.equal(await page.evaluate(() => document.activeElement === window.e2eFocused), true,
      'focus left the priority select');
    assert.equal(await page.evaluate(() => window.e2eFocused.isConnected), true, 'the select was rebuilt');
  });

  step('details: the trackers list is patched in place, values on one line', async () => {
    await openDetails(album, 'Trackers');
    const row = page.locator('table.trackers tbody tr').first();
    await row.waitFor();
    await row.evaluate((element) => { window.e2eTrackerRow = element; });
    await page.waitForRequest((request) => request.url().includes('/trackers'), { timeout: DETAILS_REFRESH_MS + 3000 });
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.e2eTrackerRow.isConnected), true, 'the row was rebuilt');
    const url = row.locator('td').first();
    assert.equal(await url.textContent(), 'http://127.0.0.1:1/announce');
    assert.equal(await url.getAttribute('title'), 'http://127.0.0.1:1/announce');
  });

  step('details: connected peers are patched in place, values on one line', async () => {
    await openDetails(swarmTorrent, 'Peers');
    const row = page.locator('table.peers tbody tr').first();
    await row.waitFor({ timeout: 40_000 }); // announce, connect, the next refresh
    assert.match(await row.locator('td').first().textContent(), /^127\.0\.0\.2:\d+$/);
    await row.evaluate((element) => { window.e2ePeerRow = element; });
    await page.waitForRequest((request) => request.url().includes('/peers'), { timeout: DETAILS_REFRESH_MS + 3000 });
    await page.waitForTimeout(500);
    assert.equal(await page.evaluate(() => window.e2ePeerRow.isConnected), true, 'the row was rebuilt');
    for (const cell of await row.locator('td').all()) {
      const text = await cell.textContent();
      assert.equal(await textLines(cell), text ? 1 : 0, `"${text}" wraps`);
      assert.equal(await cell.getAttribute('title'), text);
    }
  });

  step('files: folder tree with progress bars; collapse a folder', async () => {
    await openDetails(album, 'Files');
    await page.locator('tr[data-key="d:cd2"]').waitFor();
    const keys = await page.locator('table.files tbody tr').evaluateAll((rows) => rows.map((row) => row.dataset.key));
    assert.deepEqual(keys.filter((key) => key.startsWith('d:')), ['d:cd1', 'd:cd2']);
    assert.equal(keys.length, 6);
    assert.equal(await page.locator('table.files tbody tr .bar-fill').count(), 6);
    const cd1 = page.locator('tr[data-key="d:cd1"]');
    assert.equal(await cd1.locator('.bar-text').textContent(), '0.0% of 32.0 KiB'); // two 16 KiB files
    await cd1.getByRole('button', { name: 'Collapse folder cd1' }).click();
    assert.equal(await page.getByLabel('Priority of cd1/01 intro.flac').isVisible(), false);
    assert.equal(await page.getByLabel('Priority of cd2/01 finale.flac').isVisible(), true);
    await cd1.getByRole('button', { name: 'Expand folder cd1' }).click();
    assert.equal(await page.getByLabel('Priority of cd1/01 intro.flac').isVisible(), true);
  });

  step('files: select a folder and set one priority for all its files in one request', async () => {
    await openDetails(album, 'Files');
    await page.getByLabel('Select folder cd1').check();
    await page.locator('.selected-count', { hasText: '2 of 4 selected' }).waitFor();
    assert.equal(await page.getByLabel('Select all files').evaluate((box) => box.indeterminate), true);
    const puts = [];
    const record = (request) => { if (request.method() === 'PUT' && request.url().includes('/files')) puts.push(request.postDataJSON()); };
    page.on('request', record);
    await page.getByLabel('Priority for the selected files').selectOption('high');
    const answered = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/files'));
    await page.getByRole('button', { name: 'Set priority' }).click();
    assert.equal((await answered).status(), 200);
    page.off('request', record);
    assert.equal(puts.length, 1, 'one request for the whole selection');
    assert.deepEqual(puts[0].priorities.map((change) => change.priority), ['high', 'high']);
    const files = await filesOf(album);
    assert.deepEqual(files.filter((file) => file.priority === 'high').map((file) => file.path).sort(),
      ['cd1/01 intro.flac', 'cd1/02 theme.flac']);
    assert.equal(await page.getByLabel('Priority of cd1/02 theme.flac').inputValue(), 'high');

    await page.getByLabel('Select all files').check();
    await page.locator('.selected-count', { hasText: '4 of 4 selected' }).waitFor();
    await page.getByLabel('Select all files').uncheck();
    await page.locator('.selected-count', { hasText: 'Select files' }).waitFor();
  });

  step('files: skip and download a folder', async () => {
    await openDetails(album, 'Files');
    const cd2 = page.locator('tr[data-key="d:cd2"]');
    let answered = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/files'));
    await cd2.getByRole('button', { name: 'Skip' }).click();
    await answered;
    let finale = (await filesOf(album)).find((file) => file.path === 'cd2/01 finale.flac');
    assert.equal(finale.priority, 'skip');
    await page.locator('tr.skipped', { hasText: '01 finale.flac' }).waitFor();
    answered = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/files'));
    await cd2.getByRole('button', { name: 'Download' }).click();
    await answered;
    finale = (await filesOf(album)).find((file) => file.path === 'cd2/01 finale.flac');
    assert.equal(finale.priority, 'normal');
    // The high priorities set before stay: "download" only un-skips.
    assert.equal((await filesOf(album)).filter((file) => file.priority === 'high').length, 2);
  });

  step('labels: suggestions from the labels in use; chips show what the server answered', async () => {
    await openDetails(album, 'Labels');
    const input = page.getByLabel('New label');
    const suggestions = () => page.locator('.labels-tab datalist option').evaluateAll((options) => options.map((o) => o.value));
    // The labelled torrent's labels reach the live store with a poll of its server.
    const deadline = Date.now() + LIVE_TIMEOUT;
    while ((await suggestions()).length < 2 && Date.now() < deadline) {
      await page.locator('.tabs >> text=Overview').focus();
      await input.focus();
      await page.waitForTimeout(300);
    }
    assert.deepEqual(await suggestions(), ['classical', 'lossless']);
    assert.equal(await input.getAttribute('list'), await page.locator('.labels-tab datalist').getAttribute('id'));
    await input.fill('classical');
    const answered = page.waitForResponse((response) => response.request().method() === 'PUT' && response.url().includes('/labels'));
    await page.getByRole('button', { name: 'Add label' }).click();
    const answer = await (await answered).json();
    await page.locator('.labels-tab .chip', { hasText: 'classical' }).waitFor();
    const chips = await page.locator('.labels-tab .chip').evaluateAll((items) => items.map((item) => item.firstChild.textContent));
    assert.deepEqual(chips, answer.labels);
    // A label the torrent has is no longer suggested.
    assert.deepEqual(await suggestions(), ['lossless']);
  });

  step('details: a torrent removed while its Trackers tab is open is said to be gone', async () => {
    const doomed = makeTorrent('e2e-doomed.iso');
    assert.equal(await uploadTorrent(page, doomed, { start: 'false' }), 200);
    await page.goto(`${stack.server.url}/#/torrents`);
    await rowOf(page, doomed.name).waitFor({ timeout: LIVE_TIMEOUT });
    await openDetails(doomed, 'Trackers');
    await page.locator('table.trackers tbody tr').first().waitFor();
    assert.equal((await callApi(page, 'DELETE', `/torrents/${doomed.infoHash}?server_id=${serverId}`)).status, 200);
    await page.locator('.details-title', { hasText: 'Torrent removed' }).waitFor({ timeout: LIVE_TIMEOUT });
    assert.equal(await page.locator('.details-body table').count(), 0);
    await page.click('[aria-label="Close details"]');
  });

  step('server form: only the chosen transport\'s fields', async () => {
    await page.goto(`${stack.server.url}/#/servers`);
    await page.click('text=+ Add server');
    const form = page.locator('form.server-form');
    const visible = (name) => form.locator(`[name=${name}]`).isVisible();
    await form.locator('select[name=server_type]').selectOption('rtorrent');
    await form.locator('select[name=transport]').selectOption('scgi');
    assert.equal(await visible('username'), false, 'SCGI has no username');
    assert.equal(await visible('password'), false, 'SCGI has no password');
    assert.equal(await visible('use_ssl'), false);
    await form.locator('select[name=transport]').selectOption('http');
    assert.equal(await visible('username'), true);
    assert.equal(await visible('password'), true);
    assert.equal(await visible('tls_accept_invalid_certs'), false, 'self-signed only matters with HTTPS');
    await form.locator('input[name=use_ssl]').check();
    assert.equal(await visible('tls_accept_invalid_certs'), true);
    await form.locator('select[name=server_type]').selectOption('transmission');
    assert.equal(await visible('username'), true);
    assert.equal(await visible('transport'), false, 'Transmission has one transport');

    // The kinds, their transports and defaults come from GET /clients (the
    // embedded engine's server is made, never added).
    const kindNames = await form.locator('select[name=server_type] option').allTextContents();
    assert.deepEqual(kindNames, ['rTorrent', 'Transmission', 'qBittorrent', 'Deluge', 'rqbit']);
    await form.locator('select[name=server_type]').selectOption('deluge');
    const transports = await form.locator('select[name=transport] option').evaluateAll((options) => options.map((o) => o.value));
    assert.deepEqual(transports, ['deluge_rpc', 'http']);
    assert.equal(await form.locator('input[name=port]').inputValue(), '58846');
    assert.equal(await visible('username'), true, "Deluge's daemon has accounts");
    assert.equal(await visible('rpc_path'), false);
    await form.locator('select[name=transport]').selectOption('http');
    assert.equal(await form.locator('input[name=port]').inputValue(), '8112');
    assert.equal(await form.locator('input[name=rpc_path]').getAttribute('placeholder'), '/json');
    await form.locator('select[name=server_type]').selectOption('qbittorrent');
    assert.equal(await visible('transport'), false);
    assert.equal(await form.locator('input[name=port]').inputValue(), '8080');
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
  });

  step('server form: a failing connection test blocks saving until "Save anyway" (bug: saved with a success toast)', async () => {
    const serverCount = async () => (await callApi(page, 'GET', '/servers')).body.length;
    const before = await serverCount();
    await page.goto(`${stack.server.url}/#/servers`);
    await page.click('text=+ Add server');
    const form = page.locator('form.server-form');
    await form.locator('input[name=name]').fill('Wrong password');
    await form.locator('select[name=server_type]').selectOption('transmission');
    await form.locator('input[name=port]').fill(String(stack.transmission.port));
    await form.locator('input[name=username]').fill(stack.transmission.username);
    await form.locator('input[name=password]').fill('not the password');
    await form.getByRole('button', { name: 'Test connection' }).click();
    const result = form.locator('.connection-test.failed');
    await result.waitFor();
    assert.ok((await result.textContent()).length > 0, 'the failure has no reason');
    assert.equal(await serverCount(), before, 'testing saved the server');

    await form.locator('button[type=submit]').click();
    await form.getByRole('button', { name: 'Save anyway' }).waitFor();
    await result.waitFor();
    assert.equal(await page.locator('.toast', { hasText: 'Added Wrong password' }).count(), 0);
    assert.equal(await serverCount(), before, 'a failing server was saved');

    // The right password: the test passes and Save saves at once.
    await form.locator('input[name=password]').fill(stack.transmission.password);
    assert.equal(await form.getByRole('button', { name: 'Save anyway' }).isVisible(), false, 'stale "Save anyway" after an edit');
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.locator('.connection-test.connected').waitFor();
    await form.locator('input[name=name]').fill('Right password');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    await page.locator('.toast', { hasText: 'Added Right password.' }).waitFor();
    const added = (await callApi(page, 'GET', '/servers')).body.find((server) => server.name === 'Right password');
    assert.ok(added, 'the server was not saved');
    // Only one server may show the daemon's torrents in the later steps.
    assert.equal((await callApi(page, 'DELETE', `/servers/${added.id}`)).status, 200);
  });

  step('server form: "Save anyway" saves the failing settings', async () => {
    await page.goto(`${stack.server.url}/#/servers`);
    await page.click('text=+ Add server');
    const form = page.locator('form.server-form');
    await form.locator('input[name=name]').fill('Saved anyway');
    await form.locator('select[name=server_type]').selectOption('transmission');
    await form.locator('input[name=port]').fill(String(stack.transmission.port));
    await form.locator('input[name=username]').fill(stack.transmission.username);
    await form.locator('input[name=password]').fill('not the password');
    await form.locator('input[name=enabled]').uncheck(); // no polling of a server that cannot answer
    await form.locator('button[type=submit]').click();
    await form.getByRole('button', { name: 'Save anyway' }).click();
    await form.waitFor({ state: 'detached' });
    await page.locator('.toast', { hasText: 'Added Saved anyway.' }).waitFor();
    const saved = (await callApi(page, 'GET', '/servers')).body.find((server) => server.name === 'Saved anyway');
    assert.ok(saved, 'not saved');
    assert.equal((await callApi(page, 'DELETE', `/servers/${saved.id}`)).status, 200);
  });

  step('server form: an edit is tested with the stored password, and a wrong new one blocks Save (bug: edits could not be tested)', async () => {
    const stored = (await callApi(page, 'GET', `/servers/${serverId}`)).body;
    await page.goto(`${stack.server.url}/#/servers`);
    await page.locator('article.server', { hasText: 'Local Transmission' }).getByRole('button', { name: 'Edit' }).click();
    const form = page.locator('form.server-form');
    // No password typed: the stored one is used for the test.
    await form.getByRole('button', { name: 'Test connection' }).click();
    await form.locator('.connection-test.connected').waitFor();

    await form.locator('input[name=password]').fill('not the password');
    await form.locator('button[type=submit]').click();
    await form.getByRole('button', { name: 'Save anyway' }).waitFor();
    await form.locator('.connection-test.failed').waitFor();
    const unchanged = (await callApi(page, 'GET', `/servers/${serverId}`)).body;
    assert.equal(unchanged.updated_at, stored.updated_at, 'a failing edit was saved');

    // Back to the stored password, renamed: the test passes and Save saves.
    await form.locator('input[name=password]').fill('');
    await form.locator('input[name=name]').fill('Local Transmission 3');
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    await page.locator('.toast', { hasText: 'Saved Local Transmission 3.' }).waitFor();
    const saved = (await callApi(page, 'GET', `/servers/${serverId}`)).body;
    assert.equal(saved.name, 'Local Transmission 3');
    assert.equal(saved.has_password, true);
    assert.equal((await callApi(page, 'PUT', `/servers/${serverId}`, { name: 'Local Transmission' })).status, 200);
    const tested = await callApi(page, 'POST', `/servers/${serverId}/test`);
    assert.equal(tested.body.status, 'connected', 'the stored password was kept');
  });

  step('servers: #/servers/new opens the add form; closing it goes back to #/servers', async () => {
    await page.goto(`${stack.server.url}/#/servers/new`);
    const form = page.locator('dialog form.server-form');
    await form.waitFor();
    assert.equal(await form.locator('input[name=name]').evaluate((input) => document.activeElement === input), true);
    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    assert.equal(new URL(page.url()).hash, '#/servers');
  });

  step('servers: the card\'s address includes the RPC path', async () => {
    await page.goto(`${stack.server.url}/#/servers`);
    const card = page.locator('article.server', { hasText: 'Local Transmission' });
    await card.waitFor();
    const address = card.locator('dt:text-is("Address") + dd');
    assert.equal(await address.textContent(), `http://127.0.0.1:${stack.transmission.port}/transmission/rpc`);
  });

  step('servers: the enabled switch disables and enables a server, keeping focus across live updates', async () => {
    await page.goto(`${stack.server.url}/#/servers`);
    const card = page.locator('article.server', { hasText: 'Local Transmission' });
    await card.locator('.badge[data-status=connected]').waitFor({ timeout: LIVE_TIMEOUT });
    const toggle = card.getByLabel('Local Transmission enabled');
    assert.equal(await toggle.isChecked(), true);
    await toggle.uncheck();
    await card.locator('.badge[data-status=disabled]').waitFor({ timeout: LIVE_TIMEOUT });
    assert.equal((await callApi(page, 'GET', `/servers/${serverId}`)).body.enabled, false);
    assert.equal(await toggle.evaluate((box) => document.activeElement === box), true, 'the switch lost focus');
    await toggle.check();
    await card.locator('.badge[data-status=connected]').waitFor({ timeout: LIVE_TIMEOUT });
    assert.equal((await callApi(page, 'GET', `/servers/${serverId}`)).body.enabled, true);
    assert.equal(await toggle.evaluate((box) => document.activeElement === box), true, 'the switch lost focus');
  });

  step('servers: the card\'s speeds follow the torrents live', async () => {
    await page.goto(`${stack.server.url}/#/servers`);
    const card = page.locator('article.server', { hasText: 'Local Transmission' });
    // The managed daemon seeds to the rTorrent leecher at about 16 KiB/s.
    await card.locator('dd.rates', { hasText: /^↓ – · ↑ [\d.]+ KiB\/s$/ }).waitFor({ timeout: LIVE_TIMEOUT });
  });

  step('servers: the card shows the client\'s free space', async () => {
    const info = async () => (await callApi(page, 'GET', `/servers/${serverId}`)).body;
    await page.goto(`${stack.server.url}/#/servers`);
    const card = page.locator('article.server', { hasText: 'Local Transmission' });
    assert.equal(typeof (await info()).free_space, 'number', 'transmission reports its free space');
    await card.locator('dd.free-space').waitFor({ timeout: LIVE_TIMEOUT });
    assert.match(await card.locator('dd.free-space').textContent(), /^[\d.]+ [KMGTP]iB$/);
  });

  step('servers: the Categories panel adds, edits and removes where Sonarr/Radarr adds go', async () => {
    const categories = async () => (await callApi(page, 'GET', '/categories')).body.categories;
    const tv = `${stack.transmission.downloadDir}/tv`;
    await page.goto(`${stack.server.url}/#/servers`);
    const panel = page.locator('section.categories');
    await panel.getByText('Sonarr/Radarr categories: adds in a category go to this server and folder.').waitFor();
    await panel.getByText('No categories yet').waitFor();

    // A relative folder is refused with the server's reason; the dialog stays.
    await panel.getByRole('button', { name: '+ Add category' }).click();
    const form = page.locator('dialog form.category-form');
    await form.locator('input[name=name]').fill('tv-sonarr');
    await form.locator('select[name=server_id]').selectOption({ label: 'Local Transmission' });
    await form.locator('input[name=save_path]').fill('tv');
    await form.locator('button[type=submit]').click();
    await form.locator('.error', { hasText: 'absolute' }).waitFor();
    await form.locator('input[name=save_path]').fill(tv);
    await form.locator('button[type=submit]').click();
    await form.waitFor({ state: 'detached' });
    await page.locator('.toast', { hasText: 'Added tv-sonarr.' }).waitFor();
    const row = panel.locator('tr[data-category="tv-sonarr"]');
    await row.getByText('Local Transmission').waitFor();
    assert.equal(await row.locator('td').nth(2).textContent(), tv);
    await screenshot(page, 'panels-categories');
    assert.deepEqual(await categories(), [{ name: 'tv-sonarr', save_path: tv, server_id: serverId, server_name: 'Local Transmission' }]);

    // Edit: back to the default server and its own folder.
    await row.getByRole('button', { name: 'Edit' }).click();
    assert.equal(await form.locator('select[name=server_id]').inputValue(), serverId);
    await form.locator('select[name=server_id]').selectOption({ label: 'Default server' });
    await form.locator('input[name=save_path]').fill('');
    await form.locator('button[type=submit]').click();
    await page.locator('.toast', { hasText: 'Saved tv-sonarr.' }).waitFor();
    await row.getByText('Default server').waitFor();
    assert.deepEqual(await categories(), [{ name: 'tv-sonarr', save_path: null, server_id: null, server_name: null }]);

    await row.getByRole('button', { name: 'Remove' }).click();
    await page.locator('dialog').getByRole('button', { name: 'Remove' }).click();
    await page.locator('.toast', { hasText: 'Removed tv-sonarr.' }).waitFor();
    await row.waitFor({ state: 'detached' });
    assert.deepEqual(await categories(), []);
  });

  step('admin: creating a user says so; the Admin checkbox asks first, and cancel puts it back', async () => {
    await page.goto(`${stack.server.url}/#/admin`);
    const form = page.locator('form', { hasText: 'Create a user' });
    await form.locator('input[name=username]').fill('carol');
    await form.locator('input[name=password]').fill('carol password');
    await form.locator('button[type=submit]').click();
    await page.locator('.toast', { hasText: 'Created carol.' }).waitFor();
    const carolIsAdmin = async () => (await callApi(page, 'GET', '/admin/users')).body.find((u) => u.username === 'carol').is_admin;
    const admin = page.getByLabel('carol is an admin');
    await admin.check();
    const dialog = page.locator('dialog');
    await dialog.waitFor();
    assert.match(await dialog.textContent(), /Make carol an admin\?/);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    assert.equal(await admin.isChecked(), false, 'cancel left the checkbox ticked');
    assert.equal(await carolIsAdmin(), false);

    await admin.check();
    await dialog.getByRole('button', { name: 'Make admin' }).click();
    await page.locator('.toast', { hasText: 'carol is now an admin.' }).waitFor();
    assert.equal(await carolIsAdmin(), true);
    await page.getByLabel('carol is an admin').uncheck();
    assert.match(await dialog.textContent(), /Remove admin rights from carol\?/);
    await dialog.getByRole('button', { name: 'Remove admin rights' }).click();
    await page.locator('.toast', { hasText: 'carol is no longer an admin.' }).waitFor();
    assert.equal(await carolIsAdmin(), false);
  });

  step('API keys: the prefix column shows the key\'s start as the key reads', async () => {
    const created = await callApi(page, 'POST', '/auth/api-keys', { name: 'sonarr upload script' });
    assert.equal(created.status, 200);
    await page.goto(`${stack.server.url}/#/api-keys`);
    const shown = await page.locator('table.api-keys tr', { hasText: 'sonarr upload script' }).locator('code').textContent();
    assert.match(shown, /^tm_[\w-]{8}…$/);
    assert.ok(created.body.api_key.startsWith(shown.slice(0, -1)), `${shown} is not how ${created.body.api_key} starts`);
  });

  for (const look of LOOKS) {
    test(`layout at ${look.name}`, async () => {
      const lookContext = await stack.browser.newContext({
        viewport: look.viewport, colorScheme: look.colorScheme, isMobile: look.isMobile, hasTouch: look.hasTouch,
        storageState: await context.storageState(),
      });
      const lookPage = await lookContext.newPage();
      const lookProblems = watchPage(lookPage, stack.server.url);
      const wide = look.viewport.width;
      try {
        await withScreenshotOnFailure(lookPage, `layout-${look.name}`, async () => {
          assert.equal(await lookPage.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), look.colorScheme === 'dark');
          // Trackers in the details panel (a bottom sheet on phones): one line per value.
          await lookPage.goto(`${stack.server.url}/#/torrents`);
          await rowOf(lookPage, album.name).dblclick();
          await lookPage.click('.tabs >> text=Trackers');
          const cells = lookPage.locator('.details-body table tbody td');
          await cells.filter({ hasText: '/announce' }).waitFor();
          for (const cell of await cells.all()) {
            assert.equal(await textLines(cell), (await cell.textContent()) ? 1 : 0, `"${await cell.textContent()}" wraps`);
          }
          await screenshot(lookPage, `panels-trackers-${look.name}`);
          // Peers of the torrent with a real peer (the bottom sheet's worst case in the review).
          await lookPage.locator('[aria-label="Close details"]').click();
          await rowOf(lookPage, swarmTorrent.name).dblclick();
          await lookPage.click('.tabs >> text=Peers');
          const peerCells = lookPage.locator('.details-body table tbody td');
          await peerCells.filter({ hasText: '127.0.0.2:' }).waitFor({ timeout: 20_000 });
          for (const cell of await peerCells.all()) {
            assert.equal(await textLines(cell), (await cell.textContent()) ? 1 : 0, `"${await cell.textContent()}" wraps`);
          }
          await screenshot(lookPage, `panels-peers-${look.name}`);
          await lookPage.locator('[aria-label="Close details"]').click();
          await rowOf(lookPage, album.name).dblclick();
          await lookPage.click('.tabs >> text=Files');
          const fileName = lookPage.locator('tr[data-key^="f:"] .file-name').first();
          await fileName.waitFor();
          assert.equal(await textLines(fileName), 1);
          assert.ok(await lookPage.locator('.files-tab .table-scroll').evaluate((box) => box.scrollWidth <= box.clientWidth),
            'the files table is wider than the panel');
          await screenshot(lookPage, `panels-files-${look.name}`);

          // API keys: Revoke fully on screen, names broken only between words.
          await lookPage.goto(`${stack.server.url}/#/api-keys`);
          const keyRow = lookPage.locator('table.api-keys tr', { hasText: 'sonarr upload script' });
          const revoke = keyRow.getByRole('button', { name: 'Revoke' });
          const box = await revoke.boundingBox();
          assert.ok(box && box.x >= 0 && box.x + box.width <= wide, `Revoke at ${JSON.stringify(box)} is clipped`);
          const words = await keyRow.locator('td').first().evaluate((cell) => {
            const text = cell.firstChild;
            const lineOf = (start, end) => {
              const range = document.createRange();
              range.setStart(text, start);
              range.setEnd(text, end);
              return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
            };
            let offset = 0;
            return text.textContent.split(' ').map((word) => {
              const lines = lineOf(offset, offset + word.length);
              offset += word.length + 1;
              return lines;
            });
          });
          assert.ok(words.every((lines) => lines === 1), 'a word of the key name is broken across lines');
          assert.ok(await lookPage.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), 'the page scrolls sideways');
          await screenshot(lookPage, `panels-api-keys-${look.name}`);

          // Admin users table: the actions cell lines up with the row.
          await lookPage.goto(`${stack.server.url}/#/admin`);
          const rows = lookPage.locator('.page table tbody tr');
          await rows.first().waitFor();
          // Measured once the page has settled (its rows fill in as their
          // data arrives): the first row whose actions cell is off, if any.
          const offRow = async () => {
            for (const row of await rows.all()) {
              const [first, last] = await row.evaluate((tr) => [tr.cells[0], tr.cells[tr.cells.length - 1]]
                .map((cell) => { const r = cell.getBoundingClientRect(); return { top: r.top, bottom: r.bottom }; }));
              if (!(Math.abs(first.bottom - last.bottom) < 1 && Math.abs(first.top - last.top) < 1)) {
                return `actions cell ${JSON.stringify(last)} is off the row ${JSON.stringify(first)}`;
              }
            }
            return null;
          };
          let off = await offRow();
          for (let tries = 0; off && tries < 25; tries += 1) {
            await lookPage.waitForTimeout(200);
            off = await offRow();
          }
          assert.equal(off, null);
          await screenshot(lookPage, `panels-admin-${look.name}`);

          // Servers: the card with its speeds and the switch fits the screen.
          await lookPage.goto(`${stack.server.url}/#/servers`);
          const card = lookPage.locator('article.server', { hasText: 'Local Transmission' });
          await card.locator('dd.rates').waitFor();
          const cardBox = await card.boundingBox();
          assert.ok(cardBox.x + cardBox.width <= wide, 'the server card is wider than the screen');
          await screenshot(lookPage, `panels-servers-${look.name}`);
          assert.deepEqual(lookProblems, []);
        });
      } finally {
        await lookContext.close();
      }
    });
  }

  test('the pages talked to no other origin and broke no policy', () => {
    assert.deepEqual(problems, []);
  });
});
