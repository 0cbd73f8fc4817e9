// Browser test of the RSS feeds page against the real server: a feed served
// by a loopback HTTP endpoint is added through the form, refreshed (its
// items rejected by the filter, a hostile title shown as text), edited with
// a live preview of what another filter takes, and deleted.
// Run: cd web && node --test e2e/feeds.test.mjs

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe } from 'node:test';
import { screenshot, startStackWithPage, stepsOn } from './harness.mjs';
import { createFirstAdmin } from './page-api.mjs';

const USER = 'feeds-admin';
const PASSWORD = 'feeds admin password';
const HOSTILE = '<img src=x onerror=alert(1)> Show.Name.S01E02';
const FEED = `<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
  <item><title>Show.Name.S01E01.720p</title><guid>g-1</guid>
    <enclosure url="magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a" length="1048576"/></item>
  <item><title>${HOSTILE.replace(/</g, '&lt;').replace(/>/g, '&gt;')}</title><guid>g-2</guid>
    <enclosure url="magnet:?xt=urn:btih:d12fe1c06bba254a9dc9f519b335aa7c1367a88a"/></item>
  <item><title>Some.Movie.2023</title><guid>g-3</guid>
    <enclosure url="magnet:?xt=urn:btih:e12fe1c06bba254a9dc9f519b335aa7c1367a88a" length="2048"/></item>
</channel></rss>`;

/** A loopback endpoint serving the feed. */
function startFeed() {
  const server = createServer((request, response) => {
    response.setHeader('content-type', 'application/rss+xml');
    response.end(FEED);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}/rss`,
      stop: () => new Promise((done) => server.close(done)),
    }));
  });
}

describe('rss feeds', { timeout: 120_000 }, () => {
  let stack;
  let page;
  let problems;
  let feed;

  before(async () => {
    ({ stack, page, problems } = await startStackWithPage());
    feed = await startFeed();
    // The first account is the admin, who may make the service fetch loopback.
    await createFirstAdmin(page, stack.server.url, USER, PASSWORD);
  });

  after(async () => {
    await feed?.stop();
    await stack?.stop();
  });

  const step = stepsOn(() => page);

  step('add a feed, refresh it, its items shown as text', async () => {
    await page.click('nav >> text=Feeds');
    await page.locator('text=No feeds.').waitFor();
    await page.fill('.feed-form input[name=name]', 'tv');
    await page.fill('.feed-form input[name=url]', feed.url);
    await page.fill('.feed-form input[name=include]', '^Nothing');
    await page.click('.feed-form button[type=submit]');
    const row = page.locator('table.feeds tbody tr');
    await row.locator('.feed-name', { hasText: 'tv' }).waitFor();
    assert.match(await row.textContent(), /never/);
    await row.locator('button[name=refresh]').click();
    await row.locator('.feed-counts', { hasText: '3 rejected' }).waitFor();
    const items = page.locator('table.rss-items tbody tr');
    await items.nth(2).waitFor();
    const hostile = page.locator('table.rss-items .item-title', { hasText: HOSTILE });
    assert.equal(await hostile.count(), 1, 'the title is text');
    assert.equal(await page.locator('table.rss-items img').count(), 0, 'and not markup');
    assert.match(await items.first().textContent(), /rejected.*does not match include/);
  });

  step('edit: a live preview of what another filter takes', async () => {
    await page.click('table.feeds button[name=edit]');
    await page.locator('.feed-preview h3', { hasText: 'takes 0 of 3' }).waitFor();
    await page.fill('.feed-form input[name=include]', '(?i)show');
    await page.fill('.feed-form input[name=min_size]', '0.5');
    await page.locator('.feed-preview h3', { hasText: 'takes 1 of 3' }).waitFor();
    const taken = page.locator('.feed-preview tr[data-take=true]');
    assert.match(await taken.textContent(), /Show\.Name\.S01E01\.720p/);
    assert.match(await page.locator('.feed-preview').textContent(), /size unknown/);
    await page.fill('.feed-form input[name=include]', '(');
    await page.locator('.feed-preview p.error', { hasText: 'filter.include' }).waitFor();
    await page.fill('.feed-form input[name=include]', '(?i)show');
    await page.click('.feed-form button[type=submit]');
    await page.locator('text=Feed saved.').waitFor();
    await screenshot(page, 'rss-feeds');
  });

  step('delete', async () => {
    await page.click('table.feeds button[name=delete]');
    await page.click('dialog >> button:has-text("Delete")');
    await page.locator('text=No feeds.').waitFor();
    assert.deepEqual(problems, []);
  });
});
