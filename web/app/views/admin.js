// Administration (admins only): who may register, and the user accounts.

import { api } from '../api.js';
import { confirmDialog, notify, openDialog } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';

export function adminView(me) {
  const mode = h('select', { name: 'registration_mode', 'aria-label': 'Registration' },
    h('option', { value: 'open' }, 'Open: anyone can create an account'),
    h('option', { value: 'closed' }, 'Closed: only admins create accounts'));
  const modeError = errorLine();
  mode.addEventListener('change', async () => {
    modeError.show('');
    try {
      await api.put('/admin/settings', { registration_mode: mode.value });
      notify('Registration setting saved.');
    } catch (failure) {
      modeError.show(failure.message);
    }
  });

  const users = h('div.table-scroll');
  const load = async () => {
    try {
      const [settings, list] = await Promise.all([api.get('/admin/settings'), api.get('/admin/users')]);
      mode.value = settings.registration_mode;
      replaceChildren(users, h('table.list', {},
        h('thead', {}, h('tr', {}, ['User', 'Admin', 'Private targets', 'Created', ''].map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, list.map((user) => userRow(user)))));
    } catch (failure) {
      replaceChildren(users, h('p.error', {}, failure.message));
    }
  };

  const userRow = (user) => {
    const isMe = user.id === me.user_id;
    const admin = h('input', {
      type: 'checkbox', checked: user.is_admin, disabled: isMe, 'aria-label': `${user.username} is an admin`,
      onchange: () => update(user, { is_admin: admin.checked }),
    });
    // Admins reach any address; others only public ones unless allowed here.
    const privateTargets = h('input', {
      type: 'checkbox', checked: user.is_admin || user.allow_private_targets, disabled: user.is_admin,
      'aria-label': `${user.username} may reach private addresses`,
      title: 'Loopback, LAN and link-local addresses and Unix sockets, for servers and URLs',
      onchange: () => act(() => api.put(`${userPath(user)}/targets`, { allow_private_targets: privateTargets.checked }),
        `Updated ${user.username}.`),
    });
    return h('tr', {},
      h('td', {}, user.username, isMe ? ' (you)' : ''),
      h('td', {}, admin),
      h('td', {}, privateTargets),
      h('td', {}, format.dateTime(user.created_at)),
      h('td.actions', {},
        h('button', { type: 'button', onclick: () => setPassword(user) }, 'Set password'),
        isMe ? null : h('button.danger', { type: 'button', onclick: () => remove(user) }, 'Delete')));
  };

  const userPath = (user) => `/admin/users/${encodeURIComponent(user.id)}`;

  /** Runs a change to a user, says how it went, and reloads the list. */
  const act = async (call, doneMessage) => {
    try {
      await call();
      notify(doneMessage);
    } catch (failure) {
      notify(failure.message, 'error');
    }
    await load();
  };
  const update = (user, changes) => act(() => api.put(userPath(user), changes), `Updated ${user.username}.`);

  const setPassword = (user) => {
    const password = h('input', { type: 'password', autocomplete: 'new-password', minlength: 8, required: true });
    const error = errorLine();
    const form = h('form.dialog-body', {},
      field(`New password for ${user.username}`, password, 'At least 8 characters.'), error.element,
      h('div.actions', {}, h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
        h('button.primary', { type: 'submit' }, 'Set password')));
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      try {
        await api.put(userPath(user), { password: password.value });
        notify(`Password of ${user.username} changed.`);
        dialog.close();
      } catch (failure) {
        error.show(failure.message);
      }
    });
    const dialog = openDialog({ title: 'Set password', content: form });
    password.focus();
  };

  const remove = async (user) => {
    const { confirmed } = await confirmDialog({
      title: 'Delete user', message: `Delete ${user.username} and everything they own here?`,
      confirmLabel: 'Delete', danger: true,
    });
    if (confirmed) await act(() => api.delete(userPath(user)), `Deleted ${user.username}.`);
  };

  const newName = h('input', { type: 'text', name: 'username', required: true, autocomplete: 'off' });
  const newPassword = h('input', { type: 'password', name: 'password', required: true, autocomplete: 'new-password' });
  const newAdmin = h('input', { type: 'checkbox', name: 'is_admin' });
  const createError = errorLine();
  const createForm = h('form.card', {},
    h('h2', {}, 'Create a user'),
    h('div.inline-form', {}, field('Username', newName), field('Password', newPassword),
      h('label.check', {}, newAdmin, 'Admin'), h('button.primary', { type: 'submit' }, 'Create user')),
    createError.element);
  createForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    createError.show('');
    try {
      await api.post('/admin/users', { username: newName.value.trim(), password: newPassword.value, is_admin: newAdmin.checked });
      createForm.reset();
      await load();
    } catch (failure) {
      createError.show(failure.message);
    }
  });

  load();
  return {
    element: h('section.page', {},
      h('header.page-head', {}, h('h1', {}, 'Administration')),
      h('div.card', {}, h('h2', {}, 'Registration'), field('Who may create an account', mode), modeError.element),
      createForm,
      h('h2', {}, 'Users'),
      users),
    title: 'Administration',
  };
}
