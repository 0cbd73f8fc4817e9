// Browser test of the README's quick start on the embedded engine, against
// the real server: the first admin finds "This machine", pastes a magnet into
// Add, and watches it download from a real Transmission seed (an HTTP
// tracker on loopback, DHT off) to 100 %, byte for byte; the admin page then
// gives another user a "This machine" of their own.
// Run: cd web && node --test e2e/engine.test.mjs

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe } from 'node:test';
import { startStackWithPage, stepsOn } from './harness.mjs';
import { callApi, createFirstAdmin, registerTransmission, uploadTorrent } from './page-api.mjs';
import { makeSeedableTorrent, startTracker } from './swarm.mjs';

const USER = 'engine-admin';
const PASSWORD = 'engine admin password';

describe('This machine (the embedded engine) in the web UI', { timeout: 300_000 }, () => {
  let stack;
  let page;
  let problems;
  let tracker;
  let seeded;

  before(async () => {
    let opened;
    [opened, tracker] = await Promise.all([
      startStackWithPage(undefined, { engine: true }),
      startTracker(),
    ]);
    ({ stack, page, problems } = opened);
    seeded = makeSeedableTorrent(stack.transmission.downloadDir, 'quick-start.bin', tracker.url, 2 * 1024 * 1024);
  });

  after(async () => {
    await stack?.stop();
    await tracker?.stop();
  });

  const step = stepsOn(() => page);

  step('the first admin has "This machine"', async () => {
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    await page.click('[data-route=servers]');
    const card = page.locator('.cards > *', { has: page.locator('h2', { hasText: 'This machine' }) });
    await card.getByText('in this process').waitFor();
    await card.getByText('connected').waitFor();
  });

  step('a magnet pasted into Add downloads from the swarm', async () => {
    const seed = await registerTransmission(page, stack.transmission, 'seed');
    assert.equal(await uploadTorrent(page, seeded, { server_id: seed }), 200);
    await tracker.announced;
    await page.goto(`${stack.server.url}/#/torrents`);
    await page.click('text=+ Add torrent');
    const dialog = page.locator('dialog.add-torrent');
    await dialog.waitFor();
    const machine = await dialog.locator('select[name=server] option', { hasText: 'This machine' }).getAttribute('value');
    await dialog.locator('select[name=server]').selectOption(machine);
    await dialog.locator('textarea[name=uris]').fill(
      `magnet:?xt=urn:btih:${seeded.infoHash}&dn=${seeded.name}&tr=${encodeURIComponent(tracker.url)}`);
    await dialog.locator('button[type=submit]').click();
    await dialog.waitFor({ state: 'detached' });
    // Two rows share the name (the seed's and the engine's): the engine's
    // reaches seeding once it has every piece.
    await page.locator('.vrow:not([hidden])', { hasText: 'This machine' })
      .filter({ hasText: seeded.name }).filter({ hasText: /seeding/i })
      .waitFor({ timeout: 120_000 });
    const { body } = await callApi(page, 'GET', `/torrents/${seeded.infoHash}?server_id=${machine}`);
    assert.equal(body.progress, 100);
    assert.deepEqual(readFileSync(path.join(stack.root, 'downloads', seeded.name)),
      readFileSync(path.join(stack.transmission.downloadDir, seeded.name)));
  });

  step('the admin page gives another user a "This machine" of their own', async () => {
    const registered = await fetch(`${stack.server.url}/auth/register`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: 'dora', password: 'dora-password' }),
    });
    assert.equal(registered.status, 200);
    const doraId = (await registered.json()).user_id;
    await page.click('[data-route=admin]');
    const allow = page.getByLabel('dora may use This machine');
    assert.equal(await allow.isChecked(), false);
    assert.equal(await page.getByLabel(`${USER} may use This machine`).isChecked(), true);
    const saved = page.waitForResponse((r) => r.url().endsWith(`/admin/users/${doraId}/engine`)
      && r.request().method() === 'PUT');
    await allow.check();
    assert.equal((await saved).status(), 200);
    await page.getByLabel('dora may use This machine').and(page.locator(':checked')).waitFor();
    assert.deepEqual(problems, []);
  });
});
