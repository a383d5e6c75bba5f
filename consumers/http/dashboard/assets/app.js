// The dashboard's entry point: signs in (a token from the address's fragment, `/#token=…`, or
// from the form, traded for the HttpOnly session cookie), shows the portfolio or an account
// (`/?account=ID`, so that links and the back button work), and keeps what is shown live.

import { AccountPage } from './account_page.js';
import { api, ApiError, currentSession, signIn, signOut } from './api.js';
import { LiveUpdates } from './live_updates.js';
import { renderPortfolio } from './portfolio_page.js';

const $ = (id) => document.getElementById(id);
const view = $('view');
const live = new LiveUpdates($('live'));

function showSignIn(message = '') {
  live.stop();
  view.replaceChildren();
  $('who').textContent = '';
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message;
  $('token').focus();
}

function showSession(session) {
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  $('who').textContent = `${session.tokenName} · ${session.role}` +
                         (session.manager ? ` (${session.manager})` : '');
}

function showError(error) {
  if (error instanceof ApiError && error.status === 401) return showSignIn(error.message);
  view.replaceChildren(Object.assign(document.createElement('p'), { className: 'error', textContent: error.message }));
}

// Runs `render` now and again after each burst of events on `stream`. The stream opens first,
// so that no event falls between what is drawn and what is followed.
async function showLive(render, stream) {
  await live.follow(stream, () => render().catch(showError));
  await render();
}

async function route() {
  const account = new URLSearchParams(location.search).get('account');
  try {
    if (account) {
      const page = new AccountPage(view, account, () => navigate(null));
      await showLive(() => page.render(), api.accountEvents(account));
    } else {
      await showLive(() => renderPortfolio(view, (id) => navigate(id)), api.portfolioEvents());
    }
    document.title = account ? `${account} · Account Timeline` : 'Portfolio · Account Timeline';
  } catch (error) {
    showError(error);
  }
}

function navigate(account) {
  history.pushState(null, '', account ? `/?account=${encodeURIComponent(account)}` : '/');
  window.scrollTo(0, 0);
  route();
}

async function start(session) {
  showSession(session);
  await route();
}

// The token never reaches the server's logs or the history: it is read from the fragment
// (which browsers do not send), then the fragment is cleared before anything else happens.
async function signInFromFragment() {
  const token = new URLSearchParams(location.hash.slice(1)).get('token');
  if (!token) return false;
  history.replaceState(null, '', location.pathname + location.search);
  try {
    await start(await signIn(token));
  } catch (error) {
    showSignIn(error.message);
  }
  return true;
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  $('token').value = '';
  try {
    await start(await signIn(token));
  } catch (error) {
    showSignIn(error.message);
  }
});

$('sign-out').addEventListener('click', async () => {
  await signOut();
  showSignIn('Signed out.');
});

window.addEventListener('popstate', route);

if (!(await signInFromFragment())) {
  try {
    await start(await currentSession());
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) showSignIn();
    else showError(error);
  }
}
