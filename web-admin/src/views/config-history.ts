/**
 * "Change history": who saved which configuration version, when, and what it changed.
 */
import type { ConfigVersionDto } from '#shared/admin-api-types.ts';
import { api, describeError } from '../api-client.ts';
import { sectionMessage } from '../components.ts';
import { formatTime, h, mount, skeleton } from '../dom.ts';

function versionRow(version: ConfigVersionDto): HTMLElement {
  return h(
    'li',
    { class: 'history__item' },
    h('span', { class: 'history__version' }, `v${version.version}`),
    h('span', { class: 'history__meta muted' }, `${formatTime(version.updatedAt)} · ${version.updatedBy.displayName}`),
    h('span', { class: 'history__summary' }, version.summary),
  );
}

/** A card that loads the history when created. */
export function configHistoryCard(): HTMLElement {
  const body = h('div', { 'aria-live': 'polite' }, skeleton(2));
  const card = h(
    'section',
    { class: 'card section', 'aria-labelledby': 'config-history-title', id: 'config-history' },
    h('h2', { id: 'config-history-title', class: 'section__title' }, 'Change history'),
    h('p', { class: 'section__intro muted' }, 'Every saved version, newest first, with who saved it and what changed.'),
    body,
  );
  void api
    .configHistory()
    .then(({ versions }) => {
      body.replaceChildren();
      if (versions.length === 0) mount(body, h('p', { class: 'muted' }, 'No configuration saved yet.'));
      else mount(body, h('ol', { class: 'history' }, versions.slice(0, 20).map(versionRow)));
    })
    .catch((error: unknown) => {
      body.replaceChildren(
        sectionMessage('warning', { title: 'The history could not be loaded' }, describeError(error)),
      );
    });
  return card;
}
