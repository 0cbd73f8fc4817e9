// Log in, or create an account (then log in with it).

import { api } from '../api.js';
import { errorLine, field, h } from '../dom.js';

/** `onLoggedIn()` runs after a successful login. */
export function loginView(onLoggedIn) {
  let registering = false;
  const username = h('input', { type: 'text', name: 'username', autocomplete: 'username', required: true, autocapitalize: 'off' });
  const password = h('input', { type: 'password', name: 'password', autocomplete: 'current-password', required: true });
  const remember = h('input', { type: 'checkbox', name: 'remember_me' });
  const rememberRow = h('label.check', {}, remember, 'Remember me on this device');
  const error = errorLine();
  const heading = h('h1', {});
  const submit = h('button.primary', { type: 'submit' });
  const switchMode = h('button.link', { type: 'button' });
  const passwordHint = h('small.hint', { hidden: true }, 'At least 8 characters.');

  const showMode = () => {
    heading.textContent = registering ? 'Create an account' : 'Log in';
    submit.textContent = registering ? 'Create account' : 'Log in';
    switchMode.textContent = registering ? 'I already have an account' : 'Create an account';
    password.autocomplete = registering ? 'new-password' : 'current-password';
    passwordHint.hidden = !registering;
    error.show('');
  };
  switchMode.addEventListener('click', () => {
    registering = !registering;
    showMode();
  });

  const form = h('form.card.login', {},
    heading,
    field('Username', username),
    field('Password', password), passwordHint,
    rememberRow,
    error.element,
    h('div.actions', {}, switchMode, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    submit.disabled = true;
    const credentials = { username: username.value.trim(), password: password.value };
    try {
      if (registering) await api.post('/auth/register', credentials);
      await api.post('/auth/login', { ...credentials, remember_me: remember.checked });
      await onLoggedIn();
    } catch (failure) {
      error.show(failure.message);
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  showMode();
  return { element: h('section.login-page', {}, h('p.brand-big', {}, 'torrent-manager'), form), title: 'Log in', focus: username };
}
