/**
 * Rules → grouping settings that hold for every rule: counter-event pairs (an event and the event
 * that undoes it close the issue again; Keeper's pairs are shown and can be restored), the
 * resolutions that mean "not a problem", the issue fields that show a group's count and last
 * alert, and how long the original of a redacted alert is kept.
 */
import type { FieldDto } from '#shared/admin-api-types.ts';
import { chipInput } from '../chip-input.ts';
import { lozenge } from '../components.ts';
import { confirmAction } from '../confirm-dialog.ts';
import { h, mount, option, uid } from '../dom.ts';
import { errorMessages, type Field, field } from '../form-helpers.ts';
import { eventLabel, resolveRuleChoice } from '../rule-choice.ts';
import {
  type CounterEventDraft,
  DEFAULT_WONT_DO_RESOLUTIONS,
  KEEPER_COUNTER_EVENTS,
  keeperCounterEvents,
  type SettingsDraft,
} from '../rule-draft.ts';
import { LIMITS } from '../rule-validation.ts';
import { type ConditionCatalogue, pathChips } from './condition-builder.ts';
import type { ErrorTarget } from './rules-context.ts';

/** Fields of the saved create screens of one kind (`number`, `date-time`), each once, by name. */
export function fieldsOfType(fieldMeta: Record<string, FieldDto[]>, type: string): FieldDto[] {
  const byId = new Map<string, FieldDto>();
  for (const fields of Object.values(fieldMeta))
    for (const f of fields) if (f.type === type && !byId.has(f.id)) byId.set(f.id, f);
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

function isKeeperPair(pair: CounterEventDraft): boolean {
  return KEEPER_COUNTER_EVENTS.some(
    (k) => k.open === pair.open && k.close === pair.close && k.key.join(',') === pair.key.join(','),
  );
}

function target(path: string, f: Field): ErrorTarget {
  return { path, show: (m) => f.setErrors(m), focus: () => f.control.focus() };
}

export function groupingSettings(
  settings: SettingsDraft,
  cat: ConditionCatalogue,
): { element: HTMLElement; targets(): ErrorTarget[] } {
  const { ctx } = cat;
  const vocabulary = { events: ctx.events, categories: ctx.categories };
  const eventListId = uid('counter-events');
  const eventList = h(
    'datalist',
    { id: eventListId },
    ctx.events.map((e) => option(e.event, eventLabel(e))),
  );

  interface PairRow {
    element: HTMLElement;
    targets(prefix: string): ErrorTarget[];
  }
  const rows: PairRow[] = [];
  const list = h('ol', { class: 'pairs', id: 'counter-event-pairs' });
  const empty = h('p', { class: 'muted small' }, 'No pairs: no issue is closed by a later event.');

  const eventInput = (
    label: string,
    value: string,
    onChange: (code: string) => void,
  ): { f: Field; input: HTMLInputElement } => {
    const input = h('input', {
      type: 'text',
      class: 'input input--mono',
      value,
      list: eventListId,
      placeholder: 'Search events',
      autocomplete: 'off',
      spellcheck: 'false',
    });
    const f = field(label, input);
    input.addEventListener('input', () => {
      onChange(input.value.trim());
      f.setErrors([]);
    });
    // A title picked from the list is stored as its code.
    input.addEventListener('change', () => {
      if (input.value.trim() === '') return;
      const choice = resolveRuleChoice('event', input.value, vocabulary);
      if (choice.ok) {
        input.value = choice.value;
        onChange(choice.value);
      } else f.setErrors([choice.message]);
    });
    return { f, input };
  };

  const pairsSummary = h('summary', { class: 'disclosure__summary', id: 'counter-events-summary' });
  const pairsDetails = h('details', { class: 'disclosure', id: 'counter-events-details' }, pairsSummary);
  const renumber = (): void => {
    const pairs = settings.counterEvents;
    const keeper = pairs.length === KEEPER_COUNTER_EVENTS.length && pairs.every(isKeeperPair);
    pairsSummary.textContent = `${pairs.length} ${pairs.length === 1 ? 'pair' : 'pairs'}${keeper ? ', Keeper’s own' : ''}: show and edit`;
    empty.hidden = settings.counterEvents.length > 0;
    rows.forEach((row, index) => {
      row.element.querySelector('.pair__remove')?.setAttribute('aria-label', `Remove pair ${index + 1}`);
      const pair = settings.counterEvents[index];
      const badge = row.element.querySelector<HTMLElement>('.pair__keeper');
      if (badge && pair) badge.hidden = !isKeeperPair(pair);
    });
  };

  const rowFor = (pair: CounterEventDraft): PairRow => {
    const open = eventInput('Opening event', pair.open, (code) => {
      pair.open = code;
      renumber();
    });
    const close = eventInput('Closing event', pair.close, (code) => {
      pair.close = code;
      renumber();
    });
    const key = pathChips(
      cat,
      'Same values of',
      pair.key,
      (v) => {
        pair.key = v;
        renumber();
      },
      'Empty: any closing event closes the latest open issue of the pair.',
    );
    const remove = h('button', { type: 'button', class: 'button button--subtle button--small pair__remove' }, 'Remove');
    const errors = h('div', { class: 'field__errors' });
    const element = h(
      'li',
      { class: 'pair' },
      h('div', { class: 'pair__events' }, open.f.element, close.f.element),
      key.element,
      h(
        'div',
        { class: 'pair__tools' },
        lozenge('Keeper default', 'default', { class: 'lozenge lozenge--default pair__keeper' }),
        remove,
      ),
      errors,
    );
    const row: PairRow = {
      element,
      targets: (prefix) => [
        { path: prefix, show: (m) => errorMessages(errors, m), focus: () => open.input.focus() },
        target(`${prefix}.open`, open.f),
        target(`${prefix}.close`, close.f),
        target(`${prefix}.key`, key),
      ],
    };
    remove.addEventListener('click', () => {
      const index = rows.indexOf(row);
      rows.splice(index, 1);
      settings.counterEvents.splice(index, 1);
      element.remove();
      renumber();
      (rows[Math.min(index, rows.length - 1)]?.element.querySelector('input') ?? addPair).focus();
      list.dispatchEvent(new Event('change', { bubbles: true }));
    });
    return row;
  };

  const drawPairs = (): void => {
    rows.splice(0, rows.length, ...settings.counterEvents.map(rowFor));
    mount(
      list,
      rows.map((r) => r.element),
    );
    renumber();
  };

  const addPair = h('button', { type: 'button', class: 'button button--small', id: 'add-counter-pair' }, '+ Add pair');
  addPair.addEventListener('click', () => {
    const pair: CounterEventDraft = { open: '', close: '', key: [] };
    settings.counterEvents.push(pair);
    const row = rowFor(pair);
    rows.push(row);
    list.appendChild(row.element);
    renumber();
    row.element.querySelector('input')?.focus();
  });
  const restorePairs = h(
    'button',
    { type: 'button', class: 'button button--subtle button--small', id: 'restore-counter-pairs' },
    'Restore Keeper’s pairs',
  );
  restorePairs.addEventListener('click', () => {
    void (async () => {
      const ok = await confirmAction({
        title: 'Restore Keeper’s counter-event pairs?',
        message: `The ${KEEPER_COUNTER_EVENTS.length} pairs Keeper defines replace the list below. Nothing changes until you save.`,
        confirmLabel: 'Restore pairs',
      });
      if (!ok) return;
      settings.counterEvents.splice(0, settings.counterEvents.length, ...keeperCounterEvents());
      drawPairs();
      list.dispatchEvent(new Event('change', { bubbles: true }));
      restorePairs.focus();
    })();
  });
  drawPairs();

  // --- Won't-do resolutions -----------------------------------------------------------------------
  const wontDo = chipInput({
    label: 'Resolutions that mean “not a problem”',
    hint: 'A repeat whose issue was resolved with one of these starts a new linked issue instead of reopening it. Names as in Jira.',
    values: settings.wontDoResolutions,
    placeholder: 'Type a resolution and press Enter',
    onChange: (v) => {
      settings.wontDoResolutions = v;
    },
  });
  const restoreWontDo = h(
    'button',
    { type: 'button', class: 'button button--subtle button--small' },
    'Restore defaults',
  );
  restoreWontDo.addEventListener('click', () => wontDo.setValues(DEFAULT_WONT_DO_RESOLUTIONS));

  // --- Group fields ---------------------------------------------------------------------------------
  const fieldSelect = (type: string, chosen: string, none: string): HTMLSelectElement => {
    const fields = fieldsOfType(ctx.config.fieldMeta, type);
    return h(
      'select',
      { class: 'input' },
      option('', none, !chosen),
      fields.map((f) => option(f.id, f.name, f.id === chosen)),
      chosen && !fields.some((f) => f.id === chosen)
        ? option(chosen, `${chosen} (not on the saved screens)`, true)
        : null,
    );
  };
  const occurrences = fieldSelect('number', settings.occurrencesFieldId, 'None');
  const lastSeen = fieldSelect('date-time', settings.lastSeenFieldId, 'None');
  const occurrencesField = field(
    'Occurrences field (number)',
    occurrences,
    'Kept equal to the number of alerts in the group.',
  );
  const lastSeenField = field('Last seen field (date-time)', lastSeen, 'Kept equal to the time of the newest alert.');
  occurrences.addEventListener('change', () => {
    settings.occurrencesFieldId = occurrences.value;
    occurrencesField.setErrors([]);
  });
  lastSeen.addEventListener('change', () => {
    settings.lastSeenFieldId = lastSeen.value;
    lastSeenField.setErrors([]);
  });

  // --- Retention ---------------------------------------------------------------------------------
  const retention = h('input', {
    type: 'number',
    class: 'input input--number',
    inputmode: 'numeric',
    min: LIMITS.redactionRetentionDays.min,
    max: LIMITS.redactionRetentionDays.max,
    step: 1,
    value: settings.redactionRetentionDays,
    id: 'redaction-retention-days',
  });
  const retentionField = field(
    'Keep the original of redacted alerts (days)',
    retention,
    'The relay keeps the unredacted alert this long for investigations, then deletes it. 0 keeps none.',
  );
  retention.addEventListener('input', () => {
    settings.redactionRetentionDays = retention.value;
    retentionField.setErrors([]);
  });

  const pairsErrors = h('div', { class: 'field__errors' });
  pairsDetails.append(list, empty, h('div', { class: 'form__actions form__actions--start' }, addPair, restorePairs));
  /** A problem on a pair opens the list, so its message is seen. */
  const opening = (t: ErrorTarget): ErrorTarget => ({
    ...t,
    show: (m) => {
      if (m.length > 0) pairsDetails.open = true;
      t.show(m);
    },
  });
  return {
    element: h(
      'div',
      { class: 'grouping-settings' },
      eventList,
      h('h3', { class: 'subheading', id: 'counter-events-title' }, 'Counter-event pairs'),
      h(
        'p',
        { class: 'muted small' },
        'When the closing event arrives with the same values as the opening one, the relay closes the opening event’s issue.',
      ),
      pairsDetails,
      pairsErrors,
      h('h3', { class: 'subheading' }, 'Resolved issues'),
      wontDo.element,
      h('div', { class: 'form__actions form__actions--start' }, restoreWontDo),
      h('h3', { class: 'subheading' }, 'Group fields on the issue'),
      h('div', { class: 'form__grid' }, occurrencesField.element, lastSeenField.element),
      h('h3', { class: 'subheading' }, 'Redacted alerts'),
      retentionField.element,
    ),
    targets: () => [
      opening({ path: 'counterEvents', show: (m) => errorMessages(pairsErrors, m), focus: () => addPair.focus() }),
      ...rows.flatMap((row, index) => row.targets(`counterEvents.${index}`).map(opening)),
      target('wontDoResolutions', wontDo),
      target('groupFields', occurrencesField),
      target('groupFields.occurrencesFieldId', occurrencesField),
      target('groupFields.lastSeenFieldId', lastSeenField),
      target('redactionRetentionDays', retentionField),
    ],
  };
}
