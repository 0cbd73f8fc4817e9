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
      replaceChildren(users, h('table.list.users', {},
        h('thead', {}, h('tr', {}, ['User', 'Admin', 'Private targets', 'This machine', 'Created', ''].map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, list.map((user) => userRow(user)))));
    } catch (failure) {
      replaceChildren(users, h('p.error', {}, failure.message));
    }
  };

  const userRow = (user) => {
    const isMe = user.id === me.user_id;
    const admin = h('input', {
      type: 'checkbox', checked: user.is_admin, disabled: isMe, 'aria-label': `${user.username} is an admin`,
      onchange: () => changeAdmin(user, admin),
    });
    // Admins reach any address; others only public ones unless allowed here.
    const privateTargets = h('input', {
      type: 'checkbox', checked: user.is_admin || user.allow_private_targets, disabled: user.is_admin,
      'aria-label': `${user.username} may reach private addresses`,
      title: 'Loopback, LAN and link-local addresses and Unix sockets, for servers and URLs',
      onchange: () => act(() => api.put(`${userPath(user)}/targets`, { allow_private_targets: privateTargets.checked }),
        `Updated ${user.username}.`),
    });
    // A "This machine" server of their own on the embedded engine: an
    // admin's shows the whole engine, anyone else's only what they add.
    const engine = h('input', {
      type: 'checkbox', checked: user.engine_access,
      'aria-label': `${user.username} may use This machine`,
      title: "The embedded engine: others' torrents stay out of their view and their downloads stay in their own folder",
      onchange: () => act(() => api.put(`${userPath(user)}/engine`, { engine_access: engine.checked }),
        `Updated ${user.username}.`),
    });
    return h('tr', {},
      h('td', {}, user.username, isMe ? ' (you)' : ''),
      h('td', {}, admin),
      h('td', {}, privateTargets),
      h('td', {}, engine),
      h('td', {}, format.dateTime(user.created_at)),
      h('td.row-actions', {}, h('div.row-buttons', {},
        h('button', { type: 'button', onclick: () => setPassword(user) }, 'Set password'),
        isMe ? null : h('button.danger', { type: 'button', onclick: () => remove(user) }, 'Delete'))));
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

  /** Admin rights change only once confirmed; cancelling puts the checkbox back. */
  const changeAdmin = async (user, checkbox) => {
    const grant = checkbox.checked;
    const { confirmed } = await confirmDialog({
      title: grant ? 'Make admin' : 'Remove admin rights',
      message: grant
        ? `Make ${user.username} an admin? They will manage every user, the registration setting and reach any address.`
        : `Remove admin rights from ${user.username}? They keep their account, servers and keys, but no longer manage users or settings.`,
      confirmLabel: grant ? 'Make admin' : 'Remove admin rights',
      danger: !grant,
    });
    if (!confirmed) {
      checkbox.checked = !grant;
      return;
    }
    await act(() => api.put(userPath(user), { is_admin: grant }),
      grant ? `${user.username} is now an admin.` : `${user.username} is no longer an admin.`);
  };

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
      const username = newName.value.trim();
      await api.post('/admin/users', { username, password: newPassword.value, is_admin: newAdmin.checked });
      notify(`Created ${username}${newAdmin.checked ? ' (admin)' : ''}.`);
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
