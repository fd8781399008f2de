import { describe, expect, it } from 'vitest';
import { createEventCatalog, eventCatalog } from '#domain/alert/event-catalog.ts';

describe('event-catalog', () => {
  it('holds the 316 events of the pinned Commander commit, sorted and unique', () => {
    // Act
    const events = eventCatalog.events.map((e) => e.event);

    // Assess
    expect(events).toHaveLength(316);
    expect(new Set(events).size).toBe(316);
    expect(events).toEqual([...events].sort());
    expect(eventCatalog.source).toContain('040221b06d900aa8274f8b9f94ed02a7ed356951');
  });

  it('looks up title and category of an event', () => {
    // Act / Assess
    expect(eventCatalog.lookup('login_failure')).toEqual({
      event: 'login_failure',
      category: 'login',
      title: 'Failed Login',
    });
    expect(eventCatalog.lookup('bw_record_high_risk')?.category).toBe('breachwatch');
    expect(eventCatalog.lookup('audit_alert_resumed')?.title).toBe('Resumed Alert');
  });

  it('gives events without a known category the category unknown', () => {
    // Act / Assess
    expect(eventCatalog.lookup('msp_changes_mc_seats')?.category).toBe('unknown');
    expect(eventCatalog.events.every((e) => e.category !== '' && e.title !== '')).toBe(true);
  });

  it('answers undefined for events it does not know, including Object.prototype names', () => {
    // Act / Assess
    expect(eventCatalog.lookup('event_record_rotation_scheduled_ok')).toBeUndefined();
    expect(eventCatalog.lookup('constructor')).toBeUndefined();
  });

  it('lists the sorted distinct categories', () => {
    // Act
    const { categories } = eventCatalog;

    // Assess
    expect(categories).toEqual([...categories].sort());
    expect(categories).toEqual(
      expect.arrayContaining(['breachwatch', 'login', 'policy', 'security', 'share', 'ksm', 'unknown']),
    );
    expect(new Set(categories).size).toBe(categories.length);
  });

  it('sorts entries given in any order', () => {
    // Act
    const catalog = createEventCatalog('test', [
      { event: 'b', category: 'y', title: 'B' },
      { event: 'a', category: 'x', title: 'A' },
    ]);

    // Assess
    expect(catalog.events.map((e) => e.event)).toEqual(['a', 'b']);
    expect(catalog.categories).toEqual(['x', 'y']);
  });
});
