/**
 * Runs first (main.ts imports it before anything else): marks what the browser lacks so the CSS can
 * fall back, and turns any unexpected script error into a message on the page. A silent no-op is
 * the worst failure an admin page can have: the admin believes a token was revoked when it was not.
 */
import { notify } from './notifications.ts';

/** Flex `gap` cannot be feature-queried in CSS; measure it (Safari / iOS before 14.1 / 14.5 lack it). */
export function supportsFlexGap(): boolean {
  const probe = document.createElement('div');
  probe.style.display = 'flex';
  probe.style.flexDirection = 'column';
  probe.style.rowGap = '1px';
  probe.style.position = 'absolute';
  probe.style.visibility = 'hidden';
  probe.appendChild(document.createElement('div'));
  probe.appendChild(document.createElement('div'));
  document.body.appendChild(probe);
  const works = probe.scrollHeight === 1;
  probe.remove();
  return works;
}

const UNEXPECTED =
  'Something went wrong in this page and your last action may not have finished. Reload the page and check the result; if it happens again, tell the team that runs the relay.';

/** Shows one error flag for unexpected script errors (not one per error: a loop would flood the page). */
export function reportUnexpectedError(detail: unknown): void {
  const name = detail instanceof Error ? detail.name : typeof detail;
  // Kept in the console for whoever debugs it; the flag itself stays in an admin's words.
  console.error('Unexpected error in the admin site', name, detail);
  notify('error', UNEXPECTED, { label: 'Reload', run: () => window.location.reload() }, 'unexpected-error');
}

export function installBrowserSupport(): void {
  if (!supportsFlexGap()) document.documentElement.classList.add('no-flex-gap');
  window.addEventListener('error', (event) => reportUnexpectedError(event.error ?? event.message));
  window.addEventListener('unhandledrejection', (event) => reportUnexpectedError(event.reason));
}

installBrowserSupport();
