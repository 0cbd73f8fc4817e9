// Browser test of the automation rules page against the real server and a
// real transmission-daemon: a rule built by hand in the editor (a label
// condition, a duration in days, a stop action), a 422 shown next to the
// form, the preview (saved disabled first) listing exactly the labelled
// torrent, Run now stopping it, the history, the list's enabled switch and
// delete. Run: cd web && node --test e2e/rules.test.mjs

import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { screenshot, startStackWithPage, stepsOn } from './harness.mjs';
import { callApi, uploadTorrent, createFirstAdmin, registerTransmission } from './page-api.mjs';
import { makeTorrent } from './torrent-file.mjs';

const USER = 'rules-admin';
const PASSWORD = 'rules admin password';

describe('automation rules', { timeout: 120_000 }, () => {
  let stack;
  let page;
  let problems;
  let serverId;
  const labelled = makeTorrent('labelled <b>done</b>');
  const other = makeTorrent('not labelled');

  before(async () => {
    ({ stack, page, problems } = await startStackWithPage());
  });

  after(async () => {
    await stack?.stop();
  });

  const step = stepsOn(() => page);
  const torrentState = async (torrent) => {
    const answer = await callApi(page, 'GET', `/torrents/${torrent.infoHash}?server_id=${serverId}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body.state;
  };

  step('set up: an account, a server, two started torrents, one labelled', async () => {
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
    serverId = await registerTransmission(page, stack.transmission);
    assert.equal(await uploadTorrent(page, labelled, { server_id: serverId, start: 'true', labels: 'done' }), 200);
    assert.equal(await uploadTorrent(page, other, { server_id: serverId, start: 'true' }), 200);
    assert.notEqual(await torrentState(labelled), 'paused');
  });

  step('a rule built by hand; a 422 is shown next to the form', async () => {
    await page.click('nav >> text=Rules');
    await page.locator('text=No rules yet.').waitFor();
    await page.click('text=+ New rule');
    await page.locator('.recipe[data-recipe=stop_at_seeding_goal]').waitFor();
    await page.click('.recipe[data-recipe=blank] button');
    await page.fill('input[name=name]', 'stop done');
    const conditions = page.locator('.cond-root > .cond-group');
    const addCondition = page.locator('.cond-root > .cond-group > .cond-add button', { hasText: '+ Condition' });
    await addCondition.click();
    const labelRow = conditions.locator('.cond-row').nth(0);
    assert.equal(await labelRow.locator('.cond-field').inputValue(), 'label');
    assert.equal(await labelRow.locator('.cond-op').inputValue(), 'contains');
    await labelRow.locator('.cond-value').fill('done');
    // A duration in days is sent in seconds.
    await addCondition.click();
    const ageRow = conditions.locator('.cond-row').nth(1);
    await ageRow.locator('.cond-field').selectOption('added_age');
    await ageRow.locator('.cond-op').selectOption('le');
    await ageRow.locator('.cond-value').fill('1');
    await ageRow.locator('.cond-unit').selectOption({ label: 'days' });
    // A bad regex: the server's 422 detail appears under the form.
    await addCondition.click();
    const regexRow = conditions.locator('.cond-row').nth(2);
    await regexRow.locator('.cond-field').selectOption('name');
    await regexRow.locator('.cond-op').selectOption('matches');
    await regexRow.locator('.cond-value').fill('(unclosed');
    await page.selectOption('select.new-action', 'stop');
    await page.click('.actions-editor button:has-text("+ Action")');
    await page.click('.rule-form button[type=submit]');
    const error = page.locator('.rule-form p.error');
    await error.waitFor();
    assert.match(await error.textContent(), /bad regex/);
    assert.equal(page.url().endsWith('#/rules/new'), true, 'nothing was saved');
    await regexRow.locator('button[aria-label="Remove condition"]').click();
    assert.equal(await conditions.locator('.cond-row').count(), 2);

    // The JSON view shows what the form builds, in the API's units.
    await page.click('.rule-buttons button:has-text("JSON")');
    const json = JSON.parse(await page.locator('textarea.rule-json').inputValue());
    assert.deepEqual(json.conditions, { all: [
      { field: 'label', op: 'contains', value: 'done' },
      { field: 'added_age', op: 'le', value: 86_400 },
    ] });
    assert.deepEqual(json.actions, [{ type: 'stop' }]);
    await page.click('.rule-buttons button:has-text("JSON")');
    assert.equal(await page.locator('.cond-row .cond-unit').inputValue(), String(86_400));
  });

  step('the preview saves it disabled and lists exactly the labelled torrent', async () => {
    await page.click('button[name=preview]');
    const rows = page.locator('table.rule-matches tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    assert.equal(await rows.first().getAttribute('data-hash'), labelled.infoHash);
    assert.equal(await rows.first().locator('.match-name').textContent(), 'labelled <b>done</b>');
    assert.equal(await rows.first().locator('.match-actions').textContent(), 'stop');
    assert.equal(await page.locator('.rule-preview b').count(), 0);
    assert.equal(await page.isChecked('input[name=enabled]'), false);
    const { rules } = (await callApi(page, 'GET', '/rules')).body;
    assert.equal(rules.length, 1);
    assert.equal(rules[0].enabled, false);
    assert.ok(page.url().endsWith(`#/rules/${rules[0].id}`));
    // The preview changed nothing.
    assert.notEqual(await torrentState(labelled), 'paused');
    await screenshot(page, 'rule-preview');
  });

  step('Run now stops it; the history shows the action', async () => {
    await page.click('button[name=run]');
    await page.click('dialog >> button:has-text("Run now")');
    const done = page.locator('table.rule-records tbody tr[data-outcome=done]');
    await page.locator('.rule-run').waitFor();
    assert.equal(await page.locator('.rule-run tbody tr').count(), 1);
    assert.equal(await page.locator('.rule-run .record-action').textContent(), 'stop');
    const history = page.locator('.rule-history tbody tr');
    await history.first().waitFor();
    assert.equal(await history.count(), 1);
    assert.equal(await history.first().getAttribute('data-hash'), labelled.infoHash);
    assert.equal(await history.first().locator('.record-action').textContent(), 'stop');
    assert.equal(await done.count(), 2); // the run's table and the history
    for (let i = 0; i < 50 && await torrentState(labelled) !== 'paused'; i++) await page.waitForTimeout(200);
    assert.equal(await torrentState(labelled), 'paused');
    assert.notEqual(await torrentState(other), 'paused');
  });

  step('the list: enable it with the switch, then delete it', async () => {
    await page.click('text=All rules');
    const row = page.locator('table.rules tbody tr');
    await row.first().waitFor();
    assert.equal(await row.count(), 1);
    await row.locator('td.rule-name', { hasText: 'stop done' }).waitFor();
    await row.locator('text=history (1)').waitFor();
    assert.match(await row.textContent(), /every 5 minutes/);
    const box = row.locator('input[type=checkbox]');
    assert.equal(await box.isChecked(), false);
    await box.check();
    await page.waitForFunction(async () => (await (await fetch('/rules')).json()).rules[0].enabled === true);
    await screenshot(page, 'rules-list');
    // On a phone each rule is a card: name and switch on top, facts below.
    await page.setViewportSize({ width: 390, height: 844 });
    const [nameBox, switchBox] = await Promise.all([row.locator('td.rule-name').boundingBox(), box.boundingBox()]);
    assert.ok(Math.abs(nameBox.y + nameBox.height / 2 - (switchBox.y + switchBox.height / 2)) < 12, 'switch beside the name');
    await screenshot(page, 'rules-list-phone');
    await page.setViewportSize({ width: 1440, height: 900 });
    await row.locator('a', { hasText: 'stop done' }).click();
    await page.click('button[name=delete]');
    await page.click('dialog >> button:has-text("Delete")');
    await page.locator('text=No rules yet.').waitFor();
    assert.deepEqual((await callApi(page, 'GET', '/rules')).body.rules, []);
  });

  step('a recipe fills the editor: nested groups, values in units', async () => {
    await page.click('text=+ New rule');
    await page.click('.recipe[data-recipe=stop_at_seeding_goal] button');
    assert.equal(await page.inputValue('input[name=name]'), 'Stop at seeding goal');
    const nested = page.locator('.cond-root > .cond-group .cond-group');
    assert.equal(await nested.locator('.cond-join').inputValue(), 'any');
    const seeding = nested.locator('.cond-row').nth(1);
    assert.equal(await seeding.locator('.cond-field').inputValue(), 'seeding_time');
    assert.equal(await seeding.locator('.cond-value').inputValue(), '7');
    assert.equal(await seeding.locator('.cond-unit option:checked').textContent(), 'days');
    assert.equal(await page.locator('.action-row .action-type').inputValue(), 'stop');
    await screenshot(page, 'rule-recipe');
    // A repeating reannounce shows its interval; cleared, it is once per torrent.
    await page.click('text=All rules');
    await page.click('text=+ New rule');
    await page.click('.recipe[data-recipe=reannounce_until_tracker_answers] button');
    const every = page.locator('.action-row[data-type=reannounce] input[aria-label=every_seconds]');
    assert.equal(await every.inputValue(), '30');
    await page.click('.rule-buttons button:has-text("JSON")');
    assert.deepEqual(JSON.parse(await page.locator('textarea.rule-json').inputValue()).actions, [{ type: 'reannounce', every_seconds: 30 }]);
    await page.click('.rule-buttons button:has-text("JSON")');
    await every.fill('');
    await page.click('.rule-buttons button:has-text("JSON")');
    assert.deepEqual(JSON.parse(await page.locator('textarea.rule-json').inputValue()).actions, [{ type: 'reannounce' }]);
    await page.click('.rule-buttons button:has-text("JSON")');
    // Share limits: a ratio and minutes, sent as seconds; an empty one is no limit.
    await page.selectOption('.action-row .action-type', 'set_share_limits');
    const limits = page.locator('.action-row[data-type=set_share_limits]');
    await limits.locator('input[aria-label=ratio]').fill('1.5');
    await limits.locator('input[aria-label=seeding_time]').fill('90');
    await page.click('.rule-buttons button:has-text("JSON")');
    assert.deepEqual(JSON.parse(await page.locator('textarea.rule-json').inputValue()).actions,
      [{ type: 'set_share_limits', ratio: 1.5, seeding_time: 5400 }]);
    await page.click('.rule-buttons button:has-text("JSON")');
    assert.equal(await limits.locator('input[aria-label=seeding_time]').inputValue(), '90');
    assert.equal(await limits.locator('input[aria-label=inactive_time]').inputValue(), '');
    await page.click('text=All rules');
    await page.click('text=+ New rule');
    await page.click('.recipe[data-recipe=remove_unregistered] button');
    const row = page.locator('.cond-row');
    assert.equal(await row.count(), 1);
    assert.equal(await row.locator('.cond-field').inputValue(), 'tracker_status');
    assert.equal(await row.locator('select.cond-value').inputValue(), 'unregistered');
    assert.equal(await page.inputValue('input[name=max_removals_per_run]'), '5');
    assert.equal(await page.locator('.action-row .action-type').inputValue(), 'remove');
    // Edited as JSON: an action type this page does not know stays JSON in
    // the form, and the server's 422 about it is shown.
    await page.click('.rule-buttons button:has-text("JSON")');
    const json = JSON.parse(await page.locator('textarea.rule-json').inputValue());
    json.actions.push({ type: 'move_data', path: '/elsewhere' });
    await page.fill('textarea.rule-json', JSON.stringify(json));
    await page.click('.rule-buttons button:has-text("JSON")');
    const unknown = page.locator('.action-row').nth(1);
    assert.equal(await unknown.locator('.action-type option:checked').textContent(), 'move_data (JSON)');
    assert.deepEqual(JSON.parse(await unknown.locator('textarea.action-json').inputValue()), { type: 'move_data', path: '/elsewhere' });
    await page.click('.rule-form button[type=submit]');
    await page.locator('.rule-form p.error', { hasText: 'move_data' }).waitFor();
    // On a phone the editor fits the width (no sideways scrolling).
    await page.setViewportSize({ width: 390, height: 844 });
    await page.click('.cond-root > .cond-group > .cond-add button:has-text("+ Group")');
    await page.click('.cond-root .cond-group .cond-group > .cond-add button:has-text("+ Condition")');
    await page.locator('.cond-group .cond-group .cond-row').waitFor();
    const overflow = await page.evaluate(() => {
      const editor = document.querySelector('.rule-page');
      return editor.scrollWidth - editor.clientWidth;
    });
    assert.equal(overflow, 0);
    await screenshot(page, 'rule-editor-phone');
    assert.deepEqual(problems, []);
  });
});
