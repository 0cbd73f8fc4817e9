// Browser test of placement: the placement rules page (add, edit, reorder,
// delete) and the add dialog's "Automatic (placement rules)" and "Several…"
// choices, against the real server and two real transmission-daemons.
// Run: cd web && node --test e2e/placement.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { addTransmission, startStackWithPage, stepsOn } from './harness.mjs';
import { callApi, createFirstAdmin, registerTransmission } from './page-api.mjs';
import { makeTorrent } from './torrent-file.mjs';

const USER = 'placement-admin';
const PASSWORD = 'placement admin password';

describe('placement', { timeout: 120_000 }, () => {
  let stack;
  let page;
  let problems;
  let boxId;
  let tvId;

  before(async () => {
    ({ stack, page, problems } = await startStackWithPage());
  });

  after(async () => {
    await stack?.stop();
  });

  const step = stepsOn(() => page);
  const rules = async () => (await callApi(page, 'GET', '/placement')).body.rules;

  step('set up: an account and two servers', async () => {
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    boxId = await registerTransmission(page, stack.transmission, 'box');
    tvId = await registerTransmission(page, await addTransmission(stack), 'tvbox');
    const made = await callApi(page, 'PUT', `/servers/${boxId}`, { is_default: true });
    assert.equal(made.status, 200, JSON.stringify(made.body));
  });

  step('the placement page adds, edits, reorders and deletes rules', async () => {
    await page.click('nav >> text=Placement');
    await page.locator('text=No placement rules').waitFor();
    const editor = page.locator('form.placement-editor');
    await page.click('text=+ New placement rule');
    await editor.locator('input[name=name]').fill('tv');
    await editor.locator('input[name=labels]').fill('tv, shows');
    await editor.locator('select[name=target_kind]').selectOption('server');
    await editor.locator('select[name=server_id]').selectOption(tvId);
    await editor.locator('button[type=submit]').click();
    await page.locator('tr[data-name=tv]').waitFor();

    await page.click('text=+ New placement rule');
    await editor.locator('input[name=name]').fill('spread');
    await editor.locator('select[name=target_kind]').selectOption('round_robin');
    await editor.locator('button[type=submit]').click();
    await page.locator('tr[data-name=spread]').waitFor();
    assert.deepEqual((await rules()).map((r) => r.name), ['tv', 'spread']);
    assert.deepEqual((await rules())[0], {
      name: 'tv', match: { labels: ['tv', 'shows'] }, target: { server_id: tvId },
    });

    await page.click('button[aria-label="Move spread up"]');
    await page.locator('tbody tr:first-child[data-name=spread]').waitFor();
    assert.deepEqual((await rules()).map((r) => r.name), ['spread', 'tv']);

    // A 422 shows next to the form: a size range the wrong way round.
    await page.click('button[aria-label="Edit spread"]');
    await editor.locator('input[name=min_size]').fill('10');
    await editor.locator('input[name=max_size]').fill('1');
    await editor.locator('button[type=submit]').click();
    await editor.locator('text=min_size is larger than max_size').waitFor();
    await editor.locator('text=Cancel').click();

    await page.click('button[aria-label="Delete spread"]');
    await page.locator('tr[data-name=spread]').waitFor({ state: 'detached' });
    assert.deepEqual((await rules()).map((r) => r.name), ['tv']);
  });

  step('the add dialog places automatically and adds to several servers', async () => {
    await page.click('nav >> text=Torrents');
    await page.click('text=+ Add torrent');
    const dialog = page.locator('dialog.add-torrent');
    const show = makeTorrent('a show');
    await dialog.locator('textarea[name=uris]').fill(`magnet:?xt=urn:btih:${show.infoHash}&dn=show`);
    await dialog.locator('select[name=server]').selectOption('auto');
    await dialog.locator('input[name=labels]').fill('tv');
    await dialog.locator('input[name=start]').uncheck();
    await dialog.locator('button[type=submit]').click();
    await dialog.locator('.add-report li', { hasText: "→ tvbox: rule 'tv' matched" }).waitFor();
    const onTv = await callApi(page, 'GET', `/torrents/${show.infoHash}?server_id=${tvId}`);
    assert.equal(onTv.status, 200, JSON.stringify(onTv.body));

    const both = makeTorrent('on both');
    await dialog.locator('textarea[name=uris]').fill(`magnet:?xt=urn:btih:${both.infoHash}&dn=both`);
    await dialog.locator('select[name=server]').selectOption({ label: 'Several…' });
    await dialog.locator('fieldset.several-servers').waitFor();
    await dialog.locator('fieldset.several-servers label', { hasText: 'tvbox' }).locator('input').check();
    await dialog.locator('fieldset.several-servers label', { hasText: /^box$/ }).locator('input').check();
    await dialog.locator('input[name=labels]').fill('');
    await dialog.locator('button[type=submit]').click();
    await dialog.locator('.add-report li', { hasText: '→ tvbox: added' }).waitFor();
    await dialog.locator('.add-report li', { hasText: '→ box: added' }).waitFor();
    for (const id of [boxId, tvId]) {
      const copy = await callApi(page, 'GET', `/torrents/${both.infoHash}?server_id=${id}`);
      assert.equal(copy.status, 200, JSON.stringify(copy.body));
    }
    assert.deepEqual(problems, []);
  });
});
