// A rule's condition tree as a form: groups ("all of", "any of", "none
// of") holding comparison rows (field, operator, value). Each field offers
// only the operators the server accepts for it, and a value input of its
// kind: closed sets as selects, durations in minutes/hours/days and sizes
// in MiB/GiB, converted to the seconds and bytes the API takes.

import { h, replaceChildren } from '../dom.js';
import { parseLabels } from '../format.js';

const DURATION_UNITS = [['seconds', 1], ['minutes', 60], ['hours', 3600], ['days', 86400]];
const SIZE_UNITS = [['bytes', 1], ['KiB', 2 ** 10], ['MiB', 2 ** 20], ['GiB', 2 ** 30], ['TiB', 2 ** 40]];

// The server's fields (crates/tm-server/src/automation/conditions.rs) and
// the kind of value each has; `values`: a closed set, `units`: a unit choice.
const FIELDS = [
  { name: 'label', title: 'Label', kind: 'labels' },
  { name: 'state', title: 'State', kind: 'text',
    values: ['downloading', 'seeding', 'paused', 'queued', 'checking', 'error', 'metadata'] },
  { name: 'ratio', title: 'Ratio', kind: 'number' },
  { name: 'progress', title: 'Progress (%)', kind: 'number' },
  { name: 'seeding_time', title: 'Seeding time', kind: 'number', units: DURATION_UNITS },
  { name: 'completed_age', title: 'Time since completed', kind: 'number', units: DURATION_UNITS },
  { name: 'added_age', title: 'Time since added', kind: 'number', units: DURATION_UNITS },
  { name: 'inactive_time', title: 'Inactive for', kind: 'number', units: DURATION_UNITS },
  { name: 'size', title: 'Size', kind: 'number', units: SIZE_UNITS },
  { name: 'free_space', title: 'Free space on its server', kind: 'number', units: SIZE_UNITS },
  { name: 'copies', title: 'Copies on your servers', kind: 'number' },
  { name: 'cross_seeds', title: 'Other torrents with the same files', kind: 'number' },
  { name: 'name', title: 'Name', kind: 'text' },
  { name: 'save_path', title: 'Save path', kind: 'text' },
  { name: 'tracker', title: 'Tracker host', kind: 'text' },
  { name: 'tracker_status', title: 'Tracker status', kind: 'text',
    values: ['working', 'updating', 'not_contacted', 'unregistered', 'tracker_down', 'error'] },
  { name: 'server', title: 'Server', kind: 'text', values: 'servers' },
  { name: 'client', title: 'Client', kind: 'text', values: ['transmission', 'rtorrent', 'qbittorrent', 'deluge', 'rqbit'] },
];

const OPERATORS = {
  number: [['ge', '≥'], ['gt', '>'], ['le', '≤'], ['lt', '<'], ['eq', '='], ['ne', '≠'], ['in', 'is one of']],
  text: [['eq', 'is'], ['ne', 'is not'], ['in', 'is one of'], ['contains', 'contains'], ['matches', 'matches regex']],
  labels: [['contains', 'has label'], ['in', 'has one of'], ['matches', 'has one matching regex']],
};

const JOINS = [['all', 'All of'], ['any', 'Any of'], ['none', 'None of']];

/** The API's tree → the editor's: groups {join, items}, comparisons {field, op, value}. */
export function treeFromJson(node) {
  const model = nodeFromJson(node);
  return model.join ? model : { join: 'all', items: [model] };
}

function nodeFromJson(node) {
  if (!node || typeof node !== 'object' || Array.isArray(node)) {
    throw new Error('a condition is an object: {"all": [...]}, {"any": [...]}, {"not": {...}} or {field, op, value}');
  }
  if (Array.isArray(node.all)) return { join: 'all', items: node.all.map(nodeFromJson) };
  if (Array.isArray(node.any)) return { join: 'any', items: node.any.map(nodeFromJson) };
  if ('not' in node) {
    // {not: X} is "none of [X]"; {not: {any: [...]}} is "none of [...]".
    const inner = node.not;
    const list = inner && Array.isArray(inner.any) && Object.keys(inner).length === 1 ? inner.any : [inner];
    return { join: 'none', items: list.map(nodeFromJson) };
  }
  return { field: node.field, op: node.op, value: node.value };
}

/** The editor's tree → the API's. */
export function treeToJson(node) {
  if (!node.join) return { field: node.field, op: node.op, value: node.value };
  const items = node.items.map(treeToJson);
  return node.join === 'none' ? { not: { any: items } } : { [node.join]: items };
}

function fieldOf(name) {
  return FIELDS.find((field) => field.name === name) ?? { name, title: name, kind: 'text' };
}

function operatorsOf(field) {
  return OPERATORS[field.kind];
}

/** Whether the value is a list, one of a closed set, or free: an operator change keeps it if the same. */
function valueShape(field, op, servers) {
  if (op === 'in') return 'list';
  return valuesOf(field, servers) && op !== 'contains' && op !== 'matches' ? 'choice' : 'free';
}

/** The value a fresh comparison of this field and operator starts with. */
function defaultValue(field, op, servers) {
  if (op === 'in') return [];
  if (field.kind === 'number') return 0;
  const values = valuesOf(field, servers);
  return values?.length && valueShape(field, op, servers) === 'choice' ? values[0][0] : '';
}

/** [[value, title]] of a closed set, or null. */
function valuesOf(field, servers) {
  if (field.values === 'servers') return servers.map((server) => [server.id, server.name]);
  return field.values ? field.values.map((value) => [value, value.replaceAll('_', ' ')]) : null;
}

/** The biggest unit every number is a whole multiple of; for zero, the third (hours, MiB). */
function unitFor(units, numbers) {
  const fits = units.filter(([, factor]) => numbers.every((n) => Number.isFinite(n) && n % factor === 0));
  return (numbers.some((n) => n !== 0) ? fits.at(-1) : null) ?? units[units.length > 2 ? 2 : 0];
}

function options(pairs, selected) {
  return pairs.map(([value, title]) => h('option', { value, selected: value === selected }, title));
}

/**
 * The builder for `tree` (an editor tree, changed in place as the user
 * edits). `servers` fills the server field's choices.
 */
export function conditionsEditor(tree, servers) {
  const root = h('div.cond-root');
  const redraw = () => replaceChildren(root, groupBox(tree, null, servers, redraw));
  redraw();
  return root;
}

function groupBox(group, onRemove, servers, redraw) {
  const join = h('select.cond-join', { 'aria-label': 'Combine' }, options(JOINS, group.join));
  const add = (node) => {
    group.items.push(node);
    redraw();
  };
  const firstField = FIELDS[0];
  const box = h('div.cond-group', { dataset: { join: group.join } },
    h('div.cond-group-head', {}, join, h('span.muted', {}, 'these hold'),
      onRemove ? h('button.small.danger', { type: 'button', onclick: onRemove, 'aria-label': 'Remove group' }, 'Remove group') : null),
    h('div.cond-items', {}, group.items.map((item, index) => {
      const remove = () => {
        group.items.splice(index, 1);
        redraw();
      };
      return item.join ? groupBox(item, remove, servers, redraw) : comparisonRow(item, remove, servers);
    })),
    h('div.cond-add', {},
      h('button.small', { type: 'button', onclick: () => add({ field: firstField.name, op: 'contains', value: '' }) }, '+ Condition'),
      h('button.small', { type: 'button', onclick: () => add({ join: 'any', items: [] }) }, '+ Group')));
  join.addEventListener('change', () => {
    group.join = join.value;
    box.dataset.join = join.value;
  });
  return box;
}

function comparisonRow(node, onRemove, servers) {
  const field = fieldOf(node.field);
  const known = FIELDS.includes(field);
  const fieldSelect = h('select.cond-field', { 'aria-label': 'Field' },
    options(FIELDS.map((f) => [f.name, f.title]), node.field),
    known ? null : h('option', { value: node.field, selected: true }, `${node.field} (unknown)`));
  const operators = operatorsOf(field);
  const opSelect = h('select.cond-op', { 'aria-label': 'Operator' }, options(operators, node.op),
    operators.some(([op]) => op === node.op) ? null : h('option', { value: node.op, selected: true }, node.op));
  const row = h('div.cond-row', {}, fieldSelect, opSelect, valueInput(node, field, servers),
    h('button.icon', { type: 'button', onclick: onRemove, 'aria-label': 'Remove condition', title: 'Remove' }, '×'));
  const rebuild = (focus) => {
    const next = comparisonRow(node, onRemove, servers);
    row.replaceWith(next);
    next.querySelector(focus)?.focus();
  };
  fieldSelect.addEventListener('change', () => {
    const next = fieldOf(fieldSelect.value);
    node.field = next.name;
    if (next.kind !== field.kind || !operatorsOf(next).some(([op]) => op === node.op)) [[node.op]] = operatorsOf(next);
    node.value = defaultValue(next, node.op, servers);
    rebuild('.cond-field');
  });
  opSelect.addEventListener('change', () => {
    const shape = valueShape(field, node.op, servers);
    node.op = opSelect.value;
    if (valueShape(field, node.op, servers) !== shape) node.value = defaultValue(field, node.op, servers);
    rebuild('.cond-op');
  });
  return row;
}

/** The input for a comparison's value; writes `node.value` as the user types. */
function valueInput(node, field, servers) {
  const values = valuesOf(field, servers);
  const list = node.op === 'in';
  if (values && valueShape(field, node.op, servers) !== 'free') {
    const chosen = list ? new Set(Array.isArray(node.value) ? node.value : []) : new Set([node.value]);
    const unknown = [...chosen].filter((value) => !values.some(([known]) => known === value));
    const select = h('select.cond-value', { 'aria-label': 'Value', multiple: list, size: list ? Math.min(values.length + unknown.length, 6) : undefined },
      [...values, ...unknown.map((value) => [value, value])].map(([value, title]) => h('option', { value, selected: chosen.has(value) }, title)));
    const read = () => {
      const picked = [...select.selectedOptions].map((option) => option.value);
      node.value = list ? picked : picked[0];
    };
    select.addEventListener('change', read);
    return select;
  }
  if (field.kind !== 'number') {
    const text = list ? (Array.isArray(node.value) ? node.value.join(', ') : '') : String(node.value ?? '');
    const placeholder = list ? 'a, b, c' : node.op === 'matches' ? 'regex' : '';
    const input = h('input.cond-value', { type: 'text', 'aria-label': 'Value', value: text, placeholder });
    input.addEventListener('input', () => {
      node.value = list ? parseLabels(input.value) : input.value;
    });
    return input;
  }
  return numberInput(node, field.units, list);
}

function numberInput(node, units, list) {
  const numbers = list ? (Array.isArray(node.value) ? node.value : []) : [node.value];
  const [, startFactor] = units ? unitFor(units, numbers.map(Number)) : [null, 1];
  const shown = numbers.map((n) => (typeof n === 'number' ? String(n / startFactor) : String(n ?? '')));
  const input = list
    ? h('input.cond-value', { type: 'text', 'aria-label': 'Values', value: shown.join(', '), placeholder: '1, 2, 3' })
    : h('input.cond-value', { type: 'number', 'aria-label': 'Value', step: 'any', value: shown[0] });
  const unit = units
    ? h('select.cond-unit', { 'aria-label': 'Unit' }, units.map(([name, factor]) => h('option', { value: factor, selected: factor === startFactor }, name)))
    : null;
  // Whole seconds and bytes; a blank or bad number is sent as is, and the
  // server's 422 says what is wrong.
  const toApi = (text) => {
    const number = Number(text);
    if (text.trim() === '' || !Number.isFinite(number)) return text;
    return units ? Math.round(number * Number(unit.value)) : number;
  };
  const read = () => {
    node.value = list ? input.value.split(',').map((part) => part.trim()).filter(Boolean).map(toApi) : toApi(input.value);
  };
  input.addEventListener('input', read);
  unit?.addEventListener('change', read);
  return unit ? h('span.cond-number', {}, input, unit) : input;
}

/** A number of seconds as a number and a unit (minutes, hours…); `read()` → seconds. */
export function durationInput(seconds, attributes = {}) {
  const [, factor] = unitFor(DURATION_UNITS, [seconds]);
  const input = h('input', { type: 'number', min: 1, step: 'any', value: String(seconds / factor), ...attributes });
  const unit = h('select', { 'aria-label': 'Unit' },
    DURATION_UNITS.map(([name, each]) => h('option', { value: each, selected: each === factor }, name)));
  return {
    element: h('span.cond-number', {}, input, unit),
    read: () => (input.value.trim() === '' ? Number.NaN : Math.round(Number(input.value) * Number(unit.value))),
  };
}
