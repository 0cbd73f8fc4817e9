// A rule's actions as an ordered list: each row a type and its parameter.
// A type this page does not know (a newer server) is kept and edited as JSON.

import { h, replaceChildren } from '../dom.js';
import { parseLabels } from '../format.js';

// RuleAction (crates/tm-api-types/src/rules.rs), with `move` (moving data)
// and `notify` (webhooks) from the work merged alongside this page:
// [type, title, parameter name, parameter kind].
const ACTION_TYPES = [
  ['stop', 'Stop'],
  ['start', 'Start'],
  ['recheck', 'Recheck'],
  ['reannounce', 'Reannounce', 'every_seconds', 'seconds'],
  ['add_label', 'Add label', 'label', 'text'],
  ['remove_label', 'Remove label', 'label', 'text'],
  ['set_labels', 'Set labels', 'labels', 'list'],
  ['move', 'Move data to', 'path', 'text'],
  ['set_share_limits', 'Set share limits', 'limits', 'limits'],
  ['remove', 'Remove (keep data)'],
  ['remove_with_data', 'Remove with data'],
  ['notify', 'Notify (webhooks)', 'message', 'text'],
];
const OTHER = '';

function typeOf(action) {
  return ACTION_TYPES.find(([type]) => type === action.type) ?? null;
}

/** A fresh action of `type` with an empty parameter (an optional one absent). */
function newAction(type) {
  const [, , parameter, kind] = typeOf({ type });
  if (!parameter || kind === 'seconds' || kind === 'limits') return { type };
  return { type, [parameter]: kind === 'list' ? [] : '' };
}

/** The list editor for `actions` (changed in place). */
export function actionsEditor(actions) {
  const list = h('ol.action-list');
  const redraw = () => replaceChildren(list, actions.map((action, index) => actionRow(actions, index, redraw)));
  redraw();
  const picker = h('select.new-action', { 'aria-label': 'Action to add' },
    ACTION_TYPES.map(([type, title]) => h('option', { value: type }, title)));
  const add = h('button.small', {
    type: 'button',
    onclick: () => {
      actions.push(newAction(picker.value));
      redraw();
      list.lastElementChild?.querySelector('input, select')?.focus();
    },
  }, '+ Action');
  return h('div.actions-editor', {}, list, h('div.cond-add', {}, picker, add));
}

function actionRow(actions, index, redraw) {
  const action = actions[index];
  const known = typeOf(action);
  const type = h('select.action-type', { 'aria-label': 'Action' },
    ACTION_TYPES.map(([value, title]) => h('option', { value, selected: known?.[0] === value }, title)),
    known ? null : h('option', { value: OTHER, selected: true }, `${action.type ?? '?'} (JSON)`));
  type.addEventListener('change', () => {
    if (type.value === OTHER) return;
    actions[index] = newAction(type.value);
    redraw();
  });
  const move = (to) => {
    actions.splice(to, 0, ...actions.splice(index, 1));
    redraw();
  };
  return h('li.action-row', { dataset: { type: action.type } }, type,
    known ? parameterInput(action, known) : rawInput(actions, index),
    h('span.action-moves', {},
      h('button.icon', { type: 'button', 'aria-label': 'Move up', title: 'Move up', disabled: index === 0, onclick: () => move(index - 1) }, '↑'),
      h('button.icon', { type: 'button', 'aria-label': 'Move down', title: 'Move down', disabled: index === actions.length - 1, onclick: () => move(index + 1) }, '↓'),
      h('button.icon', {
        type: 'button', 'aria-label': 'Remove action', title: 'Remove',
        onclick: () => {
          actions.splice(index, 1);
          redraw();
        },
      }, '×')));
}

function parameterInput(action, [, , parameter, kind]) {
  if (!parameter) return null;
  if (kind === 'seconds') return secondsInput(action, parameter);
  if (kind === 'limits') return limitsInputs(action);
  const list = kind === 'list';
  const input = h('input.action-param', {
    type: 'text', 'aria-label': parameter, placeholder: list ? 'a, b, c' : parameter,
    value: list ? (action[parameter] ?? []).join(', ') : action[parameter] ?? '',
  });
  input.addEventListener('input', () => {
    action[parameter] = list ? parseLabels(input.value) : input.value.trim();
  });
  return input;
}

/** An optional repeat interval: empty means once per torrent. */
function secondsInput(action, parameter) {
  const input = h('input.action-param', {
    type: 'number', min: 10, step: 1, 'aria-label': parameter,
    placeholder: 'once, or every … s', title: 'Empty: once per torrent; a number (at least 10): again every that many seconds while the rule matches',
    value: action[parameter] ?? '',
  });
  input.addEventListener('input', () => {
    const seconds = input.valueAsNumber;
    if (Number.isFinite(seconds)) action[parameter] = seconds;
    else delete action[parameter];
  });
  return input;
}

// [field, label, seconds per unit (none: a ratio)]: empty means no limit.
const LIMITS = [
  ['ratio', 'ratio', null],
  ['seeding_time', 'seeding min', 60],
  ['inactive_time', 'inactive min', 60],
];

/** Share limits: a ratio and times in minutes (sent in seconds); each optional. */
function limitsInputs(action) {
  return h('span.action-limits', {}, LIMITS.map(([field, label, unit]) => {
    const input = h('input.action-param', {
      type: 'number', min: 0, step: unit ? 1 : 0.01, 'aria-label': field, placeholder: label,
      title: `${label} (empty: no limit)`,
      value: action[field] == null ? '' : unit ? action[field] / unit : action[field],
    });
    input.addEventListener('input', () => {
      const value = input.valueAsNumber;
      if (Number.isFinite(value)) action[field] = unit ? Math.round(value * unit) : value;
      else delete action[field];
    });
    return input;
  }));
}

/** An action of a type this page does not know: its JSON, replaced when it parses. */
function rawInput(actions, index) {
  const area = h('textarea.action-json', { rows: 2, 'aria-label': 'Action JSON', value: JSON.stringify(actions[index]) });
  area.addEventListener('input', () => {
    try {
      actions[index] = JSON.parse(area.value);
      area.setCustomValidity('');
    } catch {
      area.setCustomValidity('not valid JSON');
    }
  });
  return area;
}
