/**
 * What the event/category input of a rule row may hold: an event of the catalogue (typed as its
 * code or picked by its title) or a known category. Free text that matches neither is refused,
 * because a rule on a misspelt event never fires and nothing would tell the administrator. Pure: no DOM.
 */
import type { EventDto } from '#shared/admin-api-types.ts';

export type RuleKind = 'event' | 'category';

export type RuleChoice = { ok: true; value: string; label: string } | { ok: false; message: string };

export interface RuleVocabulary {
  events: readonly EventDto[];
  /** Catalogue categories, plus those of the saved rules (Keeper's documented ones no event carries yet). */
  categories: readonly string[];
}

/** The label offered in the picker: title first, code after, so both can be searched. */
export function eventLabel(event: EventDto): string {
  return `${event.title} (${event.event}) · ${event.category || 'uncategorised'}`;
}

/** Resolves what was typed or picked to the code or category the rule is stored under. */
export function resolveRuleChoice(kind: RuleKind, typed: string, vocabulary: RuleVocabulary): RuleChoice {
  const text = typed.trim();
  const wanted = text.toLowerCase();
  if (text === '') return { ok: false, message: `Choose ${kind === 'event' ? 'an event' : 'a category'}.` };
  if (kind === 'category') {
    const category = vocabulary.categories.find((c) => c.toLowerCase() === wanted);
    return category !== undefined
      ? { ok: true, value: category, label: category }
      : {
          ok: false,
          message: `“${text}” is not a known category. Choose one from the list: ${vocabulary.categories.join(', ')}.`,
        };
  }
  const byCode = vocabulary.events.find((e) => e.event.toLowerCase() === wanted);
  const byLabel = vocabulary.events.find((e) => eventLabel(e).toLowerCase() === wanted);
  const byTitle = vocabulary.events.filter((e) => e.title.toLowerCase() === wanted);
  const event = byCode ?? byLabel ?? (byTitle.length === 1 ? byTitle[0] : undefined);
  if (event) return { ok: true, value: event.event, label: eventLabel(event) };
  if (byTitle.length > 1) {
    return {
      ok: false,
      message: `Several events are called “${text}” (${byTitle.map((e) => e.event).join(', ')}); type the event code.`,
    };
  }
  return {
    ok: false,
    message: `“${text}” is not an event in Keeper's catalogue. Search the list by title or code and pick one, or match on a category.`,
  };
}
