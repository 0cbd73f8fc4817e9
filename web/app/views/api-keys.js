// API keys: create one (shown once, with a copy button), list, revoke.

import { api } from '../api.js';
import { confirmDialog, notify, secretDialog } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';

export function apiKeysView() {
  const list = h('div.table-scroll');
  const name = h('input', { type: 'text', name: 'name', required: true, placeholder: 'e.g. backup script' });
  const days = h('input', { type: 'number', name: 'expires_days', min: 1, max: 3650, placeholder: 'never' });
  const error = errorLine();
  const form = h('form.card.create-key', {},
    h('h2', {}, 'Create a key'),
    h('div.inline-form', {}, field('Name', name), field('Expires after (days)', days),
      h('button.primary', { type: 'submit' }, 'Create key')),
    error.element);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    try {
      const created = await api.post('/auth/api-keys', {
        name: name.value.trim(),
        expires_days: days.value ? Number(days.value) : null,
      });
      form.reset();
      showNewKey(created);
      await load();
    } catch (failure) {
      error.show(failure.message);
    }
  });

  const load = async () => {
    try {
      const { api_keys: keys } = await api.get('/auth/api-keys');
      if (!keys.length) {
        replaceChildren(list, h('p.muted', {}, 'No API keys. Scripts and the CLI authenticate with one.'));
        return;
      }
      replaceChildren(list, h('table.list.api-keys', {},
        h('thead', {}, h('tr', {}, ['Name', 'Prefix', 'Created', 'Last used', 'Expires', '']
          .map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, keys.map((key) => h('tr', { dataset: { prefix: key.prefix } },
          h('td.key-name', {}, key.name),
          // data-label: the column's name where the phone layout drops the header.
          h('td', { 'data-label': 'Prefix' }, h('code', {}, visibleStart(key))),
          h('td', { 'data-label': 'Created' }, format.dateTime(key.created_at)),
          h('td', { 'data-label': 'Last used' }, key.last_used_at ? format.ago(key.last_used_at) : 'never'),
          h('td', { 'data-label': 'Expires' }, key.expires_at ? format.dateTime(key.expires_at) : 'never'),
          h('td.row-actions', {}, h('button.danger', { type: 'button', onclick: () => revoke(key) }, 'Revoke')))))));
    } catch (failure) {
      replaceChildren(list, h('p.error', {}, failure.message));
    }
  };

  const revoke = async (key) => {
    const { confirmed } = await confirmDialog({
      title: 'Revoke API key',
      message: `Revoke “${key.name}” (${visibleStart(key)})? Scripts using it stop working at once.`,
      confirmLabel: 'Revoke', danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(`/auth/api-keys/${encodeURIComponent(key.prefix)}`);
      notify(`Revoked ${key.name}.`);
    } catch (failure) {
      notify(failure.message, 'error');
    }
    await load();
  };

  load();
  return {
    element: h('section.page', {}, h('header.page-head', {}, h('h1', {}, 'API keys')), form, list),
    title: 'API keys',
  };
}

/** The start of the key as the key itself reads (the API's prefix omits `tm_`). */
function visibleStart(key) {
  return `tm_${key.prefix}…`;
}

/** The only time the full key is visible: show it with a copy button. */
function showNewKey(created) {
  secretDialog({
    title: `API key “${created.name}”`,
    secret: created.api_key,
    label: 'New API key',
    warning: created.warning || 'Copy this key now: it will not be shown again.',
    note: `Send it as “Authorization: Bearer <key>”${created.expires_at ? `; it expires ${format.dateTime(created.expires_at)}` : ''}.`,
  });
}
