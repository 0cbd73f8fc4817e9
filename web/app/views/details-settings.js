// The Settings tab: the torrent's seeding goals (kept and enforced by
// torrent-manager on every client), speed limits and bandwidth priority
// (held by the client, so they show what it reports). A blank box clears
// its value; what the client cannot hold is disabled and says why.

import { api, onServer, torrentPath } from '../api.js';
import { errorLine, field, h } from '../dom.js';

const KIB = 1024;
const MINUTE = 60;
/** What reaching a goal does, as the API names it, and as the menu says it. */
const GOAL_ACTIONS = [
  ['stop', 'Stop the torrent'],
  ['remove', 'Remove the torrent (keep its files)'],
  ['remove_with_data', 'Remove the torrent and delete its files'],
];

/** A number box; blank is "none". */
function numberInput(name, step) {
  return h('input', { type: 'number', name, min: '0', step, placeholder: 'none' });
}

/** The box's value in `unit`s as a whole count of base units, or null when blank. */
function valueOf(input, unit, whole = true) {
  const text = input.value.trim();
  if (text === '') return null;
  const value = Number(text) * unit;
  return whole ? Math.round(value) : value;
}

function show(input, value, unit) {
  input.value = value == null ? '' : String(Math.round((value / unit) * 100) / 100);
}

export class SettingsTab {
  #torrent;

  constructor(torrent) {
    this.#torrent = torrent;
    this.controls = {
      ratio: numberInput('ratio', '0.01'),
      seeding_time: numberInput('seeding_time', '1'),
      inactive_time: numberInput('inactive_time', '1'),
      action: h('select', { name: 'action' }, GOAL_ACTIONS.map(([value, title]) => h('option', { value }, title))),
      download_limit: numberInput('download_limit', '1'),
      upload_limit: numberInput('upload_limit', '1'),
      priority: h('select', { name: 'priority' },
        ['low', 'normal', 'high'].map((p) => h('option', { value: p }, p))),
    };
    const c = this.controls;
    this.goalsHint = h('small.hint');
    this.limitsHint = h('small.hint');
    this.priorityHint = h('small.hint');
    this.error = errorLine();
    this.saved = h('span.muted', { role: 'status' });
    const form = h('form.settings-form', {},
      h('fieldset', {}, h('legend', {}, 'Seeding goals'),
        field('Ratio', c.ratio),
        field('Seeding time (minutes)', c.seeding_time),
        field('Inactive time (minutes)', c.inactive_time),
        field('When reached', c.action),
        this.goalsHint),
      h('fieldset', {}, h('legend', {}, 'Speed limits'),
        field('Download limit (KiB/s)', c.download_limit),
        field('Upload limit (KiB/s)', c.upload_limit),
        this.limitsHint),
      h('fieldset', {}, h('legend', {}, 'Priority'),
        field('Bandwidth priority', c.priority),
        this.priorityHint),
      h('button', { type: 'submit' }, 'Save settings'), ' ', this.saved,
      this.error.element);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.#save();
    });
    this.element = h('div.settings-tab', {}, form);
  }

  async load(torrent) {
    return api.get(torrentPath(torrent, 'settings'), onServer(torrent));
  }

  apply(settings) {
    const c = this.controls;
    const can = settings.capabilities;
    this.capabilities = can;
    show(c.ratio, settings.seeding.ratio, 1);
    show(c.seeding_time, settings.seeding.seeding_time, MINUTE);
    show(c.inactive_time, settings.seeding.inactive_time, MINUTE);
    c.action.value = settings.seeding.action ?? 'stop';
    show(c.download_limit, settings.download_limit, KIB);
    show(c.upload_limit, settings.upload_limit, KIB);
    c.priority.value = settings.priority ?? 'normal';
    for (const input of [c.download_limit, c.upload_limit]) input.disabled = !can.speed_limits;
    c.priority.disabled = !can.priority;
    this.goalsHint.textContent = `Enforced by torrent-manager${can.native_seeding_goals
      ? ' and, for ratio and inactive time, by the client itself' : ''}; blank is no goal.`;
    this.limitsHint.textContent = can.speed_limits
      ? 'As the client holds them; blank is unlimited.'
      : 'This client has no per-torrent speed limits (only global ones).';
    this.priorityHint.textContent = can.priority
      ? 'Among the client\'s torrents.'
      : 'This client has no per-torrent bandwidth priority.';
  }

  /** Sends the goals, and what the client can hold. */
  async #save() {
    const c = this.controls;
    const body = {
      seeding: {
        ratio: valueOf(c.ratio, 1, false),
        seeding_time: valueOf(c.seeding_time, MINUTE),
        inactive_time: valueOf(c.inactive_time, MINUTE),
        action: c.action.value,
      },
    };
    if (this.capabilities?.speed_limits) {
      body.download_limit = valueOf(c.download_limit, KIB);
      body.upload_limit = valueOf(c.upload_limit, KIB);
    }
    if (this.capabilities?.priority) body.priority = c.priority.value;
    this.saved.textContent = '';
    try {
      const answer = await api.put(torrentPath(this.#torrent, 'settings'), body, onServer(this.#torrent));
      this.error.show('');
      this.apply(answer);
      this.saved.textContent = 'Saved.';
    } catch (failure) {
      this.error.show(failure.message);
    }
  }
}
