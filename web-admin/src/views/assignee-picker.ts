/**
 * Rules → a rule's assignee, picked by name: an ARIA combobox (the pattern of `chip-input.ts`, for
 * one value) whose listbox shows the people Jira lets the relay assign issues to in the rule's
 * target project, searched as one types. It stores the account id and shows the display name. Text
 * not picked from the list is kept as an account id (the way to give one Jira does not list here);
 * the relay checks it when the rules are saved.
 */
import type { AssignableUserDto } from '#shared/admin-api-types.ts';
import { h } from '../dom.ts';
import { type Field, field } from '../form-helpers.ts';
import { suggestionList } from '../suggestion-list.ts';

export interface AssigneePickerOptions {
  accountId: string;
  /** The rule's target project, read at each search: the routed project, else the configuration's. */
  projectKey(): string;
  search(projectKey: string, query: string): Promise<AssignableUserDto[]>;
  onChange(accountId: string): void;
}

export interface AssigneePicker extends Field {
  /** The target project changed: the hint names it and a stored id is looked up there again. */
  projectChanged(): void;
}

/** Pause after the last keystroke before asking the relay, so typing a name is one search, not one per letter. */
const SEARCH_DELAY_MS = 250;
/** The route refuses longer searches. */
const MAX_QUERY = 100;

function userLabel(user: AssignableUserDto): string {
  return user.emailAddress ? `${user.displayName} (${user.emailAddress})` : user.displayName;
}

export function assigneePicker(options: AssigneePickerOptions): AssigneePicker {
  let accountId = options.accountId.trim();
  let suggestions: AssignableUserDto[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asked = 0;
  /** Text typed since the last pick: on leaving, it is either a person's full name or kept as an id. */
  let typed = false;

  const input = h('input', {
    type: 'text',
    class: 'input',
    value: accountId,
    maxlength: MAX_QUERY,
    placeholder: 'Search people by name or e-mail',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const list = suggestionList(input, 'People who can be assigned issues');
  const project = h('span', null, options.projectKey());
  const note = h('span', { class: 'assignee-picker__note' });
  const hint = h(
    'span',
    null,
    'Leave empty to let Jira decide. Picks among the people who can be assigned issues in ',
    project,
    '. ',
    note,
  );
  const f = field('Assignee', input, hint);
  const entry = h('div', { class: 'chip-input__entry' });
  input.replaceWith(entry);
  entry.append(input, list.element);

  const close = (): void => list.close();

  const store = (next: string, noteText: string): void => {
    note.textContent = noteText;
    if (next !== accountId) {
      accountId = next;
      options.onChange(next);
    }
  };

  const pick = (user: AssignableUserDto): void => {
    typed = false;
    input.value = user.displayName;
    store(user.accountId, '');
    f.setErrors([]);
    close();
  };

  const drawSuggestions = (active: number): void =>
    list.show(
      suggestions.map((user) => ({ label: userLabel(user), pick: () => pick(user) })),
      active,
    );

  const search = (text: string): void => {
    const ask = ++asked;
    options.search(options.projectKey(), text).then(
      (users) => {
        // A later keystroke asked again: only its answer is shown.
        if (ask !== asked || document.activeElement !== input) return;
        suggestions = users;
        drawSuggestions(-1);
      },
      () => {
        if (ask !== asked) return;
        suggestions = [];
        close();
        f.setErrors([`People could not be searched in ${options.projectKey()}. Try again, or type an account id.`]);
      },
    );
  };

  /** Shows the stored id by its person's name when the target project lists them. */
  const lookUp = (): void => {
    const id = accountId;
    if (id === '') return;
    const key = options.projectKey();
    options.search(key, '').then(
      (users) => {
        if (id !== accountId) return;
        const known = users.find((u) => u.accountId === id);
        if (known) {
          if (document.activeElement !== input) input.value = known.displayName;
          note.textContent = '';
        } else {
          note.textContent = `The saved account id ${id} is not among the people ${key} lists; it is kept and checked when you save.`;
        }
      },
      () => {
        if (id === accountId)
          note.textContent = `People of ${key} could not be loaded; the account id ${id} is kept and checked when you save.`;
      },
    );
  };

  input.addEventListener('input', () => {
    f.setErrors([]);
    typed = true;
    const text = input.value.trim();
    // Until a person is picked, the text is what is stored: an account id typed or pasted as is.
    store(text, '');
    clearTimeout(timer);
    if (text === '') {
      suggestions = [];
      close();
      return;
    }
    timer = setTimeout(() => search(text), SEARCH_DELAY_MS);
  });
  input.addEventListener('keydown', (event) => {
    const open = list.isOpen();
    const active = list.active();
    if (event.key === 'ArrowDown') {
      event.preventDefault();
      if (suggestions.length === 0) return;
      drawSuggestions(active + 1);
    } else if (event.key === 'ArrowUp' && open) {
      event.preventDefault();
      drawSuggestions(Math.max(active - 1, 0));
    } else if (event.key === 'Enter') {
      // Enter picks; it must never submit the form the field sits in.
      event.preventDefault();
      const chosen = open && active >= 0 ? suggestions[active] : undefined;
      if (chosen) pick(chosen);
      else close();
    } else if (event.key === 'Escape' && open) {
      event.preventDefault();
      event.stopPropagation();
      close();
    }
  });
  input.addEventListener('blur', () => {
    clearTimeout(timer);
    asked += 1;
    close();
    const text = input.value.trim().toLowerCase();
    if (!typed || text === '') return;
    // A name typed in full is that person, when exactly one matches it.
    const named = suggestions.filter(
      (u) => u.displayName.toLowerCase() === text || u.emailAddress?.toLowerCase() === text,
    );
    const only = named.length === 1 ? named[0] : undefined;
    if (only) pick(only);
    else note.textContent = 'Not picked from the list: kept as an account id, checked when you save.';
  });

  lookUp();
  return {
    ...f,
    projectChanged() {
      project.textContent = options.projectKey();
      suggestions = [];
      close();
      lookUp();
    },
  };
}
