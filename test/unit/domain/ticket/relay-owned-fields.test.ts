import { describe, expect, it } from 'vitest';
import { RELAY_DECIDED_FIELDS, RELAY_FILLED_FIELDS } from '#domain/ticket/relay-owned-fields.ts';

describe('relay-owned-fields', () => {
  it('refuses mappings to project, issue type and parent only', () => {
    // Act / Assess
    expect([...RELAY_DECIDED_FIELDS].sort()).toEqual(['issuetype', 'parent', 'project']);
  });

  it('counts every field the relay decides as filled, and summary, description and labels too', () => {
    // Act / Assess
    expect([...RELAY_DECIDED_FIELDS].every((id) => RELAY_FILLED_FIELDS.has(id))).toBe(true);
    expect([...RELAY_FILLED_FIELDS].sort()).toEqual([
      'description',
      'issuetype',
      'labels',
      'parent',
      'project',
      'summary',
    ]);
    expect(RELAY_FILLED_FIELDS.has('priority')).toBe(false);
  });
});
