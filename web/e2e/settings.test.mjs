// Browser test of the details panel's Settings tab against the real server,
// a real transmission-daemon and a real rTorrent (loopback only): what the
// client holds reads back after a save, a blank box clears its value, and
// rTorrent's missing per-torrent limits are disabled and explained.
// Run: cd web && node --test e2e/settings.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { startStackWithPage, startTestDaemon, stepsOn } from './harness.mjs';
import { callApi, createFirstAdmin, registerServer, registerTransmission, uploadTorrent } from './page-api.mjs';
import { makeTorrent } from './torrent-file.mjs';

const USER = 'settings-admin';
const PASSWORD = 'settings admin password';
const LIVE_TIMEOUT = 15_000;

const rowOf = (page, name) => page.locator('.vrow:not([hidden])', { has: page.locator('.vcell.name', { hasText: name }) });

describe('torrent settings in the web UI', { timeout: 300_000 }, () => {
  let stack;
  let rtorrent;
  let page;
  let problems;
  const servers = {};
  const onTransmission = makeTorrent('e2e-settings-transmission.iso');
  const onRtorrent = makeTorrent('e2e-settings-rtorrent.iso');

  before(async () => {
    let opened;
    [opened, rtorrent] = await Promise.all([startStackWithPage(), startTestDaemon('rtorrent')]);
    ({ stack, page, problems } = opened);
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    servers.transmission = await registerTransmission(page, stack.transmission, 'Local Transmission');
    servers.rtorrent = await registerServer(page, { ...rtorrent.server, name: 'Local rTorrent' });
    assert.equal(await uploadTorrent(page, onTransmission, { start: 'false', server_id: servers.transmission }), 200);
    assert.equal(await uploadTorrent(page, onRtorrent, { start: 'false', server_id: servers.rtorrent }), 200);
    await page.goto(`${stack.server.url}/#/torrents`);
    await rowOf(page, onRtorrent.name).waitFor({ timeout: LIVE_TIMEOUT });
  });

  after(async () => {
    await rtorrent?.stop();
    await stack?.stop();
  });

  const step = stepsOn(() => page);
  const openSettings = async (torrent) => {
    await rowOf(page, torrent.name).dblclick();
    await page.locator('.details-title', { hasText: torrent.name }).waitFor();
    await page.click('.tabs >> text=Settings');
    await page.locator('.settings-tab').waitFor();
  };
  const settingsOf = async (torrent, serverId) =>
    (await callApi(page, 'GET', `/torrents/${torrent.infoHash}/settings?server_id=${serverId}`)).body;
  const save = async () => {
    const answered = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().includes('/settings'));
    await page.getByRole('button', { name: 'Save settings' }).click();
    const response = await answered;
    assert.equal(response.status(), 200, await response.text());
    await page.locator('.settings-tab [role=status]', { hasText: 'Saved.' }).waitFor();
  };

  step('Transmission: goals, limits and priority are saved and read back from the client', async () => {
    await openSettings(onTransmission);
    const tab = page.locator('.settings-tab');
    assert.equal(await tab.getByLabel('Download limit (KiB/s)').isEnabled(), true);
    await tab.locator('.hint', { hasText: 'by the client itself' }).waitFor();
    await tab.getByLabel('Ratio').fill('1.5');
    await tab.getByLabel('Seeding time (minutes)').fill('90');
    await tab.getByLabel('Download limit (KiB/s)').fill('1000');
    await tab.getByLabel('Upload limit (KiB/s)').fill('500');
    await tab.getByLabel('Bandwidth priority').selectOption('high');
    await save();
    const held = await settingsOf(onTransmission, servers.transmission);
    assert.deepEqual(held.seeding, { ratio: 1.5, seeding_time: 5400, inactive_time: null, action: 'stop' });
    assert.equal(held.download_limit, 1_024_000);
    assert.equal(held.upload_limit, 512_000);
    assert.equal(held.priority, 'high');

    // A blank box clears its value; the form shows what was answered.
    await tab.getByLabel('Ratio').fill('');
    await tab.getByLabel('Download limit (KiB/s)').fill('');
    await save();
    const cleared = await settingsOf(onTransmission, servers.transmission);
    assert.equal(cleared.seeding.ratio, null);
    assert.equal(cleared.download_limit, null);
    assert.equal(cleared.upload_limit, 512_000);
    assert.equal(await tab.getByLabel('Upload limit (KiB/s)').inputValue(), '500');
    assert.equal(await tab.getByLabel('Seeding time (minutes)').inputValue(), '90');
    await page.click('[aria-label="Close details"]');
  });

  step('rTorrent: no per-torrent limits, disabled and explained; its priority is held', async () => {
    await openSettings(onRtorrent);
    const tab = page.locator('.settings-tab');
    await tab.locator('.hint', { hasText: 'no per-torrent speed limits' }).waitFor();
    assert.equal(await tab.getByLabel('Download limit (KiB/s)').isDisabled(), true);
    assert.equal(await tab.getByLabel('Upload limit (KiB/s)').isDisabled(), true);
    await tab.getByLabel('Bandwidth priority').selectOption('low');
    await tab.getByLabel('Inactive time (minutes)').fill('30');
    await tab.getByLabel('When reached').selectOption('remove_with_data');
    await save();
    const held = await settingsOf(onRtorrent, servers.rtorrent);
    assert.equal(held.priority, 'low');
    assert.equal(held.seeding.inactive_time, 1800);
    assert.equal(held.seeding.action, 'remove_with_data');
    assert.equal(await tab.getByLabel('When reached').inputValue(), 'remove_with_data');
    assert.equal(held.capabilities.speed_limits, false);
    assert.deepEqual(problems, []);
  });
});
