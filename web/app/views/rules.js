// The automation rules page: `#/rules` lists your rules (enabled switch,
// servers, interval, last action); `#/rules/new` offers the built-in
// recipes or a blank rule, then the editor; `#/rules/<id>` edits a rule.

import { api } from '../api.js';
import { notify } from '../dialog.js';
import { h, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { requestOf, ruleEditor } from './rule-editor.js';

const BLANK_RULE = {
  name: '', enabled: true, server_ids: [], conditions: { all: [] }, actions: [],
  interval_seconds: 300, max_removals_per_run: null,
};

export async function rulesView() {
  const [, id] = location.hash.replace(/^#\/?/, '').split('?')[0].split('/');
  const servers = await api.get('/servers').catch(() => []);
  if (!id) return listView(servers);
  if (id === 'new') return recipePicker(servers);
  try {
    return ruleEditor({ rule: await api.get(`/rules/${encodeURIComponent(id)}`), servers });
  } catch (failure) {
    return {
      element: h('section.page', {}, h('header.page-head', {}, h('h1', {}, 'Rule'), h('a', { href: '#/rules' }, 'All rules')),
        h('p.error', {}, failure.message)),
      title: 'Rule',
    };
  }
}

/** "every 5 minutes" for 300 seconds. */
function every(seconds) {
  const units = [[86400, 'day'], [3600, 'hour'], [60, 'minute'], [1, 'second']];
  const [size, unit] = units.find(([each]) => seconds % each === 0) ?? units.at(-1);
  const count = seconds / size;
  return count === 1 ? `every ${unit}` : `every ${count} ${unit}s`;
}

function listView(servers) {
  const list = h('div.table-scroll');
  const serverName = new Map(servers.map((server) => [server.id, server.name]));

  const setEnabled = async (rule, box) => {
    box.disabled = true;
    try {
      Object.assign(rule, await api.put(`/rules/${encodeURIComponent(rule.id)}`, { ...requestOf(rule), enabled: box.checked }));
      notify(`${rule.name}: ${rule.enabled ? 'enabled' : 'disabled'}.`);
    } catch (failure) {
      box.checked = rule.enabled;
      notify(failure.message, 'error');
    }
    box.disabled = false;
  };

  const lastAction = (rule) => {
    const cell = h('td', { 'data-label': 'Last action' }, '…');
    api.get(`/rules/${encodeURIComponent(rule.id)}/history`, { limit: 1 }).then(({ entries, total }) => {
      const [last] = entries;
      cell.replaceChildren(last ? `${format.ago(last.at)}: ${last.action} (${last.outcome.replaceAll('_', ' ')})` : 'none yet',
        ' ', h('a', { href: `#/rules/${rule.id}` }, `history (${total})`));
    }).catch((failure) => { cell.textContent = failure.message; });
    return cell;
  };

  const row = (rule) => {
    const box = h('input', { type: 'checkbox', checked: rule.enabled, 'aria-label': `Enabled: ${rule.name}` });
    box.addEventListener('change', () => setEnabled(rule, box));
    return h('tr', { dataset: { id: rule.id } },
      h('td.rule-name', {}, h('a', { href: `#/rules/${rule.id}` }, rule.name)),
      h('td.rule-switch', {}, box),
      h('td', { 'data-label': 'Servers' }, rule.server_ids.length
        ? rule.server_ids.map((id) => serverName.get(id) ?? id).join(', ')
        : 'all'),
      h('td', { 'data-label': 'Runs' }, every(rule.interval_seconds)),
      lastAction(rule));
  };

  api.get('/rules').then(({ rules }) => {
    replaceChildren(list, rules.length
      ? h('table.list.rules', {},
        h('thead', {}, h('tr', {}, ['Name', 'Enabled', 'Servers', 'Runs', 'Last action']
          .map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, rules.map(row)))
      : h('p.muted', {}, 'No rules yet. A rule stops, labels or removes torrents by itself when they match its conditions.'));
  }).catch((failure) => replaceChildren(list, h('p.error', {}, failure.message)));
  const newRule = h('button.primary', { type: 'button', onclick: () => { location.hash = '#/rules/new'; } }, '+ New rule');
  return {
    element: h('section.page', {}, h('header.page-head', {}, h('h1', {}, 'Rules'), newRule), list),
    title: 'Rules',
  };
}

/** `#/rules/new`: a recipe or a blank rule, then the editor in place. */
function recipePicker(servers) {
  const body = h('div.cards.recipes', {}, h('p.muted', {}, 'Loading recipes…'));
  const element = h('section.page', {},
    h('header.page-head', {}, h('h1', {}, 'New rule'), h('a', { href: '#/rules' }, 'All rules')),
    h('p', {}, 'Start from a built-in recipe and adjust it, or from a blank rule.'), body);
  const open = (draft) => {
    const editor = ruleEditor({ rule: null, draft: structuredClone(draft), servers });
    element.replaceWith(editor.element);
    editor.focus.focus();
  };
  const card = (title, description, draft, dataset) => h('article.card.recipe', { dataset },
    h('h2', {}, title), h('p.muted', {}, description),
    h('button.primary', { type: 'button', onclick: () => open(draft) }, 'Use'));
  api.get('/rules/recipes').then(({ recipes }) => {
    replaceChildren(body,
      card('Blank rule', 'No conditions yet (an empty “all of” matches every torrent): add yours.', BLANK_RULE, { recipe: 'blank' }),
      recipes.map((recipe) => card(recipe.title, recipe.description, recipe.rule, { recipe: recipe.id })));
  }).catch((failure) => replaceChildren(body, h('p.error', {}, failure.message)));
  return { element, title: 'New rule' };
}
