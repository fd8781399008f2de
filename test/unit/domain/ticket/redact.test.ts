import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type KeeperAlert, parseAlertBody } from '#domain/alert/keeper-alert.ts';
import { REDACTED, redactAlert, redactReceivedBody } from '#domain/ticket/redact.ts';

function parsed(alert: KeeperAlert) {
  if (!alert.parsed) throw new Error('expected a parsed alert');
  return alert;
}

describe('redact', () => {
  describe('redactAlert', () => {
    it('replaces listed values in the payload, the typed fields and the received text', () => {
      // Prepare
      const body =
        '{\n    "username": "alice@example.com",\n    "remote_address": "203.0.113.7",\n    "audit_event": "login_failure"\n}';

      // Act
      const { alert, redactedPaths } = redactAlert(parseAlertBody(body), ['username', 'remote_address']);

      // Assess
      const result = parsed(alert);
      expect(redactedPaths).toEqual(['username', 'remote_address']);
      expect(result.payload['username']).toBe(REDACTED);
      expect(result.username).toBe(REDACTED);
      expect(result.remoteAddress).toBe(REDACTED);
      expect(result.event).toBe('login_failure');
      // Indentation, key order and the untouched values stay exactly as received.
      expect(result.rawText).toBe(
        '{\n    "username": "[redacted]",\n    "remote_address": "[redacted]",\n    "audit_event": "login_failure"\n}',
      );
    });

    it('keeps everything else as received: numbers JSON cannot hold, duplicate keys, a byte-order mark', () => {
      // Prepare
      const body = '\uFEFF{"big":123456789012345678901234567890, "huge":1e400,"k":"a","k":"b",  "secret" :\t"s3cr3t"}';

      // Act
      const { alert } = redactAlert(parseAlertBody(body), ['secret']);

      // Assess
      expect(alert.rawText).toBe(
        '\uFEFF{"big":123456789012345678901234567890, "huge":1e400,"k":"a","k":"b",  "secret" :\t"[redacted]"}',
      );
    });

    it('redacts every occurrence of a duplicate key, so the one JSON.parse ignores cannot leak either', () => {
      // Prepare
      const body = '{"password":"first","password":"second"}';

      // Act
      const { alert } = redactAlert(parseAlertBody(body), ['password']);

      // Assess
      expect(alert.rawText).toBe('{"password":"[redacted]","password":"[redacted]"}');
    });

    it('redacts only the listed path when the same value sits under another key', () => {
      // Prepare: the analyst's copy under `note` was not listed; the listed `token` must not survive anywhere.
      const body = JSON.stringify({ token: 'tok-123', note: 'tok-123', nested: { token: 'tok-123' } });

      // Act
      const { alert } = redactAlert(parseAlertBody(body), ['token']);

      // Assess
      expect(JSON.parse(alert.rawText)).toEqual({ token: REDACTED, note: 'tok-123', nested: { token: 'tok-123' } });
      expect(parsed(alert).payload['token']).toBe(REDACTED);
    });

    it('redacts inside the nested event, as an object and as JSON text, by event.x and by x', () => {
      // Prepare
      const asObject = JSON.stringify({ audit_event: 'x', event: { record_uid: 'rec-secret', username: 'bo' } });
      const asText = JSON.stringify({
        audit_event: 'x',
        event: JSON.stringify({ record_uid: 'rec-secret', username: 'bo' }),
      });

      for (const body of [asObject, asText]) {
        // Act
        const { alert, redactedPaths } = redactAlert(parseAlertBody(body), ['event.record_uid', 'username']);

        // Assess
        const result = parsed(alert);
        expect(redactedPaths).toEqual(['event.record_uid', 'username']);
        expect(alert.rawText).not.toContain('rec-secret');
        expect(alert.rawText).not.toContain('"bo"');
        expect(alert.rawText).not.toContain('\\"bo\\"');
        expect(result.nestedEvent).toEqual({ record_uid: REDACTED, username: REDACTED });
        expect(result.username).toBe(REDACTED);
      }
    });

    it('redacts array items by index and whole objects or arrays', () => {
      // Prepare
      const body = JSON.stringify({ ips: ['10.0.0.1', '10.0.0.2'], device: { name: 'laptop', serial: 'SN1' } });

      // Act
      const { alert, redactedPaths } = redactAlert(parseAlertBody(body), ['ips.1', 'device']);

      // Assess
      expect(redactedPaths).toEqual(['ips.1', 'device']);
      expect(JSON.parse(alert.rawText)).toEqual({ ips: ['10.0.0.1', REDACTED], device: REDACTED });
    });

    it('redacts a key that itself contains dots, and a number or a null value', () => {
      // Prepare
      const body = '{"a.b": "x", "enterprise_id": 8512, "n": null}';

      // Act
      const { alert, redactedPaths } = redactAlert(parseAlertBody(body), ['a.b', 'enterprise_id', 'n']);

      // Assess
      expect(redactedPaths).toEqual(['a.b', 'enterprise_id', 'n']);
      expect(alert.rawText).toBe('{"a.b": "[redacted]", "enterprise_id": "[redacted]", "n": "[redacted]"}');
      // The type note for a redacted known field would say nothing useful.
      expect(parsed(alert).fieldIssues).toEqual([]);
    });

    it('lists only the paths that had a value, and leaves an alert without them untouched', () => {
      // Prepare
      const original = parseAlertBody('{"username":"alice"}');

      // Act
      const partly = redactAlert(original, ['password', 'username', 'username']);
      const none = redactAlert(original, ['password']);

      // Assess
      expect(partly.redactedPaths).toEqual(['username']);
      expect(none).toEqual({ alert: original, redactedPaths: [] });
      expect(redactAlert(original, [])).toEqual({ alert: original, redactedPaths: [] });
    });

    it('says that a body which is not a JSON object has nothing to redact by path', () => {
      // Prepare
      const original = parseAlertBody('password=hunter2');

      // Act
      const result = redactAlert(original, ['password']);

      // Assess
      expect(result.alert).toBe(original);
      expect(result.redactedPaths).toEqual([]);
      expect(result.skipped).toMatch(/not a JSON object/);
    });

    it('redacts a listed top-level key of any object at any indentation and keeps the other keys in order', () => {
      fc.assert(
        fc.property(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 3 }), { minKeys: 1 }),
          fc.nat(),
          fc.integer({ min: 0, max: 4 }),
          (payload, pick, indent) => {
            // Prepare
            // Keys with dots or named `event` have their own tests (several places per path).
            const keys = Object.keys(payload).filter((k) => !k.includes('.') && k !== 'event');
            fc.pre(keys.length > 0);
            const key = keys[pick % keys.length] as string;
            const body = JSON.stringify(payload, null, indent);

            // Act
            const { alert } = redactAlert(parseAlertBody(body), [key]);

            // Assess
            const reread = JSON.parse(alert.rawText) as Record<string, unknown>;
            expect(reread[key]).toBe(REDACTED);
            expect(Object.keys(reread)).toEqual(Object.keys(payload));
          },
        ),
      );
    });
  });

  describe('redactReceivedBody', () => {
    it('gives the text the raw block shows, for the attached file', () => {
      // Act / Assess
      expect(redactReceivedBody('{"password": "hunter2"}', ['password'])).toBe('{"password": "[redacted]"}');
      expect(redactReceivedBody('not json', ['password'])).toBe('not json');
    });
  });
});
