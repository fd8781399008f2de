import { describe, expect, it } from 'vitest';
import {
  fieldPaths,
  isBlankBody,
  type ParsedAlert,
  parseAlertBody,
  payloadLeaves,
  readPath,
} from '#domain/alert/keeper-alert.ts';
import { sampleAlert, sampleAlerts } from '#test-support/sample-alerts.ts';

function parsed(raw: string): ParsedAlert {
  const alert = parseAlertBody(raw);
  if (!alert.parsed) throw new Error(`expected a parsed alert, got: ${alert.reason}`);
  return alert;
}

// event, category, parsed — per sample file (categories without a payload `category` come from the catalog).
const EXPECTED: Record<string, [event: string, category: string, parsed: boolean]> = {
  '01': ['audit_alert_resumed', 'policy', true],
  '02': ['approval_request_created', 'endpoint_privilege_manager', true],
  '03': ['approval_request_created', 'endpoint_privilege_manager', true],
  '04': ['approval_request_status_changed', 'endpoint_privilege_manager', true],
  '05': ['audit_sync_setup', 'policy', true],
  '06': ['login_console', 'login', true],
  '07': ['login_console', 'login', true],
  '10': ['login_failure', 'login', true],
  '11': ['bw_record_high_risk', 'breachwatch', true],
  '12': ['role_enforcement_changed', 'policy', true],
  '13': ['record_share_outside_user', 'share', true],
  '14': ['folder_add_outside_user', 'share', true],
  '15': ['app_client_added', 'ksm', true],
  '16': ['change_master_password', 'account', true],
  '17': ['set_two_factor_off', 'security', true],
  '18': ['record_password_change', 'usage', true],
  '19': ['msp_changes_mc_seats', 'unknown', true],
  '20': ['unknown', 'unknown', true],
  '21': ['bw_record_high_risk', 'breachwatch', true],
};

describe('keeper-alert', () => {
  describe('parseAlertBody', () => {
    it('has an expectation for every sample alert on disk', () => {
      // Prepare
      const prefixes = sampleAlerts().map((s) => s.file.slice(0, 2));

      // Act / Assess
      expect(prefixes.sort()).toEqual(Object.keys(EXPECTED).sort());
    });

    it.each(sampleAlerts().map((s) => [s.file, s.body] as const))(
      'reads event, category and parsed state of %s',
      (file, body) => {
        // Prepare
        const [event, category, isParsed] = EXPECTED[file.slice(0, 2)] ?? [];

        // Act
        const alert = parseAlertBody(body);

        // Assess
        expect({ event: alert.event, category: alert.category, parsed: alert.parsed }).toEqual({
          event,
          category,
          parsed: isParsed,
        });
        if (alert.parsed) expect(alert.payload).toEqual(JSON.parse(body));
      },
    );

    it('types the known fields of the seed example and normalises the timestamp', () => {
      // Act
      const alert = parsed(sampleAlert('01'));

      // Assess
      expect(alert).toMatchObject({
        alertName: 'Jira Alerts',
        description: 'Admin john.doe@company.com resumed audit alert',
        username: 'john.doe@company.com',
        remoteAddress: '110.227.52.162',
        timestamp: '2025-11-05T05:00:28.091Z',
        fieldIssues: [],
      });
    });

    it('takes audit_event and category from a nested #json event when the top level lacks them', () => {
      // Act
      const alert = parsed(sampleAlert('21'));

      // Assess
      expect(alert.event).toBe('bw_record_high_risk');
      expect(alert.category).toBe('breachwatch');
      expect(alert.clientVersion).toBe('Web Vault 17.0.2');
      expect(alert.nestedEvent?.['record_uid']).toBe('NX4dQ1u0r3hZb8pW2sVt5A');
    });

    it('reads a nested event that arrives as JSON text', () => {
      // Prepare
      const body = JSON.stringify({ alert_name: 'A', event: JSON.stringify({ audit_event: 'login_failure' }) });

      // Act
      const alert = parsed(body);

      // Assess
      expect(alert.event).toBe('login_failure');
      expect(alert.category).toBe('login');
    });

    it('prefers the payload category over the catalog', () => {
      // Act
      const alert = parsed('{"audit_event":"login_failure","category":"custom_category"}');

      // Assess
      expect(alert.category).toBe('custom_category');
    });

    it('keeps a known field with the wrong type raw and notes it instead of refusing the alert', () => {
      // Prepare
      const body = '{"audit_event":"login_failure","username":42,"enterprise_id":"8512","alert_name":["x"]}';

      // Act
      const alert = parsed(body);

      // Assess
      expect(alert.event).toBe('login_failure');
      expect(alert.username).toBeUndefined();
      expect(alert.enterpriseId).toBeUndefined();
      expect(alert.payload['username']).toBe(42);
      expect(alert.payload['enterprise_id']).toBe('8512');
      expect(alert.fieldIssues).toHaveLength(3);
      expect(alert.fieldIssues).toEqual(
        expect.arrayContaining([
          'username should be a string but is an integer; kept as received',
          'enterprise_id should be an integer but is a string; kept as received',
          'alert_name should be a string but is an array; kept as received',
        ]),
      );
    });

    it('falls back to unknown for an audit_event that is not a string', () => {
      // Act
      const alert = parsed('{"audit_event":{"code":"x"}}');

      // Assess
      expect(alert.event).toBe('unknown');
      expect(alert.fieldIssues).toHaveLength(1);
    });

    it('accepts timestamps without milliseconds or with an offset and notes unreadable ones', () => {
      // Act
      const noMillis = parsed('{"timestamp":"2025-11-05T05:00:28Z"}');
      const offset = parsed('{"timestamp":"2025-11-05T07:00:28.5+02:00"}');
      const epoch = parsed('{"timestamp":1762318828}');
      const bad = parsed('{"timestamp":"yesterday"}');

      // Assess
      expect(noMillis.timestamp).toBe('2025-11-05T05:00:28.000Z');
      expect(offset.timestamp).toBe('2025-11-05T05:00:28.500Z');
      expect(epoch.timestamp).toBe('2025-11-05T05:00:28.000Z');
      expect(bad.timestamp).toBeUndefined();
      expect(bad.payload['timestamp']).toBe('yesterday');
      expect(bad.fieldIssues[0]).toContain('not an ISO-8601 date');
    });

    it('treats empty template variables as absent', () => {
      // Act
      const alert = parsed('{"alert_name":"  ","audit_event":"","remote_address":null}');

      // Assess
      expect(alert.alertName).toBeUndefined();
      expect(alert.remoteAddress).toBeUndefined();
      expect(alert.event).toBe('unknown');
      expect(alert.fieldIssues).toEqual([]);
    });

    it('reads a Slack-style {"text": …} body as a parsed alert with an unknown event', () => {
      // Act
      const alert = parsed(sampleAlert('20'));

      // Assess
      expect(alert.event).toBe('unknown');
      expect(alert.payload['text']).toContain('Failed Logins');
    });

    it.each([
      ['broken JSON', '{"alert_name": "He said "hi"", "audit_event": "login"}', 'not valid JSON'],
      ['an array', '[{"audit_event":"login"}]', 'an array'],
      ['a bare string', '"just text"', 'a string'],
      ['a number', '42', 'an integer'],
      ['null', 'null', 'null'],
      ['plain text', 'Keeper alert: something happened', 'not valid JSON'],
    ])('keeps %s as an unparsed alert with its raw text', (_name, body, reason) => {
      // Act
      const alert = parseAlertBody(body);

      // Assess
      expect(alert.parsed).toBe(false);
      if (alert.parsed) return;
      expect(alert.rawText).toBe(body);
      expect(alert.event).toBe('unknown');
      expect(alert.category).toBe('unknown');
      expect(alert.reason).toContain(reason);
    });

    it('keeps an empty JSON object as a parsed alert', () => {
      // Act
      const alert = parsed('{}');

      // Assess
      expect(alert.event).toBe('unknown');
      expect(alert.payload).toEqual({});
    });

    it('does not let a "__proto__" key change the payload prototype', () => {
      // Act
      const alert = parsed('{"__proto__":{"polluted":true},"audit_event":"login"}');

      // Assess
      expect(Object.getPrototypeOf(alert.payload)).toBe(Object.prototype);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    });
  });

  describe('fieldPaths', () => {
    it('lists the dot paths of leaf fields, walking nested objects', () => {
      // Prepare
      const alert = parsed(sampleAlert('21'));

      // Act
      const paths = fieldPaths(alert.payload);

      // Assess
      expect(paths).toContain('alert_name');
      expect(paths).toContain('event.record_uid');
      expect(paths).toContain('event.enterprise_id');
      expect(paths).not.toContain('event');
    });

    it('treats arrays and empty objects as leaves and honours the cap', () => {
      // Prepare
      const payload = { list: [1, 2], empty: {}, a: { b: { c: 1 } } };

      // Act
      const paths = fieldPaths(payload);
      const capped = fieldPaths(payload, 2);

      // Assess
      expect(paths).toEqual(['list', 'empty', 'a.b.c']);
      expect(capped).toEqual(['list', 'empty']);
    });

    it('pairs each path with its value', () => {
      // Act
      const leaves = payloadLeaves({ a: { b: 'x' }, n: null });

      // Assess
      expect(leaves).toEqual([
        { path: 'a.b', value: 'x' },
        { path: 'n', value: null },
      ]);
    });
  });

  describe('readPath', () => {
    it('reads top-level, nested, array-index and dotted-key paths', () => {
      // Prepare
      const payload = { a: { b: { c: 'deep' } }, items: ['zero', 'one'], 'x.y': 'dotted', event: { record_uid: 'R1' } };

      // Act / Assess
      expect(readPath(payload, 'a.b.c')).toBe('deep');
      expect(readPath(payload, 'items.1')).toBe('one');
      expect(readPath(payload, 'x.y')).toBe('dotted');
      expect(readPath(payload, 'event.record_uid')).toBe('R1');
      expect(readPath(payload, 'a.missing')).toBeUndefined();
      expect(readPath(payload, 'toString')).toBeUndefined();
      expect(readPath(payload, '')).toBeUndefined();
    });

    it('tries the whole rest as one key first, then each dot left to right, and never reads past a trailing dot', () => {
      // Prepare
      const payload = {
        a: { 'b.c': 'rest as one key', b: { c: 'split' } },
        'a.b': { c: 'longer head' },
        x: { '': 'empty key' },
      };

      // Act / Assess
      expect(readPath(payload, 'a.b.c')).toBe('rest as one key');
      expect(readPath({ a: { b: { c: 'split' } }, 'a.b': { c: 'longer head' } }, 'a.b.c')).toBe('split');
      expect(readPath({ 'a.b': { c: 'longer head' } }, 'a.b.c')).toBe('longer head');
      expect(readPath({ 'a.b.c': 'whole' }, 'a.b.c')).toBe('whole');
      expect(readPath(payload, 'x.')).toBeUndefined();
    });

    it('reads a path of thousands of segments without recursion', () => {
      // Prepare
      const depth = 20_000;
      const payload: unknown = JSON.parse(`${'{"k":'.repeat(depth)}"bottom"${'}'.repeat(depth)}`);
      const path = Array.from({ length: depth }, () => 'k').join('.');

      // Act / Assess
      expect(readPath(payload, path)).toBe('bottom');
      expect(readPath(payload, `${path}.more`)).toBeUndefined();
    });
  });

  describe('isBlankBody', () => {
    it('is true only for nothing or JSON whitespace; a byte-order mark or any other character is content', () => {
      // Act / Assess
      expect(['', '  \n\t\r'].map(isBlankBody)).toEqual([true, true]);
      expect(['\uFEFF', '\uFEFF  \n', '\u00a0', 'x'].map(isBlankBody)).toEqual([false, false, false, false]);
    });
  });

  it('keeps the received text of a parsed body unchanged', () => {
    // Prepare
    const body = '{ "a": 1, "a": 2,\n "n": 1.50e0 }';

    // Act
    const alert = parseAlertBody(body);

    // Assess
    expect(alert.parsed).toBe(true);
    expect(alert.rawText).toBe(body);
  });

  it('reads a body that starts with a byte-order mark as the JSON it is', () => {
    // Act
    const alert = parseAlertBody('\uFEFF{"audit_event":"login_failure","username":"a@b.c"}');
    // Assess
    expect(alert.parsed).toBe(true);
    expect(alert.event).toBe('login_failure');
  });
});
