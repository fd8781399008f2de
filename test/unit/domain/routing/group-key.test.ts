import { describe, expect, it } from 'vitest';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { KEEPER_COUNTER_EVENTS } from '#domain/relay-config.ts';
import { counterpartId, groupOf, hourOf, pairClosedBy, pairOpenedBy, stormGroupOf } from '#domain/routing/group-key.ts';

const body = (fields: Record<string, unknown>) => parseAlertBody(JSON.stringify(fields));
const KEY = ['audit_event', 'username'];

describe('group-key', () => {
  describe('groupOf', () => {
    it('gives the same 32-hex id for the same rule and key values, whatever else differs', () => {
      // Prepare
      const first = body({ audit_event: 'login_failure', username: 'alice', remote_address: '10.0.0.1' });
      const second = body({ remote_address: '10.0.0.2', username: 'alice', audit_event: 'login_failure' });

      // Act
      const a = groupOf(first, 'logins', KEY);
      const b = groupOf(second, 'logins', KEY);

      // Assess
      expect(a.groupId).toMatch(/^[0-9a-f]{32}$/);
      expect(b.groupId).toBe(a.groupId);
      expect(a.key).toEqual({ audit_event: 'login_failure', username: 'alice' });
    });

    it('gives other ids for other key values, another rule or another key', () => {
      // Prepare
      const alice = body({ audit_event: 'login_failure', username: 'alice' });
      const bob = body({ audit_event: 'login_failure', username: 'bob' });

      // Act
      const ids = [
        groupOf(alice, 'logins', KEY).groupId,
        groupOf(bob, 'logins', KEY).groupId,
        groupOf(alice, 'other-rule', KEY).groupId,
        groupOf(alice, 'logins', ['username']).groupId,
      ];

      // Assess
      expect(new Set(ids).size).toBe(ids.length);
    });

    it('reads missing fields as empty and the event of an unparsed body as unknown', () => {
      // Prepare
      const noUser = body({ audit_event: 'login_failure' });
      const unparsed = parseAlertBody('not json');

      // Act / Assess
      expect(groupOf(noUser, 'logins', KEY).key).toEqual({ audit_event: 'login_failure', username: '' });
      expect(groupOf(unparsed, 'logins', KEY).key).toEqual({ audit_event: 'unknown', username: '' });
      // A blank value is a missing one (Keeper sends a variable without value as "").
      expect(groupOf(body({ audit_event: 'login_failure', username: '  ' }), 'logins', KEY).groupId).toBe(
        groupOf(noUser, 'logins', KEY).groupId,
      );
    });

    it('reads the resolved category and nested event fields, like mappings', () => {
      // Prepare
      const alert = body({ audit_event: 'login_failure', event: { record_uid: 'r1' } });

      // Act / Assess
      expect(groupOf(alert, 'r', ['category', 'event.record_uid']).key).toEqual({
        category: 'login',
        'event.record_uid': 'r1',
      });
    });

    it('keeps paths and values apart whatever separators they contain', () => {
      // Prepare: the same text once split as path "a=b" + value "c", once as path "a" + value "b=c".
      const first = groupOf(body({ 'a=b': 'c' }), 'r', ['a=b']);
      const second = groupOf(body({ a: 'b=c' }), 'r', ['a']);
      const third = groupOf(body({ x: 'a","b', y: '' }), 'r', ['x', 'y']);
      const fourth = groupOf(body({ x: 'a', y: 'b' }), 'r', ['x', 'y']);
      const fifth = groupOf(body({ x: 'a\nb', y: 'c' }), 'r', ['x', 'y']);
      const sixth = groupOf(body({ x: 'a', y: 'b\nc' }), 'r', ['x', 'y']);

      // Act / Assess
      expect(first.groupId).not.toBe(second.groupId);
      expect(third.groupId).not.toBe(fourth.groupId);
      expect(fifth.groupId).not.toBe(sixth.groupId);
    });

    it('keeps a key path named like an Object.prototype property as an ordinary key', () => {
      // Prepare
      const alert = parseAlertBody('{"__proto__":"x","constructor":"y"}');

      // Act
      const group = groupOf(alert, 'r', ['__proto__', 'constructor']);

      // Assess
      expect(Object.hasOwn(group.key, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(group.key, '__proto__')?.value).toBe('x');
      expect(group.key['constructor']).toBe('y');
      expect(
        groupOf(parseAlertBody('{"__proto__":"z","constructor":"y"}'), 'r', ['__proto__', 'constructor']).groupId,
      ).not.toBe(group.groupId);
    });
  });

  describe('counterpartId', () => {
    const twoFactor = KEEPER_COUNTER_EVENTS.find((p) => p.open === 'set_two_factor_off');

    it('is shared by the opening and the closing event of the same key values', () => {
      // Prepare
      if (twoFactor === undefined) throw new Error('Keeper pair missing');
      const off = body({ audit_event: 'set_two_factor_off', username: 'alice', remote_address: '10.0.0.1' });
      const on = body({ audit_event: 'set_two_factor_on', username: 'alice' });
      const otherUser = body({ audit_event: 'set_two_factor_on', username: 'bob' });

      // Act / Assess
      expect(counterpartId(twoFactor, on)).toBe(counterpartId(twoFactor, off));
      expect(counterpartId(twoFactor, otherUser)).not.toBe(counterpartId(twoFactor, off));
      expect(counterpartId(twoFactor, off)).toMatch(/^[0-9a-f]{32}$/);
    });

    it('pairs every alert of a pair without key fields, and never ids of different pairs', () => {
      // Prepare
      const paused = KEEPER_COUNTER_EVENTS.find((p) => p.open === 'audit_alert_paused');
      const locked = KEEPER_COUNTER_EVENTS.find((p) => p.open === 'device_user_locked');
      if (paused === undefined || locked === undefined) throw new Error('Keeper pair missing');
      const pause = body({ audit_event: 'audit_alert_paused', username: 'alice' });
      const resume = body({ audit_event: 'audit_alert_resumed', username: 'bob' });

      // Act / Assess
      expect(counterpartId(paused, resume)).toBe(counterpartId(paused, pause));
      expect(counterpartId(locked, pause)).not.toBe(counterpartId(paused, pause));
    });
  });

  describe('pairOpenedBy / pairClosedBy', () => {
    it('finds the pair an event opens or closes', () => {
      // Prepare
      const off = body({ audit_event: 'set_two_factor_off' });
      const on = body({ audit_event: 'set_two_factor_on' });

      // Act / Assess
      expect(pairOpenedBy(KEEPER_COUNTER_EVENTS, off)?.close).toBe('set_two_factor_on');
      expect(pairClosedBy(KEEPER_COUNTER_EVENTS, off)).toBeUndefined();
      expect(pairClosedBy(KEEPER_COUNTER_EVENTS, on)?.open).toBe('set_two_factor_off');
      expect(pairOpenedBy(KEEPER_COUNTER_EVENTS, on)).toBeUndefined();
    });
  });

  describe('stormGroupOf / hourOf', () => {
    it('buckets by UTC hour and names one storm group per rule and hour', () => {
      // Prepare
      const hour = hourOf(new Date('2026-11-26T13:59:59.999Z'));

      // Act
      const storm = stormGroupOf('logins', hour);

      // Assess
      expect(hour).toBe('2026-11-26T13');
      expect(hourOf(new Date('2026-11-26T14:00:00.000+01:00'))).toBe('2026-11-26T13');
      expect(storm).toEqual({ groupId: expect.stringMatching(/^[0-9a-f]{32}$/), key: { rule: 'logins', hour } });
      expect(stormGroupOf('logins', hour).groupId).toBe(storm.groupId);
      expect(stormGroupOf('logins', '2026-11-26T14').groupId).not.toBe(storm.groupId);
      expect(stormGroupOf('other', hour).groupId).not.toBe(storm.groupId);
    });

    it('never gives a storm the id of a group', () => {
      // Prepare
      const alert = body({ rule: 'logins', hour: '2026-11-26T13' });

      // Act / Assess
      expect(groupOf(alert, 'logins', ['hour']).groupId).not.toBe(stormGroupOf('logins', '2026-11-26T13').groupId);
    });
  });
});
