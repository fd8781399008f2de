import { describe, expect, it } from 'vitest';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { Clause, Condition } from '#domain/relay-config.ts';
import {
  clauseMatches,
  compiledPattern,
  conditionMatches,
  fieldText,
  inCidr,
  parseCidr,
  patternProblem,
} from '#domain/routing/rule-conditions.ts';

const alert = parseAlertBody(
  JSON.stringify({
    alert_name: 'Failed logins',
    audit_event: 'login_failure',
    username: 'alice@example.com',
    remote_address: '203.0.113.7',
    enterprise_id: 8512,
    mfa: true,
    blank: '   ',
    nothing: null,
    tags: ['a', 'b'],
    event: { record_uid: 'rec-1', node: { id: 42 } },
  }),
);

function field(path: string, op: Extract<Clause, { kind: 'field' }>['op'], ...values: string[]): Clause {
  return { kind: 'field', path, op, values };
}

describe('rule-conditions', () => {
  describe('clauseMatches', () => {
    it('matches an event or a category in a set', () => {
      // Act / Assess
      expect(clauseMatches({ kind: 'event', in: ['login_success', 'login_failure'] }, alert)).toBe(true);
      expect(clauseMatches({ kind: 'event', in: ['login_success'] }, alert)).toBe(false);
      // The category comes from Keeper's event catalog when the payload has none.
      expect(clauseMatches({ kind: 'category', in: ['login'] }, alert)).toBe(true);
      expect(clauseMatches({ kind: 'category', in: ['policy'] }, alert)).toBe(false);
    });

    it('compares a field with equals and in', () => {
      // Act / Assess
      expect(clauseMatches(field('username', 'equals', 'alice@example.com'), alert)).toBe(true);
      expect(clauseMatches(field('username', 'equals', 'ALICE@example.com'), alert)).toBe(false);
      expect(clauseMatches(field('username', 'in', 'bob@example.com', 'alice@example.com'), alert)).toBe(true);
      expect(clauseMatches(field('username', 'in', 'bob@example.com'), alert)).toBe(false);
    });

    it('compares numbers and booleans as the text JSON writes for them', () => {
      // Act / Assess
      expect(clauseMatches(field('enterprise_id', 'equals', '8512'), alert)).toBe(true);
      expect(clauseMatches(field('enterprise_id', 'equals', '8512.0'), alert)).toBe(false);
      expect(clauseMatches(field('enterprise_id', 'matches', '85\\d\\d'), alert)).toBe(true);
      expect(clauseMatches(field('mfa', 'equals', 'true'), alert)).toBe(true);
      expect(clauseMatches(field('event.node.id', 'in', '41', '42'), alert)).toBe(true);
    });

    it('matches nothing for a missing, blank, null or non-scalar field', () => {
      // Act / Assess
      for (const path of ['missing', 'blank', 'nothing', 'tags', 'event', 'event.node']) {
        expect(clauseMatches(field(path, 'equals', ''), alert), path).toBe(false);
        expect(clauseMatches(field(path, 'matches', '.*'), alert), path).toBe(false);
      }
    });

    it('matches a pattern against the whole value only', () => {
      // Act / Assess
      expect(clauseMatches(field('username', 'matches', '.*@example\\.com'), alert)).toBe(true);
      expect(clauseMatches(field('username', 'matches', 'example'), alert)).toBe(false);
      expect(clauseMatches(field('username', 'matches', 'bob.*', 'alice.*'), alert)).toBe(true);
    });

    it('treats a pattern that does not compile as matching nothing', () => {
      // Act / Assess
      expect(clauseMatches(field('username', 'matches', '(unclosed'), alert)).toBe(false);
      expect(clauseMatches(field('username', 'matches', '(unclosed', 'alice.*'), alert)).toBe(true);
      expect(compiledPattern('(unclosed')).toBeUndefined();
      expect(compiledPattern('a'.repeat(501))).toBeUndefined();
    });

    it('matches an address inside a CIDR range, IPv4 and IPv6', () => {
      // Act / Assess
      expect(clauseMatches(field('remote_address', 'cidr', '203.0.113.0/24'), alert)).toBe(true);
      expect(clauseMatches(field('remote_address', 'cidr', '10.0.0.0/8', '203.0.113.7'), alert)).toBe(true);
      expect(clauseMatches(field('remote_address', 'cidr', '203.0.114.0/24'), alert)).toBe(false);
      expect(clauseMatches(field('remote_address', 'cidr', 'not a range'), alert)).toBe(false);
      expect(clauseMatches(field('username', 'cidr', '0.0.0.0/0'), alert)).toBe(false);
    });

    it('reads paths in a nested event that arrived as JSON text', () => {
      // Prepare
      const nested = parseAlertBody(JSON.stringify({ event: JSON.stringify({ record_uid: 'rec-9', username: 'bo' }) }));

      // Act / Assess
      expect(clauseMatches(field('event.record_uid', 'equals', 'rec-9'), nested)).toBe(true);
      expect(clauseMatches(field('username', 'equals', 'bo'), nested)).toBe(true);
    });

    it('never matches a field of an unparsed body', () => {
      // Prepare
      const unparsed = parseAlertBody('username=alice');

      // Act / Assess
      expect(clauseMatches(field('username', 'matches', '.*'), unparsed)).toBe(false);
      expect(clauseMatches({ kind: 'event', in: ['unknown'] }, unparsed)).toBe(true);
    });
  });

  describe('fieldText', () => {
    it('prefers the top level, trims text, and falls back to the nested event when the top level is blank', () => {
      // Prepare
      const both = parseAlertBody(JSON.stringify({ username: ' ', event: { username: ' bo ' } }));

      // Act / Assess
      expect(fieldText(both, 'username')).toBe('bo');
      expect(fieldText(alert, 'event.record_uid')).toBe('rec-1');
      expect(fieldText(alert, 'record_uid')).toBe('rec-1');
    });
  });

  describe('conditionMatches', () => {
    it('combines clauses with all and any', () => {
      // Prepare
      const event: Clause = { kind: 'event', in: ['login_failure'] };
      const other: Clause = field('username', 'equals', 'bob@example.com');

      // Act / Assess
      expect(conditionMatches({ match: 'all', clauses: [event, other] }, alert)).toBe(false);
      expect(conditionMatches({ match: 'any', clauses: [event, other] }, alert)).toBe(true);
      expect(conditionMatches({ match: 'any', clauses: [other] }, alert)).toBe(false);
    });

    it('evaluates a nested group as one clause', () => {
      // Prepare: login_failure AND (from 10/8 OR from 203.0.113/24)
      const condition: Condition = {
        match: 'all',
        clauses: [
          { kind: 'event', in: ['login_failure'] },
          {
            match: 'any',
            clauses: [field('remote_address', 'cidr', '10.0.0.0/8'), field('remote_address', 'cidr', '203.0.113.0/24')],
          },
        ],
      };
      const elsewhere = parseAlertBody(
        JSON.stringify({ audit_event: 'login_failure', remote_address: '198.51.100.1' }),
      );

      // Act / Assess
      expect(conditionMatches(condition, alert)).toBe(true);
      expect(conditionMatches(condition, elsewhere)).toBe(false);
      expect(
        conditionMatches(
          { match: 'any', clauses: [{ match: 'all', clauses: [field('missing', 'equals', 'x')] }] },
          alert,
        ),
      ).toBe(false);
    });
  });

  describe('inCidr', () => {
    it('matches IPv4 ranges, bare addresses and /0', () => {
      // Act / Assess
      expect(inCidr('10.1.2.3', '10.0.0.0/8')).toBe(true);
      expect(inCidr('11.1.2.3', '10.0.0.0/8')).toBe(false);
      expect(inCidr('10.1.2.3', '10.1.2.3')).toBe(true);
      expect(inCidr('10.1.2.4', '10.1.2.3')).toBe(false);
      expect(inCidr('192.0.2.1', '0.0.0.0/0')).toBe(true);
      // Host bits in the range are ignored, as routers do.
      expect(inCidr('10.9.9.9', '10.1.2.3/8')).toBe(true);
      expect(inCidr(' 10.1.2.3 ', '10.0.0.0/8')).toBe(true);
    });

    it('matches IPv6 ranges, compressed or not', () => {
      // Act / Assess
      expect(inCidr('2001:db8::1', '2001:db8::/32')).toBe(true);
      expect(inCidr('2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::/32')).toBe(true);
      expect(inCidr('2001:db9::1', '2001:db8::/32')).toBe(false);
      expect(inCidr('::1', '::1/128')).toBe(true);
      expect(inCidr('fe80::1', '::/0')).toBe(true);
      expect(inCidr('2001:DB8::ABCD', '2001:db8::abcd')).toBe(true);
    });

    it('matches an IPv4-mapped IPv6 address against IPv4 ranges and the other way round', () => {
      // Act / Assess
      expect(inCidr('::ffff:10.1.2.3', '10.0.0.0/8')).toBe(true);
      expect(inCidr('::ffff:a01:203', '10.0.0.0/8')).toBe(true);
      expect(inCidr('::ffff:11.1.2.3', '10.0.0.0/8')).toBe(false);
      expect(inCidr('10.1.2.3', '::ffff:10.0.0.0/104')).toBe(true);
      expect(inCidr('11.1.2.3', '::ffff:10.0.0.0/104')).toBe(false);
    });

    it('never matches across families otherwise', () => {
      // Act / Assess
      expect(inCidr('2001:db8::1', '0.0.0.0/0')).toBe(false);
      expect(inCidr('10.1.2.3', '2001:db8::/32')).toBe(false);
      // ::a01:203 is not IPv4-mapped (no ffff), so it is not 10.1.2.3.
      expect(inCidr('::a01:203', '10.0.0.0/8')).toBe(false);
    });

    it('matches nothing for a value that is not an address', () => {
      // Act / Assess
      expect(inCidr('alice', '0.0.0.0/0')).toBe(false);
      expect(inCidr('10.1.2', '0.0.0.0/0')).toBe(false);
      expect(inCidr('', '::/0')).toBe(false);
    });
  });

  describe('parseCidr', () => {
    it('parses ranges and bare addresses', () => {
      // Act / Assess
      expect(parseCidr('10.0.0.0/8')).toEqual({ bits: 0x0a000000n, prefix: 8, width: 32 });
      expect(parseCidr('192.0.2.1')).toMatchObject({ prefix: 32, width: 32 });
      expect(parseCidr('2001:db8::/32')).toMatchObject({ prefix: 32, width: 128 });
      expect(parseCidr('::1')).toMatchObject({ bits: 1n, prefix: 128, width: 128 });
      expect(parseCidr('1:2:3:4:5:6:7::')).toMatchObject({ bits: 0x0001000200030004000500060007_0000n, width: 128 });
      expect(parseCidr('::')).toMatchObject({ bits: 0n, prefix: 128 });
      expect(parseCidr('::ffff:192.0.2.1')).toMatchObject({ bits: 0xffff_c000_0201n, width: 128 });
    });

    it.each([
      '10.0.0.0/33',
      '10.0.0.0/',
      '10.0.0.0/-1',
      '10.0.0.0/8/8',
      '10.0.0.0/x',
      '256.0.0.0/8',
      '10.0.0/8',
      '2001:db8::/129',
      '2001:db8:::/32',
      'example.com/8',
      '010.0.0.0/8',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7',
      '1::2::3',
      ':1::',
      '12345::',
      '::ffff:1.2.3',
      '',
    ])('refuses %j', (range) => {
      // Act / Assess
      expect(parseCidr(range)).toBeUndefined();
    });
  });

  describe('patternProblem', () => {
    it('accepts a valid pattern and explains an invalid or overlong one', () => {
      // Act / Assess
      expect(patternProblem('alice.*@example\\.com')).toBeUndefined();
      expect(patternProblem('(unclosed')).toMatch(/^is not a valid regular expression/);
      expect(patternProblem('a'.repeat(501))).toBe('is longer than 500 characters');
    });
  });
});
