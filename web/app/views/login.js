// Log in, or create an account (then log in with it). On a fresh install
// (no account yet) the page is "Create the admin account" instead, and
// the register link shows only while the server lets anyone register.

import { api } from '../api.js';
import { confirmDialog, notify } from '../dialog.js';
import { errorLine, field, h } from '../dom.js';
import { MIN_PASSWORD_LENGTH, newPasswordProblem } from '../passwords.js';

const HEADINGS = { login: 'Log in', register: 'Create an account', 'first-admin': 'Create the admin account' };
const SUBMITS = { login: 'Log in', register: 'Create account', 'first-admin': 'Create admin account' };

/** `onLoggedIn()` runs after a successful login. */
export function loginView(onLoggedIn) {
  let mode = 'login';
  let registrationOpen = false;
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const confirmation = h('input', { type: 'password', name: 'confirm_password', autocomplete: 'new-password' });
  const confirmField = field('Confirm password', confirmation);
  const remember = h('input', { type: 'checkbox', name: 'remember_me' });
  const error = errorLine();
  const heading = h('h1', {});
  const intro = h('p.intro', { hidden: true },
    'No account exists yet. The first account becomes the admin of this torrent-manager: '
    + 'it manages users and who may register.');
  const submit = h('button.primary', { type: 'submit' });
  const switchMode = h('button.link', { type: 'button', name: 'switch_mode' });
  const switchRow = h('p.switch-mode', {}, switchMode);
  const passwordField = field('Password', password, `At least ${MIN_PASSWORD_LENGTH} characters.`);
  const passwordHint = passwordField.querySelector('.hint');

  const showMode = (next) => {
    mode = next;
    const creating = mode !== 'login';
    heading.textContent = HEADINGS[mode];
    submit.textContent = SUBMITS[mode];
    intro.hidden = mode !== 'first-admin';
    password.autocomplete = creating ? 'new-password' : 'current-password';
    passwordHint.hidden = !creating;
    confirmField.hidden = !creating;
    confirmation.required = creating;
    // Only a choice between two existing modes: never on a fresh install.
    switchMode.textContent = mode === 'register' ? 'I already have an account' : 'Create an account';
    switchRow.hidden = mode === 'first-admin' || !registrationOpen;
    error.show('');
  };
  switchMode.addEventListener('click', () => showMode(mode === 'login' ? 'register' : 'login'));

  const form = h('form.card.login', { hidden: true },
    heading, intro,
    field('Username', username),
    passwordField,
    confirmField,
    h('label.check', {}, remember, 'Remember me on this device'),
    error.element,
    h('div.login-actions', {}, submit),
    switchRow);
  const loading = h('p.loading', {}, 'Loading…');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    const creating = mode !== 'login';
    const problem = creating ? newPasswordProblem(password.value, confirmation.value) : '';
    if (problem) {
      error.show(problem);
      password.select();
      return;
    }
    submit.disabled = true;
    const credentials = { username: username.value.trim(), password: password.value };
    try {
      if (creating) await api.post('/auth/register', credentials);
      await api.post('/auth/login', { ...credentials, remember_me: remember.checked });
      const firstAdmin = mode === 'first-admin';
      await onLoggedIn();
      if (firstAdmin) await offerToCloseRegistration();
    } catch (failure) {
      error.show(failure.message);
      password.select();
    } finally {
      submit.disabled = false;
    }
  });

  readStatus().then((status) => {
    registrationOpen = status.registration_open;
    showMode(status.has_users ? 'login' : 'first-admin');
    loading.remove();
    form.hidden = false;
    username.focus();
  });
  return { element: h('section.login-page', {}, h('p.brand-big', {}, 'torrent-manager'), loading, form), title: 'Log in' };
}

/** GET /auth/status; when it cannot be read, a plain login form (no register link). */
async function readStatus() {
  try {
    return await api.get('/auth/status');
  } catch {
    return { has_users: true, registration_open: false };
  }
}

/**
 * Right after the first admin exists, registration is still open to anyone
 * who reaches the port: ask, with closing it as the default answer.
 */
async function offerToCloseRegistration() {
  const status = await readStatus();
  if (!status.registration_open) return;
  const { confirmed } = await confirmDialog({
    title: 'Close registration?',
    message: 'Your account is the admin. Registration is still open: anyone who can reach this '
      + 'server can create an account. Close it now? Admins can still create accounts, and you can '
      + 'change this later on the Admin page.',
    confirmLabel: 'Close registration',
    cancelLabel: 'Keep it open',
  });
  if (!confirmed) return;
  try {
    await api.put('/admin/settings', { registration_mode: 'closed' });
    notify('Registration closed.');
  } catch (failure) {
    notify(failure.message, 'error');
  }
}
