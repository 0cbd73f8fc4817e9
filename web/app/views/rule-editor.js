// One rule's editor: name, enabled, servers, interval, removal cap, the
// condition tree and the actions — or all of it as raw JSON. Preview and
// Run save first: a new rule is saved disabled, so it does nothing by
// itself until its preview looked right and the user enabled it. The
// server's 422 `detail` is shown under the form.

import { api } from '../api.js';
import { confirmDialog, notify } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import { actionsEditor } from './rule-actions.js';
import { conditionsEditor, durationInput, treeFromJson, treeToJson } from './rule-conditions.js';
import { historyPanel, namer, previewTable, runTable } from './rule-results.js';

const rulePath = (id, action = '') => `/rules/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/** The RuleRequest part of a stored rule (or of a recipe's rule). */
export function requestOf(rule) {
  const {
    name, enabled, server_ids: serverIds, conditions, actions, interval_seconds: interval,
    max_removals_per_run: maxRemovals,
  } = rule;
  return {
    name, enabled, server_ids: serverIds, conditions, actions, interval_seconds: interval,
    max_removals_per_run: maxRemovals ?? null,
  };
}

/**
 * `rule`: the stored rule, or null for a new one starting from `draft` (a
 * RuleRequest). `servers`: the user's servers.
 */
export function ruleEditor({ rule, draft, servers }) {
  let saved = rule;
  let model = null; // {tree, actions}: what the form sections edit in place
  const names = namer(servers);
  const error = errorLine();
  const results = h('div.rule-results', { 'aria-live': 'polite' });
  const historySlot = h('div');
  let historyView = null;

  const name = h('input', { type: 'text', name: 'name', required: true, maxLength: 200 });
  const enabled = h('input', { type: 'checkbox', name: 'enabled' });
  const serverBoxes = h('div.rule-servers');
  let interval = null; // durationInput of the loaded rule
  const intervalSlot = h('span');
  const cap = h('input', { type: 'number', name: 'max_removals_per_run', min: 0, step: 1, placeholder: 'server default' });
  const conditionsSlot = h('div');
  const actionsSlot = h('div');
  const json = h('textarea.rule-json', { name: 'json', rows: 20, 'aria-label': 'Rule as JSON', spellcheck: 'false' });
  const jsonToggle = h('button', { type: 'button', 'aria-pressed': 'false' }, 'JSON');
  const formSections = h('div.rule-form-sections');
  const jsonSection = h('div.rule-json-section', { hidden: true },
    h('p.muted', {}, 'The rule as the API takes it (POST /rules). Switch back to the form to check it parses.'), json);
  const preview = h('button', { type: 'button', name: 'preview' });
  const run = h('button', { type: 'button', name: 'run' }, 'Run now');
  const remove = h('button.danger', { type: 'button', name: 'delete' }, 'Delete');
  const heading = h('h1');

  const load = (request) => {
    for (const list of ['actions', 'server_ids']) {
      if (!Array.isArray(request[list] ?? [])) throw new Error(`"${list}" is a list.`);
    }
    model = { tree: treeFromJson(request.conditions), actions: structuredClone(request.actions ?? []) };
    name.value = request.name ?? '';
    enabled.checked = request.enabled !== false;
    const ids = new Set(request.server_ids ?? []);
    const known = servers.map((server) => [server.id, server.name]);
    const gone = [...ids].filter((id) => !servers.some((server) => server.id === id)).map((id) => [id, `${id} (not found)`]);
    replaceChildren(serverBoxes, [...known, ...gone].map(([id, title]) => h('label.check', {},
      h('input', { type: 'checkbox', name: 'server', value: id, checked: ids.has(id) }), title)));
    interval = durationInput(request.interval_seconds ?? 300, { name: 'interval', 'aria-label': 'Interval' });
    replaceChildren(intervalSlot, interval.element);
    cap.value = request.max_removals_per_run ?? '';
    replaceChildren(conditionsSlot, conditionsEditor(model.tree, servers));
    replaceChildren(actionsSlot, actionsEditor(model.actions));
  };

  const readForm = () => ({
    name: name.value.trim(),
    enabled: enabled.checked,
    server_ids: [...serverBoxes.querySelectorAll('input:checked')].map((box) => box.value),
    conditions: treeToJson(model.tree),
    actions: model.actions,
    interval_seconds: interval.read(),
    max_removals_per_run: cap.value.trim() === '' ? null : Number(cap.value),
  });

  const inJson = () => !jsonSection.hidden;
  const readRequest = () => {
    if (!inJson()) return readForm();
    try {
      return JSON.parse(json.value);
    } catch (failure) {
      throw new Error(`The JSON does not parse: ${failure.message}`);
    }
  };

  jsonToggle.addEventListener('click', () => {
    error.show('');
    try {
      if (inJson()) load(readRequest());
      else json.value = JSON.stringify(readForm(), null, 2);
    } catch (failure) {
      error.show(failure.message);
      return;
    }
    jsonSection.hidden = inJson();
    formSections.hidden = inJson();
    jsonToggle.setAttribute('aria-pressed', String(inJson()));
  });

  const showSaved = () => {
    heading.textContent = saved ? `Rule “${saved.name}”` : 'New rule';
    preview.textContent = saved ? 'Save and preview' : 'Save disabled and preview';
    remove.hidden = !saved;
    if (saved && !historyView) {
      historyView = historyPanel(saved.id, names);
      replaceChildren(historySlot, historyView.element);
    }
  };

  /** Saves the form; a new rule is saved disabled when `disabledIfNew`. Resolves the rule or null. */
  const save = async ({ disabledIfNew = false } = {}) => {
    error.show('');
    try {
      const request = readRequest();
      const wasNew = !saved;
      if (wasNew && disabledIfNew) request.enabled = false;
      saved = saved ? await api.put(rulePath(saved.id), request) : await api.post('/rules', request);
      if (inJson()) json.value = JSON.stringify(requestOf(saved), null, 2);
      else enabled.checked = saved.enabled;
      // The address names the rule from now on (no navigation: the page stays).
      if (wasNew) window.history.replaceState(null, '', `#/rules/${saved.id}`);
      showSaved();
      return saved;
    } catch (failure) {
      error.show(failure.message);
      return null;
    }
  };

  const busy = async (button, work) => {
    button.disabled = true;
    try {
      await work();
    } finally {
      button.disabled = false;
    }
  };

  const form = h('form.rule-form', { novalidate: true }, formSections, jsonSection, error.element,
    h('div.actions.rule-buttons', {}, remove, jsonToggle, preview, run,
      h('button.primary', { type: 'submit' }, 'Save')));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(form.querySelector('[type=submit]'), async () => {
      if (await save()) notify(`Saved “${saved.name}”.`);
    });
  });
  preview.addEventListener('click', () => busy(preview, async () => {
    const wasNew = !saved;
    if (!await save({ disabledIfNew: true })) return;
    try {
      const answer = await api.post(rulePath(saved.id, 'preview'));
      replaceChildren(results, h('h2', {}, 'Preview'),
        wasNew ? h('p.muted', {}, 'Saved disabled: it does nothing by itself until you enable it.') : null,
        previewTable(answer, names));
    } catch (failure) {
      error.show(failure.message);
    }
  }));
  run.addEventListener('click', async () => {
    const { confirmed } = await confirmDialog({
      title: 'Run the rule now',
      message: `Run “${name.value.trim() || 'this rule'}” once now? It does its actions on every torrent it matches, enabled or not.`,
      confirmLabel: 'Run now',
    });
    if (!confirmed) return;
    await busy(run, async () => {
      if (!await save({ disabledIfNew: true })) return;
      try {
        const answer = await api.post(rulePath(saved.id, 'run'));
        replaceChildren(results, h('h2', {}, 'Run'), runTable(answer, names));
        await historyView?.refresh();
      } catch (failure) {
        error.show(failure.message);
      }
    });
  });
  remove.addEventListener('click', async () => {
    const { confirmed } = await confirmDialog({
      title: 'Delete rule',
      message: `Delete “${saved.name}” and its history? What it already did stays done.`,
      confirmLabel: 'Delete', danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(rulePath(saved.id));
      notify(`Deleted “${saved.name}”.`);
      location.hash = '#/rules';
    } catch (failure) {
      error.show(failure.message);
    }
  });

  formSections.append(
    h('div.inline-form', {}, field('Name', name), h('label.check.rule-enabled', {}, enabled, 'Enabled'),
      field('Runs every', intervalSlot), field('Removals per run at most', cap)),
    h('fieldset.rule-section', {}, h('legend', {}, 'Servers'), serverBoxes,
      h('small.hint', {}, 'None ticked: all your servers, including ones added later.')),
    h('fieldset.rule-section', {}, h('legend', {}, 'When'), conditionsSlot),
    h('fieldset.rule-section', {}, h('legend', {}, 'Do, in this order'), actionsSlot));
  load(saved ? requestOf(saved) : draft);
  showSaved();
  return {
    element: h('section.page.rule-page', {},
      h('header.page-head', {}, heading, h('a', { href: '#/rules' }, 'All rules')),
      form, results, historySlot),
    title: saved ? saved.name : 'New rule',
    focus: name,
  };
}
