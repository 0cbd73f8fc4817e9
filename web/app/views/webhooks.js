// Webhooks: add one (URL, events, optional secret — shown once, with a copy
// button), list them with their last delivery, send a test, read the
// deliveries log, delete.

import { api } from '../api.js';
import { confirmDialog, notify, openDialog, secretDialog } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';

const DELIVERIES_PAGE = 50;
const hookPath = (id, action = '') => `/webhooks/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/** "ok · HTTP 200 · 35 ms" / "failed · timed out". */
function deliveryText(delivery) {
  const parts = [delivery.ok ? 'ok' : 'failed'];
  if (delivery.status_code !== null) parts.push(`HTTP ${delivery.status_code}`);
  if (delivery.error) parts.push(delivery.error);
  parts.push(`${delivery.duration_ms} ms`);
  return parts.join(' · ');
}

function deliveryOutcome(delivery) {
  return h(`span.outcome.${delivery.ok ? 'done' : 'failed'}`, {}, deliveryText(delivery));
}

export async function webhooksView() {
  let events;
  try {
    events = await api.get('/webhooks/events');
  } catch (failure) {
    const message = failure.status === 404 ? 'This server does not offer webhooks.' : failure.message;
    return { element: h('section.page', {}, h('header.page-head', {}, h('h1', {}, 'Webhooks')), h('p.muted', {}, message)), title: 'Webhooks' };
  }
  const list = h('div.table-scroll');
  const testResult = h('p.webhook-test-result', { role: 'status', hidden: true });
  const url = h('input', { type: 'text', inputmode: 'url', name: 'url', required: true, placeholder: 'https://example.org/hook' });
  const secret = h('input', { type: 'text', name: 'secret', placeholder: 'generated', autocomplete: 'off' });
  const eventBoxes = events.map((event) => h('label.check', {}, h('input', { type: 'checkbox', name: 'event', value: event }), event));
  const error = errorLine();
  const form = h('form.card.webhook-form', {},
    h('h2', {}, 'Add a webhook'),
    h('div.inline-form', {}, field('URL', url), field('Secret (optional)', secret)),
    h('fieldset.rule-section', {}, h('legend', {}, 'Events'), h('div.webhook-events', {}, eventBoxes),
      h('small.hint', {}, 'None ticked: every event.')),
    error.element,
    h('div.actions', {}, h('button.primary', { type: 'submit' }, 'Add webhook')));

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    try {
      const created = await api.post('/webhooks', {
        url: url.value.trim(),
        events: eventBoxes.map((label) => label.querySelector('input')).filter((box) => box.checked).map((box) => box.value),
        secret: secret.value === '' ? null : secret.value,
        enabled: true,
      });
      form.reset();
      secretDialog({
        title: 'Webhook secret', secret: created.secret, label: 'Webhook secret',
        warning: 'Copy the secret now: it will not be shown again.',
        note: `Each delivery to ${created.url} is signed: X-TM-Signature: sha256=<HMAC-SHA256 of the body with this secret>.`,
      });
      await load();
    } catch (failure) {
      error.show(failure.message);
    }
  });

  const test = async (hook, button) => {
    button.disabled = true;
    testResult.hidden = false;
    testResult.textContent = `Testing ${hook.url}…`;
    try {
      const delivery = await api.post(hookPath(hook.id, 'test'));
      replaceChildren(testResult, `Test to ${hook.url}: `, deliveryOutcome(delivery));
      await load();
    } catch (failure) {
      testResult.textContent = `Test to ${hook.url}: ${failure.message}`;
    }
    button.disabled = false;
  };

  const remove = async (hook) => {
    const { confirmed } = await confirmDialog({
      title: 'Delete webhook', message: `Delete the webhook to ${hook.url} and its deliveries log?`,
      confirmLabel: 'Delete', danger: true,
    });
    if (!confirmed) return;
    try {
      await api.delete(hookPath(hook.id));
      notify('Webhook deleted.');
    } catch (failure) {
      notify(failure.message, 'error');
    }
    await load();
  };

  const row = (hook) => {
    const testButton = h('button', { type: 'button', name: 'test' }, 'Test');
    testButton.addEventListener('click', () => test(hook, testButton));
    const last = hook.last_delivery;
    return h('tr', { dataset: { id: hook.id } },
      h('td.webhook-url', {}, hook.url),
      h('td', { 'data-label': 'Events' }, hook.events.length ? hook.events.join(', ') : 'every event'),
      h('td', { 'data-label': 'Enabled' }, hook.enabled ? 'yes' : 'no'),
      h('td.last-delivery', { 'data-label': 'Last delivery' },
        last ? [deliveryOutcome(last), ` ${format.ago(last.at)}`] : 'none yet'),
      h('td.row-actions', {}, h('span.row-buttons', {}, testButton,
        h('button', { type: 'button', name: 'deliveries', onclick: () => showDeliveries(hook) }, 'Deliveries'),
        h('button.danger', { type: 'button', name: 'delete', onclick: () => remove(hook) }, 'Delete'))));
  };

  const load = async () => {
    try {
      const hooks = await api.get('/webhooks');
      replaceChildren(list, hooks.length
        ? h('table.list.webhooks', {},
          h('thead', {}, h('tr', {}, ['URL', 'Events', 'Enabled', 'Last delivery', '']
            .map((title) => h('th', { scope: 'col' }, title)))),
          h('tbody', {}, hooks.map(row)))
        : h('p.muted', {}, 'No webhooks. A webhook POSTs torrent, rule and server events to a URL of yours.'));
    } catch (failure) {
      replaceChildren(list, h('p.error', {}, failure.message));
    }
  };

  load();
  return {
    element: h('section.page', {}, h('header.page-head', {}, h('h1', {}, 'Webhooks')), form, testResult, list),
    title: 'Webhooks',
  };
}

/** The deliveries log of `hook`, newest first, "Older" loading the next page. */
function showDeliveries(hook) {
  const body = h('tbody');
  const status = h('p.muted', {}, 'Loading…');
  const older = h('button', { type: 'button', hidden: true }, 'Older');
  let before = null;
  const load = async () => {
    older.disabled = true;
    try {
      const query = { limit: DELIVERIES_PAGE, ...(before ? { before } : {}) };
      const page = await api.get(hookPath(hook.id, 'deliveries'), query);
      body.append(...page.deliveries.map((delivery) => h('tr', { dataset: { ok: String(delivery.ok) } },
        h('td', { 'data-label': 'Time', title: format.dateTime(delivery.at) }, format.ago(delivery.at)),
        h('td', { 'data-label': 'Event' }, delivery.event),
        h('td', { 'data-label': 'Attempt' }, String(delivery.attempt)),
        h('td', { 'data-label': 'Outcome' }, deliveryOutcome(delivery)))));
      before = page.next_before;
      status.textContent = body.children.length ? '' : 'No deliveries yet.';
      older.hidden = !before;
    } catch (failure) {
      status.textContent = failure.message;
    }
    older.disabled = false;
  };
  older.addEventListener('click', load);
  openDialog({
    title: `Deliveries to ${hook.url}`,
    className: 'wide',
    content: h('div.dialog-body', {},
      h('div.table-scroll', {}, h('table.list.deliveries', {},
        h('thead', {}, h('tr', {}, ['Time', 'Event', 'Attempt', 'Outcome'].map((title) => h('th', { scope: 'col' }, title)))),
        body)),
      status, h('div.actions', {}, older)),
  });
  load();
}
