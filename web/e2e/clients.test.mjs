// Browser tests of what differs between client kinds, against a real
// qbittorrent-nox, a real deluged without its Label plugin and an rqbit
// server (librqbit's HTTP API; all started by the Rust test kit's
// tm-test-daemon): the UI offers only what a client can do, and shows
// qBittorrent's category apart from its labels (tags).
// Run: cd web && node --test e2e/clients.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { startStack, startTestDaemon, stepsOn, watchPage } from './harness.mjs';
import { makeTorrent } from './torrent-file.mjs';
import { callApi, uploadTorrent } from './page-api.mjs';

const USER = 'clients-admin';
const PASSWORD = 'clients password 1';
const LIVE_TIMEOUT = 20_000;

/** Gives a torrent a category through qBittorrent's own WebAPI (ours has no call for it). */
async function setQbittorrentCategory(server, hash, category) {
  const base = `http://${server.host}:${server.port}/api/v2`;
  const login = await fetch(`${base}/auth/login`, {
    method: 'POST', body: new URLSearchParams({ username: server.username, password: server.password }),
  });
  assert.equal(await login.text(), 'Ok.');
  const cookie = login.headers.get('set-cookie').split(';')[0];
  for (const [call, form] of [
    ['torrents/createCategory', { category, savePath: '' }],
    ['torrents/setCategory', { hashes: hash, category }],
  ]) {
    const answer = await fetch(`${base}/${call}`, { method: 'POST', headers: { cookie }, body: new URLSearchParams(form) });
    assert.equal(answer.status, 200, `${call}: ${await answer.text()}`);
  }
}

/** The text of a row's cell in the column `key` (cells line up with the header's). */
const cellText = (page, name, key) => page.evaluate(({ name, key }) => {
  const index = [...document.querySelectorAll('.vcell.head')].findIndex((head) => head.dataset.key === key);
  const row = [...document.querySelectorAll('.vrow:not([hidden])')]
    .find((candidate) => candidate.querySelector('.vcell.name')?.textContent === name);
  return row?.children[index]?.textContent;
}, { name, key });

const rowOf = (page, name) => page.locator('.vrow:not([hidden])', { has: page.locator('.vcell.name', { hasText: name }) });

describe('client kinds in the web UI', { timeout: 300_000 }, () => {
  let stack;
  let page;
  let problems;
  const daemons = {};
  const servers = {};
  const onQbittorrent = makeTorrent('e2e-on-qbittorrent.iso');
  const onDeluge = makeTorrent('e2e-on-deluge.iso');
  const onRqbit = makeTorrent('e2e-on-rqbit.iso');

  before(async () => {
    [stack, daemons.qbittorrent, daemons.deluge, daemons.rqbit] = await Promise.all([
      startStack(), startTestDaemon('qbittorrent'), startTestDaemon('deluge-bare'), startTestDaemon('rqbit'),
    ]);
    const context = await stack.browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    problems = watchPage(page, stack.server.url);
    await page.goto(`${stack.server.url}/`);
    assert.equal((await callApi(page, 'POST', '/auth/register', { username: USER, password: PASSWORD })).status, 200);
    assert.equal((await callApi(page, 'POST', '/auth/login', { username: USER, password: PASSWORD })).status, 200);
    for (const [kind, name] of [['qbittorrent', 'Local qBittorrent'], ['deluge', 'Local Deluge'], ['rqbit', 'Local rqbit']]) {
      const created = await callApi(page, 'POST', '/servers', { ...daemons[kind].server, name });
      assert.equal(created.status, 200, JSON.stringify(created.body));
      servers[kind] = created.body.id;
    }
    assert.equal(await uploadTorrent(page, onQbittorrent, { start: 'false', server_id: servers.qbittorrent, labels: 'linux,iso' }), 200);
    assert.equal(await uploadTorrent(page, onDeluge, { start: 'false', server_id: servers.deluge }), 200);
    assert.equal(await uploadTorrent(page, onRqbit, { start: 'false', server_id: servers.rqbit }), 200);
    await setQbittorrentCategory(daemons.qbittorrent.server, onQbittorrent.infoHash, 'distros');
    await page.goto(`${stack.server.url}/#/torrents`);
    await page.reload(); // the page started logged out
    await rowOf(page, onDeluge.name).waitFor({ timeout: LIVE_TIMEOUT });
  });

  after(async () => {
    await stack?.stop();
    await Promise.all(Object.values(daemons).map((daemon) => daemon.stop()));
  });

  const step = stepsOn(() => page);
  const openDetails = async (torrent) => {
    await rowOf(page, torrent.name).dblclick();
    await page.locator('.details-title', { hasText: torrent.name }).waitFor();
  };

  step('the servers report what was found on the wire', async () => {
    const { body } = await callApi(page, 'GET', '/servers');
    const byName = Object.fromEntries(body.map((server) => [server.name, server]));
    assert.equal(byName['Local qBittorrent'].capabilities.labels, 'many');
    assert.equal(byName['Local qBittorrent'].capabilities.category, true);
    assert.match(byName['Local qBittorrent'].api_version, /^2\./);
    assert.equal(byName['Local Deluge'].capabilities.labels, 'none', 'no Label plugin');
    assert.equal(byName['Local Deluge'].capabilities.low_file_priority, true);
    const rqbit = byName['Local rqbit'];
    assert.equal(rqbit.server_type, 'rqbit');
    assert.deepEqual(
      [rqbit.capabilities.labels, rqbit.capabilities.move, rqbit.capabilities.speed_limits,
        rqbit.capabilities.high_file_priority],
      ['none', false, false, false],
    );
  });

  step('rqbit: no Labels tab; its files are selected or skipped, no low or high priority', async () => {
    await rowOf(page, onRqbit.name).waitFor({ timeout: LIVE_TIMEOUT });
    await openDetails(onRqbit);
    const tabs = await page.locator('.tabs [role=tab]:not([hidden])').allTextContents();
    assert.ok(!tabs.includes('Labels'), tabs.join(', '));
    await page.click('.tabs >> text=Files');
    const options = await page.getByLabel('Priority for the selected files').locator('option').allTextContents();
    assert.deepEqual(options, ['skip', 'normal']);
    await page.click('[aria-label="Close details"]');
  });

  step('Deluge without its Label plugin: no Labels tab; its files offer low priority', async () => {
    await openDetails(onDeluge);
    const tabs = await page.locator('.tabs [role=tab]:not([hidden])').allTextContents();
    assert.deepEqual(tabs, ['Overview', 'Files', 'Peers', 'Trackers', 'Settings', 'Activity']);
    await page.click('.tabs >> text=Files');
    const options = await page.getByLabel('Priority for the selected files').locator('option').allTextContents();
    assert.deepEqual(options, ['skip', 'low', 'normal', 'high']);
    await page.click('[aria-label="Close details"]');
  });

  step("qBittorrent: labels are its tags, its category stands apart; no distinct low priority", async () => {
    await openDetails(onQbittorrent);
    await page.click('.tabs >> text=Overview'); // the panel keeps the last tab shown
    await page.locator('.facts dt', { hasText: 'Category' }).waitFor({ timeout: LIVE_TIMEOUT });
    const facts = await page.locator('.facts').innerText();
    assert.match(facts, /Category\s+distros/);
    await page.click('.tabs >> text=Labels');
    await page.locator('.labels-tab .chip').first().waitFor();
    const chips = await page.locator('.labels-tab .chip').allTextContents();
    assert.deepEqual(chips.map((chip) => chip.replace('×', '').trim()).sort(), ['iso', 'linux']);
    await page.click('.tabs >> text=Files');
    const options = await page.getByLabel('Priority for the selected files').locator('option').allTextContents();
    assert.deepEqual(options, ['skip', 'normal', 'high']);
    await page.click('[aria-label="Close details"]');

    await page.click('.column-chooser summary');
    await page.locator('.column-menu input[data-key=category]').check();
    await page.click('.column-chooser summary');
    await page.locator('.vcell.head[data-key=category]').waitFor();
    assert.equal(await cellText(page, onQbittorrent.name, 'category'), 'distros');
    assert.equal(await cellText(page, onDeluge.name, 'category'), '');
  });

  step('no page problems', async () => {
    assert.deepEqual(problems, []);
  });
});
