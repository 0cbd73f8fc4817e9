// RSS feeds: the list (enabled, last check, last error, item counts) with
// Refresh, Edit, Items and Delete; the add/edit form with the filter and,
// for a saved feed, a live preview of what the filter takes of its items;
// the items table. Titles, URIs and errors come from feeds: text only.

import { api } from '../api.js';
import { confirmDialog, notify } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';

const MIB = 1024 * 1024;
const PREVIEW_DELAY_MS = 400;
const feedPath = (id, action = '') => `/rss/feeds/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/** The form's inputs, and the request body they make. */
function feedForm(servers) {
  const input = (name, attributes = {}) => h('input', { name, ...attributes });
  const inputs = {
    name: input('name', { type: 'text', required: true }),
    url: input('url', { type: 'text', inputmode: 'url', required: true, placeholder: 'https://tracker.example/rss' }),
    server: h('select', { name: 'server_id' }, h('option', { value: 'auto' }, 'Automatic (placement rules)'),
      servers.map((server) => h('option', { value: server.id }, server.name))),
    interval: input('interval_minutes', { type: 'number', min: 5 }),
    delay: input('delay_hours', { type: 'number', min: 0 }),
    include: input('include', { type: 'text', placeholder: '(?i)^show\\.name\\.' }),
    exclude: input('exclude', { type: 'text' }),
    minSize: input('min_size', { type: 'number', min: 0, step: 'any' }),
    maxSize: input('max_size', { type: 'number', min: 0, step: 'any' }),
    smart: input('smart_episodes', { type: 'checkbox' }),
    labels: input('labels', { type: 'text', placeholder: 'tv, rss' }),
    start: input('start', { type: 'checkbox' }),
    enabled: input('enabled', { type: 'checkbox' }),
  };
  // Set as properties, which a form reset clears: set again after each.
  const defaults = () => {
    inputs.interval.value = 15;
    inputs.delay.value = 0;
    inputs.start.checked = true;
    inputs.enabled.checked = true;
  };
  defaults();
  const mib = (value) => (value === '' ? null : Math.round(Number(value) * MIB));
  const filter = () => ({
    include: inputs.include.value || null,
    exclude: inputs.exclude.value || null,
    min_size: mib(inputs.minSize.value),
    max_size: mib(inputs.maxSize.value),
    smart_episodes: inputs.smart.checked,
    labels: format.parseLabels(inputs.labels.value),
    start: inputs.start.checked,
  });
  const body = () => ({
    name: inputs.name.value.trim(),
    url: inputs.url.value.trim(),
    server_id: inputs.server.value,
    interval_minutes: Number(inputs.interval.value),
    delay_hours: Number(inputs.delay.value),
    enabled: inputs.enabled.checked,
    filter: filter(),
  });
  const fill = (feed) => {
    inputs.name.value = feed.name;
    inputs.url.value = feed.url;
    inputs.server.value = feed.server_id;
    inputs.interval.value = feed.interval_minutes;
    inputs.delay.value = feed.delay_hours;
    inputs.include.value = feed.filter.include ?? '';
    inputs.exclude.value = feed.filter.exclude ?? '';
    inputs.minSize.value = feed.filter.min_size == null ? '' : feed.filter.min_size / MIB;
    inputs.maxSize.value = feed.filter.max_size == null ? '' : feed.filter.max_size / MIB;
    inputs.smart.checked = feed.filter.smart_episodes;
    inputs.labels.value = feed.filter.labels.join(', ');
    inputs.start.checked = feed.filter.start;
    inputs.enabled.checked = feed.enabled;
  };
  const fields = [
    h('div.inline-form', {}, field('Name', inputs.name), field('Feed URL', inputs.url), field('Server', inputs.server)),
    h('div.inline-form', {}, field('Every (minutes)', inputs.interval), field('Delay (hours)', inputs.delay),
      h('label.check', {}, inputs.enabled, 'Enabled')),
    h('fieldset.rule-section', {}, h('legend', {}, 'Filter'),
      h('div.inline-form', {}, field('Title matches (regex)', inputs.include), field('Title does not match', inputs.exclude)),
      h('div.inline-form', {}, field('Min size (MiB)', inputs.minSize), field('Max size (MiB)', inputs.maxSize),
        field('Labels', inputs.labels)),
      h('div.inline-form', {}, h('label.check', {}, inputs.smart, 'Each episode once (smart episodes)'),
        h('label.check', {}, inputs.start, 'Start the torrents'))),
  ];
  return { inputs, fields, body, filter, fill, defaults };
}

function statusCell(status) {
  return h(`span.outcome.${status === 'downloaded' ? 'done' : status}`, {}, status);
}

function countsText(counts) {
  return `${counts.downloaded} added · ${counts.matched} waiting · ${counts.rejected} rejected · ${counts.failed} failed`;
}

export async function feedsView() {
  const servers = await api.get('/servers').catch(() => []);
  const form = feedForm(servers);
  const list = h('div.table-scroll');
  const items = h('div.table-scroll.feed-items');
  const preview = h('div.feed-preview', { hidden: true });
  const error = errorLine();
  const heading = h('h2', {}, 'Add a feed');
  const cancel = h('button', { type: 'button', hidden: true }, 'Cancel');
  const element = h('form.card.feed-form', {}, heading, form.fields, error.element,
    h('div.actions', {}, cancel, h('button.primary', { type: 'submit' }, 'Save feed')), preview);
  let editing = null;
  let previewTimer = 0;

  const reset = () => {
    editing = null;
    element.reset();
    form.defaults();
    heading.textContent = 'Add a feed';
    cancel.hidden = true;
    preview.hidden = true;
    error.show('');
  };
  cancel.addEventListener('click', reset);

  const showPreview = async () => {
    if (!editing) return;
    try {
      const result = await api.post(feedPath(editing, 'preview'), { filter: form.filter() });
      replaceChildren(preview, h('h3', {}, `The filter takes ${result.taken} of ${result.items.length} items`),
        result.items.length
          ? h('table.list.feed-preview-items', {},
            h('thead', {}, h('tr', {}, ['Take', 'Title', 'Why not'].map((t) => h('th', { scope: 'col' }, t)))),
            h('tbody', {}, result.items.map((item) => h('tr', { dataset: { take: String(item.take) } },
              h('td', {}, item.take ? 'yes' : 'no'), h('td', {}, item.title), h('td.muted', {}, item.reason ?? '')))))
          : h('p.muted', {}, 'No items yet: Refresh fetches the feed.'));
    } catch (failure) {
      replaceChildren(preview, h('p.error', {}, failure.message));
    }
  };
  element.addEventListener('input', () => {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(showPreview, PREVIEW_DELAY_MS);
  });

  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    try {
      if (editing) await api.put(feedPath(editing), form.body());
      else await api.post('/rss/feeds', form.body());
      notify(editing ? 'Feed saved.' : 'Feed added: it is fetched within a minute, or now with Refresh.');
      reset();
      await load();
    } catch (failure) {
      error.show(failure.message);
    }
  });

  const edit = (feed) => {
    editing = feed.id;
    form.fill(feed);
    heading.textContent = `Edit ${feed.name}`;
    cancel.hidden = false;
    preview.hidden = false;
    showPreview();
    element.scrollIntoView({ block: 'start' });
  };

  const refresh = async (feed, button) => {
    button.disabled = true;
    try {
      const result = await api.post(feedPath(feed.id, 'refresh'));
      notify(result.not_modified ? `${feed.name}: not modified.` : `${feed.name}: ${result.new_items} new, ${result.added} added.`);
    } catch (failure) {
      notify(`${feed.name}: ${failure.message}`, 'error');
    }
    button.disabled = false;
    await load();
    await loadItems(feed);
  };

  const remove = async (feed) => {
    const { confirmed } = await confirmDialog({
      title: 'Delete feed', message: `Delete the feed ${feed.name} and its items? The torrents it added stay.`,
      confirmLabel: 'Delete', danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(feedPath(feed.id));
      notify('Feed deleted.');
    } catch (failure) {
      notify(failure.message, 'error');
    }
    if (editing === feed.id) reset();
    await load();
    await loadItems();
  };

  const row = (feed) => {
    const refreshButton = h('button', { type: 'button', name: 'refresh' }, 'Refresh');
    refreshButton.addEventListener('click', () => refresh(feed, refreshButton));
    return h('tr', { dataset: { id: feed.id } },
      h('td.feed-name', {}, feed.name),
      h('td', { 'data-label': 'Server' }, feed.server_name ?? (feed.server_id === 'auto' ? 'automatic' : 'deleted server')),
      h('td', { 'data-label': 'Enabled' }, feed.enabled ? 'yes' : 'no'),
      h('td', { 'data-label': 'Last check', title: format.dateTime(feed.last_checked_at) }, format.ago(feed.last_checked_at)),
      h('td.feed-counts', { 'data-label': 'Items' }, countsText(feed.item_counts)),
      h('td.feed-error', { 'data-label': 'Last error' }, feed.last_error ?? ''),
      h('td.row-actions', {}, h('span.row-buttons', {}, refreshButton,
        h('button', { type: 'button', name: 'edit', onclick: () => edit(feed) }, 'Edit'),
        h('button', { type: 'button', name: 'items', onclick: () => loadItems(feed) }, 'Items'),
        h('button.danger', { type: 'button', name: 'delete', onclick: () => remove(feed) }, 'Delete'))));
  };

  const load = async () => {
    try {
      const feeds = await api.get('/rss/feeds');
      replaceChildren(list, feeds.length
        ? h('table.list.feeds', {},
          h('thead', {}, h('tr', {}, ['Name', 'Server', 'Enabled', 'Last check', 'Items', 'Last error', '']
            .map((title) => h('th', { scope: 'col' }, title)))),
          h('tbody', {}, feeds.map(row)))
        : h('p.muted', {}, 'No feeds. A feed\'s items that its filter takes are added to your server automatically.'));
    } catch (failure) {
      replaceChildren(list, h('p.error', {}, failure.message));
    }
  };

  const loadItems = async (feed = null) => {
    try {
      const found = await api.get('/rss/items', feed ? { feed_id: feed.id, limit: 200 } : { limit: 100 });
      replaceChildren(items, h('h2', {}, feed ? `Items of ${feed.name}` : 'Recent items'), found.length
        ? h('table.list.rss-items', {},
          h('thead', {}, h('tr', {}, ['Seen', 'Status', 'Title', 'Size', 'Why'].map((t) => h('th', { scope: 'col' }, t)))),
          h('tbody', {}, found.map((item) => h('tr', { dataset: { status: item.status } },
            h('td', { title: format.dateTime(item.detected_at) }, format.ago(item.detected_at)),
            h('td', {}, statusCell(item.status)),
            h('td.item-title', { title: item.uri ?? '' }, item.title),
            h('td', {}, item.size == null ? '–' : format.bytes(item.size)),
            h('td.muted', {}, item.reason ?? item.last_error ?? '')))))
        : h('p.muted', {}, 'No items yet.'));
    } catch (failure) {
      replaceChildren(items, h('p.error', {}, failure.message));
    }
  };

  load();
  loadItems();
  return {
    element: h('section.page', {}, h('header.page-head', {}, h('h1', {}, 'RSS feeds')), element, list, items),
    title: 'RSS feeds',
    destroy: () => clearTimeout(previewTimer),
  };
}
