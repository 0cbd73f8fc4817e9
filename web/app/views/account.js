// The account page: change one's password, see and end one's sessions,
// open magnet links with this app, and where the API docs are.

import { api } from '../api.js';
import { confirmDialog, notify } from '../dialog.js';
import { errorLine, field, h, replaceChildren } from '../dom.js';
import * as format from '../format.js';
import { magnetHandlerUrl } from '../launch.js';
import { MIN_PASSWORD_LENGTH, newPasswordProblem } from '../passwords.js';

export function accountView(me) {
  const sessions = sessionsSection();
  const element = h('section.page.account-page', {},
    h('h1', {}, 'Account'),
    h('p.muted', {}, `Logged in as ${me.username}${me.is_admin ? ' (admin)' : ''}.`),
    passwordSection(() => sessions.load()),
    sessions.element,
    appSection());
  sessions.load();
  return { element, title: 'Account' };
}

function passwordSection(onChanged) {
  const current = h('input', { type: 'password', name: 'current_password', autocomplete: 'current-password', required: true });
  const next = h('input', { type: 'password', name: 'new_password', autocomplete: 'new-password', required: true });
  const confirmation = h('input', { type: 'password', name: 'confirm_password', autocomplete: 'new-password', required: true });
  const error = errorLine();
  const done = h('p.success', { role: 'status', hidden: true });
  const submit = h('button.primary', { type: 'submit' }, 'Change password');
  const form = h('form.card.password-form', {},
    h('h2', {}, 'Change password'),
    field('Current password', current),
    field('New password', next, `At least ${MIN_PASSWORD_LENGTH} characters.`),
    field('Confirm new password', confirmation),
    error.element, done,
    h('div.actions', {}, submit));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.show('');
    done.hidden = true;
    const problem = newPasswordProblem(next.value, confirmation.value);
    if (problem) {
      error.show(problem);
      next.select();
      return;
    }
    submit.disabled = true;
    try {
      await api.post('/auth/password', { current_password: current.value, new_password: next.value });
      form.reset();
      done.textContent = 'Password changed. Your other sessions were ended: other devices need to log in again.';
      done.hidden = false;
      onChanged();
    } catch (failure) {
      error.show(failure.message);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

function sessionsSection() {
  const list = h('div.table-scroll');
  const error = errorLine();
  const endOthers = h('button', { type: 'button', name: 'end_other_sessions' }, 'Log out everywhere else');
  const element = h('section.card.sessions', {},
    h('h2', {}, 'Sessions'),
    h('p.muted', {}, 'Where you are logged in. Ending a session logs that device out.'),
    list, error.element,
    h('div.actions', {}, endOthers));

  const load = async () => {
    try {
      const { sessions } = await api.get('/auth/sessions');
      replaceChildren(list, h('table.list.session-list', {},
        h('thead', {}, h('tr', {}, ['Device', 'Created', 'Last seen', 'Expires', ''].map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, sessions.map((session) => sessionRow(session)))));
      endOthers.disabled = sessions.every((session) => session.current);
    } catch (failure) {
      error.show(failure.message);
    }
  };

  const act = async (request, message) => {
    error.show('');
    try {
      const answer = await request();
      notify(message(answer));
    } catch (failure) {
      error.show(failure.message);
    }
    await load();
  };

  const sessionRow = (session) => h('tr', { dataset: { session: session.id } },
    h('td', { title: session.user_agent ?? '' }, describeDevice(session.user_agent)),
    h('td', {}, format.dateTime(session.created_at)),
    h('td', {}, session.last_seen_at ? format.ago(session.last_seen_at) : '–'),
    h('td', {}, session.expires_at ? format.dateTime(session.expires_at) : '–'),
    h('td.session-action', {}, session.current
      ? h('span.badge.this-device', {}, 'This device')
      : h('button.danger', {
        type: 'button',
        onclick: () => act(() => api.delete(`/auth/sessions/${encodeURIComponent(session.id)}`), () => 'Session ended.'),
      }, 'End')));

  endOthers.addEventListener('click', async () => {
    const { confirmed } = await confirmDialog({
      title: 'Log out everywhere else?',
      message: 'Every other device and browser logged in as you is logged out. This one stays logged in.',
      confirmLabel: 'Log out the others',
      danger: true,
    });
    if (confirmed) {
      await act(() => api.delete('/auth/sessions'),
        (answer) => `Ended ${answer.ended} other session${answer.ended === 1 ? '' : 's'}.`);
    }
  });
  return { element, load };
}

function appSection() {
  const offerHandler = 'registerProtocolHandler' in navigator
    ? h('button', {
      type: 'button',
      name: 'magnet_handler',
      onclick: () => {
        try {
          navigator.registerProtocolHandler('magnet', magnetHandlerUrl());
          notify('Your browser asks whether to open magnet links here; afterwards they open the add dialog.');
        } catch (failure) {
          notify(`The browser refused: ${failure.message}`, 'error');
        }
      },
    }, 'Open magnet links with torrent-manager')
    : h('p.muted', {}, 'This browser cannot open magnet links with a web app.');
  return h('section.card.app-links', {},
    h('h2', {}, 'This app'),
    h('div.actions', {}, offerHandler),
    h('p', {}, 'Scripts and other programs use the REST API: ',
      h('a', { href: '/docs', target: '_blank', rel: 'noopener' }, 'API documentation'),
      ' (log in there with an API key from the API keys page).'));
}

/** "Firefox on Linux" from a user agent; the full string is the cell's title. */
function describeDevice(userAgent) {
  if (!userAgent) return 'Unknown device';
  const browser = [['Edg/', 'Edge'], ['Firefox/', 'Firefox'], ['Chrome/', 'Chrome'], ['Chromium/', 'Chromium'],
    ['Safari/', 'Safari'], ['curl/', 'curl'], ['python', 'Python'], ['torrent-manager', 'torrent-manager CLI']]
    .find(([marker]) => userAgent.includes(marker))?.[1];
  const system = [['Android', 'Android'], ['iPhone', 'iOS'], ['iPad', 'iPadOS'], ['Windows', 'Windows'],
    ['Mac OS X', 'macOS'], ['CrOS', 'ChromeOS'], ['Linux', 'Linux']]
    .find(([marker]) => userAgent.includes(marker))?.[1];
  if (browser && system) return `${browser} on ${system}`;
  return browser ?? system ?? userAgent.slice(0, 60);
}
