// Modal dialogs on the native <dialog>: it traps focus, closes on Escape
// and returns focus where it was. Forms inside submit on Enter.

import { h } from './dom.js';

/**
 * Opens a modal. `content` is a Node; `onClose` runs once when it closes.
 * Returns {element, close()}.
 */
export function openDialog({ title, content, onClose, className = '' }) {
  const heading = h('h2.dialog-title', { id: `dialog-title-${Date.now()}` }, title);
  const closeButton = h('button.icon.dialog-close', { type: 'button', 'aria-label': 'Close' }, '×');
  const element = h(`dialog.dialog${className ? `.${className}` : ''}`,
    { 'aria-labelledby': heading.id },
    h('header.dialog-head', {}, heading, closeButton), content);
  const close = () => element.open && element.close();
  closeButton.addEventListener('click', close);
  element.addEventListener('close', () => {
    element.remove();
    onClose?.();
  }, { once: true });
  document.body.append(element);
  element.showModal();
  return { element, close };
}

/**
 * Asks a yes/no question. With `option` ({label}), also offers a checkbox.
 * Resolves {confirmed, option} (option: the checkbox's state). The confirm
 * button is the default (Enter); Escape and the other button decline.
 */
export function confirmDialog({
  title, message, confirmLabel = 'OK', cancelLabel = 'Cancel', danger = false, option,
}) {
  return new Promise((resolve) => {
    let result = { confirmed: false, option: false };
    const checkbox = option ? h('input', { type: 'checkbox', name: 'option' }) : null;
    const form = h('form.dialog-body', { method: 'dialog' },
      h('p', {}, message),
      checkbox ? h('label.check', {}, checkbox, option.label) : null,
      h('div.actions', {},
        h('button', { type: 'button', onclick: () => dialog.close() }, cancelLabel),
        h(`button.${danger ? 'danger' : 'primary'}`, { type: 'submit', autofocus: true }, confirmLabel)));
    form.addEventListener('submit', () => {
      result = { confirmed: true, option: checkbox?.checked ?? false };
    });
    const dialog = openDialog({ title, content: form, onClose: () => resolve(result) });
  });
}

/**
 * The only time a secret (an API key, a webhook's signing secret) is
 * shown: a read-only field with a copy button, `warning` above, `note` below.
 */
export function secretDialog({ title, secret, label, warning, note }) {
  const secretField = h('input.key-value', { type: 'text', readOnly: true, value: secret, 'aria-label': label });
  const copied = h('span.muted', { role: 'status' });
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
    } catch {
      // Clipboard API refused (permissions): fall back to the selection.
      secretField.select();
      document.execCommand('copy');
    }
    copied.textContent = 'Copied.';
  };
  openDialog({
    title,
    content: h('div.dialog-body', {},
      h('p.warning', {}, warning),
      h('div.inline-form', {}, secretField, h('button.primary.copy', { type: 'button', onclick: copy }, 'Copy')),
      copied,
      note ? h('p.muted', {}, note) : null),
  });
  secretField.select();
}

/** A short message in the corner that goes away by itself. */
export function notify(message, kind = 'info') {
  const region = document.querySelector('.toasts');
  const toast = h(`div.toast.${kind}`, {}, message);
  region.append(toast);
  setTimeout(() => toast.remove(), kind === 'error' ? 8000 : 4000);
}
