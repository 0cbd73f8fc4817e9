// The placement rules page, `#/placement`: the ordered rules that decide
// where "Automatic" adds go. Rules are listed in order (move up/down, edit,
// delete); the whole list is saved with one PUT /placement.

import { api } from '../api.js';
import { notify } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import { parseLabels } from '../format.js';

const STRATEGIES = { most_free_space: 'Most free space', fewest_active: 'Fewest active torrents', round_robin: 'Round robin' };
const CLIENTS = ['transmission', 'rtorrent', 'qbittorrent', 'deluge', 'rqbit'];

export async function placementView() {
  const servers = await api.get('/servers').catch(() => []);
  const serverName = new Map(servers.map((server) => [server.id, server.name]));
  let rules = [];
  const list = h('div.table-scroll');
  const editorSlot = h('div');
  const listError = errorLine();

  const save = async (next, what) => {
    listError.show('');
    try {
      rules = (await api.put('/placement', { rules: next })).rules;
      notify(what);
      draw();
      return null;
    } catch (failure) {
      return failure.message;
    }
  };
  const targetText = (target) => (target.server_id
    ? serverName.get(target.server_id) ?? target.server_id
    : `${STRATEGIES[target.strategy]} of ${target.server_ids.length ? target.server_ids.map((id) => serverName.get(id) ?? id).join(', ') : 'all servers'}`);
  const matchText = (match) => Object.entries(match ?? {}).map(([key, value]) => `${key}: ${[value].flat().join(', ')}`).join('; ') || 'every torrent';
  const move = async (index, by) => {
    const next = [...rules];
    [next[index], next[index + by]] = [next[index + by], next[index]];
    const failure = await save(next, 'Order saved.');
    if (failure) listError.show(failure);
  };
  const remove = async (index) => {
    const failure = await save(rules.filter((_, i) => i !== index), `Deleted ${rules[index].name}.`);
    if (failure) listError.show(failure);
  };
  const button = (text, label, onclick, disabled = false) => h('button', { type: 'button', 'aria-label': label, onclick, disabled }, text);

  const draw = () => {
    replaceChildren(list, rules.length
      ? h('table.list.placement-rules', {},
        h('thead', {}, h('tr', {}, ['#', 'Name', 'When', 'Goes to', ''].map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, rules.map((rule, index) => h('tr', { dataset: { name: rule.name } },
          h('td', {}, String(index + 1)), h('td.rule-name', {}, rule.name),
          h('td', { 'data-label': 'When' }, matchText(rule.match)),
          h('td', { 'data-label': 'Goes to' }, targetText(rule.target)),
          h('td.actions', {},
            button('↑', `Move ${rule.name} up`, () => move(index, -1), index === 0),
            button('↓', `Move ${rule.name} down`, () => move(index, 1), index === rules.length - 1),
            button('Edit', `Edit ${rule.name}`, () => openEditor(index)),
            button('Delete', `Delete ${rule.name}`, () => remove(index)))))))
      : h('p.muted', {}, 'No placement rules: “Automatic” adds go to your default server.'));
  };

  const openEditor = (index) => {
    const rule = index === null ? { name: '', match: {}, target: { server_id: servers[0]?.id ?? '' } } : rules[index];
    const m = rule.match ?? {};
    const input = (name, value, type = 'text') => h('input', { type, name, value: value ?? '' });
    const name = input('name', rule.name);
    const labels = input('labels', (m.labels ?? []).join(', '));
    const category = input('category', m.category);
    const tracker = input('tracker', m.tracker);
    const minSize = input('min_size', m.min_size, 'number');
    const maxSize = input('max_size', m.max_size, 'number');
    const client = h('select', { name: 'client' }, h('option', { value: '' }, 'any'),
      CLIENTS.map((kind) => h('option', { value: kind, selected: m.client === kind }, kind)));
    const kind = h('select', { name: 'target_kind' },
      h('option', { value: 'server', selected: Boolean(rule.target.server_id) }, 'One server'),
      Object.entries(STRATEGIES).map(([value, text]) => h('option', { value, selected: rule.target.strategy === value }, text)));
    const server = h('select', { name: 'server_id' },
      servers.map((s) => h('option', { value: s.id, selected: rule.target.server_id === s.id }, s.name)));
    const boxes = servers.map((s) => h('input', { type: 'checkbox', value: s.id, checked: (rule.target.server_ids ?? []).includes(s.id) }));
    const among = h('fieldset', {}, h('legend', {}, 'Among (none ticked: all servers)'),
      servers.map((s, i) => h('label.check', {}, boxes[i], s.name)));
    const sync = () => { server.closest('label').hidden = kind.value !== 'server'; among.hidden = kind.value === 'server'; };
    kind.addEventListener('change', sync);
    const formError = errorLine();
    const form = h('form.card.placement-editor', { novalidate: true },
      h('h2', {}, index === null ? 'New placement rule' : `Edit ${rule.name}`),
      field('Name', name),
      field('Labels (any of)', labels, 'Separated by commas'), field('Category', category),
      field('Tracker host', tracker, 'e.g. tracker.example.org'),
      field('Smallest size (bytes)', minSize), field('Largest size (bytes)', maxSize),
      field('Client kind', client),
      field('Goes to', kind), field('Server', server), among, formError.element,
      h('div.actions', {}, h('button', { type: 'button', onclick: () => replaceChildren(editorSlot) }, 'Cancel'),
        h('button.primary', { type: 'submit' }, 'Save')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const match = {};
      const labelList = parseLabels(labels.value);
      if (labelList.length) match.labels = labelList;
      for (const [key, control] of [['category', category], ['tracker', tracker], ['client', client]]) {
        if (control.value.trim()) match[key] = control.value.trim();
      }
      for (const [key, control] of [['min_size', minSize], ['max_size', maxSize]]) {
        if (control.value !== '') match[key] = Number(control.value);
      }
      const target = kind.value === 'server'
        ? { server_id: server.value }
        : { strategy: kind.value, server_ids: boxes.filter((b) => b.checked).map((b) => b.value) };
      const edited = { name: name.value.trim(), match, target };
      const next = index === null ? [...rules, edited] : rules.map((r, i) => (i === index ? edited : r));
      const failure = await save(next, `Saved ${edited.name}.`);
      if (failure) formError.show(failure);
      else replaceChildren(editorSlot);
    });
    replaceChildren(editorSlot, form);
    sync();
    name.focus();
  };

  api.get('/placement').then((answer) => { rules = answer.rules; draw(); })
    .catch((failure) => replaceChildren(list, h('p.error', {}, failure.message)));
  const newRule = h('button.primary', { type: 'button', onclick: () => openEditor(null) }, '+ New placement rule');
  return {
    element: h('section.page', {}, h('header.page-head', {}, h('h1', {}, 'Placement'), newRule),
      h('p', {}, 'Where “Automatic” adds go: the first rule that matches decides; a server that is down or full is skipped; the fallback is your default server.'),
      list, listError.element, editorSlot),
    title: 'Placement',
  };
}
