// The console's shell: sign-in, the window picker, and which view is on screen (the URL hash).
import { api, ApiError, session } from './api.js';
import * as loop from './views/loop.js';
import * as funnel from './views/funnel.js';
import * as journey from './views/journey.js';
import * as rules from './views/rules.js';
import * as member from './views/member.js';

const VIEWS = { loop, funnel, journey, rules, member };
const $ = (id) => document.getElementById(id);
const ctx = { brand: null, window: { from: null, to: null }, showError, setAsOf };

function showError(error) {
  const alert = $('alert');
  if (!error) {
    alert.hidden = true;
    alert.textContent = '';
    return;
  }
  alert.textContent = error instanceof ApiError ? `${error.status}: ${error.message}` : String(error.message ?? error);
  alert.hidden = false;
}

function setAsOf(answer) {
  $('as-of').textContent = answer
    ? `${ctx.window.from} – ${ctx.window.to} (whole days, the brand's time zone); numbers as of ${answer.asOf.replace('T', ' ').slice(0, 19)} UTC`
    : '';
}

function isoDate(d) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function applyPreset(days) {
  const to = new Date();
  const from = new Date(to);
  from.setDate(from.getDate() - (days - 1)); // whole days, today included
  $('window-from').value = isoDate(from);
  $('window-to').value = isoDate(to);
}

function readWindow() {
  ctx.window = { from: $('window-from').value, to: $('window-to').value };
}

function currentView() {
  const name = location.hash.slice(1);
  return VIEWS[name] ? name : 'loop';
}

// One render at a time, in the order asked: a view switch and a window change made in quick
// succession would otherwise race, and the older answer could land last and stay on screen.
let rendering = Promise.resolve();
function show() {
  rendering = rendering.then(showNow, showNow);
  return rendering;
}

async function showNow() {
  if (!ctx.brand) {
    return;
  }
  const name = currentView();
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#${name}`) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
  for (const section of document.querySelectorAll('main section')) {
    section.hidden = section.dataset.view !== name;
  }
  showError(null);
  const section = $(`view-${name}`);
  section.setAttribute('aria-busy', 'true');
  try {
    await VIEWS[name].render(section, ctx);
  } catch (e) {
    showError(e);
  } finally {
    section.setAttribute('aria-busy', 'false');
  }
}

async function signIn(key) {
  try {
    ctx.brand = await api('/v1/brand', { token: key });
  } catch (e) {
    ctx.brand = null;
    session.signOut();
    showError(e.status === 401 ? new Error('That key is not a live brand key.') : e);
    return;
  }
  session.signIn(key);
  $('brand-name').textContent = `· ${ctx.brand.name}`;
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  $('signed-in').hidden = false;
  $('signed-out-hint').hidden = true;
  await show();
}

function signOut() {
  session.signOut();
  location.hash = '';
  location.reload();
}

$('sign-in').addEventListener('submit', (e) => {
  e.preventDefault();
  const key = $('key').value.trim();
  $('key').value = '';
  void signIn(key);
});
$('sign-out').addEventListener('click', signOut);
$('window-preset').addEventListener('change', (e) => {
  if (e.target.value !== 'custom') {
    applyPreset(Number(e.target.value));
    readWindow();
    void show();
  }
});
for (const id of ['window-from', 'window-to']) {
  $(id).addEventListener('input', () => ($('window-preset').value = 'custom'));
}
$('window').addEventListener('submit', (e) => {
  e.preventDefault();
  readWindow();
  void show();
});
window.addEventListener('hashchange', () => void show());
// Charts take their colours from the CSS variables: redraw when the scheme flips.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => void show());

applyPreset(30);
readWindow();
if (session.key()) {
  void signIn(session.key());
}
