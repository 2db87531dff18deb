import '../shared/page.css';
import './console.css';
import { Dashboard } from './dashboard';
import { byId } from './dom';
import type { ApiRequestError } from './graphql-client';
import { ConsoleApi, forgetKey, refusalText, storedKey, storeKey } from './session';

/**
 * The operator console (issue 16): sign in with an operator or admin API key (kept in this tab's
 * sessionStorage only), then watch health, queues, GitHub budgets, ranking runs, harvests and
 * errors, live through the public GraphQL API.
 */
const signIn = byId<HTMLFormElement>('sign-in');
const keyInput = byId<HTMLInputElement>('api-key');
const signInError = byId('sign-in-error');
const consoleSection = byId('console');
const signOut = byId<HTMLButtonElement>('sign-out');
const announcer = byId('announcer');

let dashboard: Dashboard | undefined;

function announce(text: string): void {
  // A fresh node per message, so screen readers read repeated texts too; the last few are kept.
  const line = document.createElement('p');
  line.textContent = text;
  announcer.append(line);
  while (announcer.childElementCount > 5) announcer.firstElementChild?.remove();
}

function showSignIn(message = ''): void {
  dashboard?.stop();
  dashboard = undefined;
  consoleSection.hidden = true;
  signOut.hidden = true;
  const live = byId('live-status');
  live.textContent = 'Not signed in';
  live.className = 'live live-off';
  signIn.hidden = false;
  signInError.textContent = message;
  keyInput.setAttribute('aria-invalid', message ? 'true' : 'false');
  keyInput.focus();
}

async function open(key: string): Promise<void> {
  const next = new Dashboard(new ConsoleApi(key), announce, (error: ApiRequestError) => {
    forgetKey();
    showSignIn(refusalText(error));
  });
  signInError.textContent = '';
  byId('sign-in-submit').setAttribute('aria-busy', 'true');
  try {
    await next.start();
  } catch (error) {
    next.stop();
    forgetKey();
    showSignIn(refusalText(error));
    return;
  } finally {
    byId('sign-in-submit').removeAttribute('aria-busy');
  }
  storeKey(key);
  dashboard = next;
  consoleSection.hidden = false;
  signIn.hidden = true;
  signOut.hidden = false;
  keyInput.value = '';
  byId('console-heading').focus();
  announce('Signed in');
  // bench/console-paint.ts reads this: from navigation start to every section filled.
  performance.mark('console-ready');
}

signIn.addEventListener('submit', (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  if (!key) return showSignIn('Enter an API key.');
  void open(key);
});

signOut.addEventListener('click', () => {
  forgetKey();
  showSignIn();
  announce('Signed out');
});

const remembered = storedKey();
if (remembered) void open(remembered);
