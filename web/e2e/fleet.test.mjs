// Browser test of the Duplicates and Cross-seed pages: the same torrent on
// two real transmission-daemons shows as one duplicate with both copies;
// two torrents of the same file (name and size) from different trackers
// show as one cross-seed group once their file lists are fetched. Names
// are text, never markup. Run: cd web && node --test e2e/fleet.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { addTransmission, screenshot, startStackWithPage, stepsOn } from './harness.mjs';
import { createFirstAdmin, registerTransmission, uploadTorrent } from './page-api.mjs';
import { makeTorrent } from './torrent-file.mjs';

const USER = 'fleet-admin';
const PASSWORD = 'fleet admin password';

describe('duplicates and cross-seed pages', { timeout: 180_000 }, () => {
  let stack;
  let page;
  let problems;
  const shared = makeTorrent('shared <b>copy</b>.bin');
  const fromA = makeTorrent('show.mkv', { size: 40_000, announce: 'http://127.0.0.1:1/announce' });
  const fromB = makeTorrent('show.mkv', { size: 40_000, announce: 'http://127.0.0.2:1/announce' });

  before(async () => {
    ({ stack, page, problems } = await startStackWithPage());
  });

  after(async () => {
    await stack?.stop();
  });

  const step = stepsOn(() => page);

  step('the same torrent on two servers is one duplicate', async () => {
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    const first = await registerTransmission(page, stack.transmission, 'first');
    const second = await registerTransmission(page, await addTransmission(stack), 'second');
    for (const server_id of [first, second]) {
      assert.equal(await uploadTorrent(page, shared, { server_id, start: 'false' }), 200);
    }
    for (const torrent of [fromA, fromB]) {
      assert.equal(await uploadTorrent(page, torrent, { server_id: first, start: 'false' }), 200);
    }

    await page.click('nav >> text=Duplicates');
    const group = page.locator('.fleet-group', { hasText: 'shared <b>copy</b>.bin' });
    await group.waitFor();
    assert.equal(await page.locator('.fleet-group').count(), 1);
    assert.deepEqual(await group.locator('td[data-label=Server]').allTextContents(), ['first', 'second']);
    assert.equal(await page.locator('.fleet-groups b').count(), 0);
    await screenshot(page, 'duplicates-page');
  });

  step('the same file under two trackers is one cross-seed group', async () => {
    await page.click('nav >> text=Cross-seed');
    const group = page.locator('.fleet-group', { hasText: 'show.mkv' });
    await group.waitFor({ timeout: 30_000 });
    const hashes = await group.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.hash));
    assert.deepEqual(hashes.sort(), [fromA.infoHash, fromB.infoHash].sort());
    assert.deepEqual((await group.locator('td[data-label=Tracker]').allTextContents()).sort(), ['127.0.0.1', '127.0.0.2']);
    await page.locator('.fleet-pending').waitFor({ state: 'detached', timeout: 30_000 });
    await screenshot(page, 'cross-seed-page');
    assert.deepEqual(problems, []);
  });
});
