import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { AdfDoc } from '#domain/ticket/adf.ts';
import {
  buildDescription,
  DESCRIPTION_MAX_CHARS,
  type DescriptionOptions,
  describeAlert,
  descriptionSize,
  RAW_BLOCK_FLOOR,
} from '#domain/ticket/description.ts';
import { adfErrors, adfTexts } from '#test-support/adf-schema.ts';
import { sampleAlert } from '#test-support/sample-alerts.ts';

const RECEIVED_AT = '2025-11-05T05:00:29.000Z';

function describeBody(body: string): AdfDoc {
  return buildDescription(parseAlertBody(body), { alertId: dedupKey(body), receivedAt: RECEIVED_AT });
}

function describeWith(body: string, options: DescriptionOptions) {
  return describeAlert(parseAlertBody(body), { alertId: dedupKey(body), receivedAt: RECEIVED_AT }, options);
}

/** The raw payload block's text, and the remainder its note states (undefined when nothing was cut). */
function rawBlockOf(document: AdfDoc): { text: string; omitted?: number; file?: string } {
  const index = document.content.findLastIndex((b) => b.type === 'codeBlock');
  const block = document.content[index];
  const text = block?.type === 'codeBlock' ? block.content.map((t) => t.text).join('') : '';
  const note = adfTexts(document.content[index + 1]).join('');
  const cut = /^… (\d+) more characters of the received body are in the attached file (\S+)$/.exec(note);
  return cut ? { text, omitted: Number(cut[1]), file: cut[2] } : { text };
}

/** Deterministic pseudo-random numbers (mulberry32), so a failing case can be run again. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

// Characters that cost more once serialised (quotes, backslashes, line breaks) or in UTF-8 (non-ASCII, emoji).
const HOSTILE_CHARS = [
  'a',
  'Z',
  '7',
  ' ',
  '"',
  '\\',
  '\n',
  '\t',
  'é',
  'ß',
  '中',
  'ж',
  '😀',
  '🔐',
  '€',
  '\u2028',
  '<',
  '&',
];

function hostileText(random: () => number, length: number): string {
  let text = '';
  while (text.length < length) text += HOSTILE_CHARS[Math.floor(random() * HOSTILE_CHARS.length)];
  return text;
}

/** A JSON object body of about `size` UTF-16 units, written with irregular whitespace (received text, not a re-serialisation). */
function hostileJsonBody(random: () => number, size: number): string {
  const fields: string[] = ['"alert_name":"Ünïcödé \\"alert\\""', '"audit_event":"login_failure"'];
  let length = 0;
  for (let i = 0; length < size; i += 1) {
    const value = JSON.stringify(hostileText(random, 20 + Math.floor(random() * 2_000)));
    const field = `${JSON.stringify(`${hostileText(random, 3)}_${i}`)}:${random() < 0.2 ? `${value.length}.50` : value}`;
    fields.push(field);
    length += field.length + 2;
  }
  return `{ ${fields.join(random() < 0.5 ? ',\n  ' : ' ,')} }`;
}

describe('description', () => {
  describe('buildDescription', () => {
    it('writes a readable summary, a field table and the complete raw payload into the description', () => {
      // Prepare
      const body = sampleAlert('11');

      // Act
      const description = describeBody(body);
      const texts = adfTexts(description);
      const blocks = description.content.map((b) => b.type);

      // Assess
      expect(texts).toContain('BreachWatch High Risk');
      expect(texts.join('')).toContain('BreachWatch detected high-risk record password');
      expect(texts).toContain(JSON.parse(body).description);
      expect(texts).toContain('jane.roe@example.com');
      expect(texts).toContain('record_uid');
      expect(texts).toContain('NX4dQ1u0r3hZb8pW2sVt5A');
      expect(blocks).toEqual(expect.arrayContaining(['heading', 'table', 'codeBlock']));
      const raw = description.content.find((b) => b.type === 'codeBlock');
      expect(raw?.type === 'codeBlock' && JSON.parse(raw.content.map((t) => t.text).join(''))).toEqual(
        JSON.parse(body),
      );
    });

    it('keeps a huge payload’s description valid and under Jira’s limit, truncating visibly', () => {
      // Prepare
      const payload: Record<string, unknown> = {
        alert_name: 'Huge',
        audit_event: 'login_failure',
        blob: 'x'.repeat(100_000),
      };
      for (let i = 0; i < 2_000; i++) payload[`field_${i}`] = `value ${i} ${'y'.repeat(40)}`;
      const body = JSON.stringify(payload);

      // Act
      const description = describeBody(body);
      const texts = adfTexts(description).join('\n');

      // Assess
      expect(adfErrors(description)).toEqual([]);
      expect(descriptionSize(description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
      expect(JSON.stringify(description).length).toBeLessThan(32_767);
      expect(texts).toMatch(/… truncated, \d+ more characters; the full payload is in the relay's ledger/);
      expect(texts).toMatch(
        /\d+ more fields; see the raw payload below and the attached file keeper-alert-[0-9a-f]{16}\.json/,
      );
      expect(texts).toContain('field_0');
    });

    it('keeps a long unparsed body under the limit too', () => {
      // Act
      const description = describeBody(`not json ${'z"\n'.repeat(40_000)}`);

      // Assess
      expect(adfErrors(description)).toEqual([]);
      expect(descriptionSize(description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
      expect(adfTexts(description).join('')).toMatch(
        /… \d+ more characters of the received body are in the attached file keeper-alert-[0-9a-f]{16}\.txt/,
      );
    });

    it('keeps the whole payload when only long table values had to be shortened', () => {
      // Prepare
      const body = JSON.stringify({ alert_name: 'Long', audit_event: 'login_failure', note: 'n'.repeat(14_000) });

      // Act
      const description = describeBody(body);
      const raw = description.content.find((b) => b.type === 'codeBlock');

      // Assess
      expect(descriptionSize(description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
      expect(raw?.type === 'codeBlock' && JSON.parse(raw.content.map((t) => t.text).join(''))).toEqual(
        JSON.parse(body),
      );
    });

    it('uses the readable text of a description mapping instead of the alert’s own', () => {
      // Prepare
      const body = sampleAlert('11');

      // Act
      const own = describeBody(body);
      const mapped = buildDescription(
        parseAlertBody(body),
        { alertId: dedupKey(body), receivedAt: RECEIVED_AT },
        'Check this record now.',
      );

      // Assess: the readable paragraph follows the heading and the event line.
      expect(adfTexts(own.content[2])).toEqual([JSON.parse(body).description]);
      expect(adfTexts(mapped.content[2])).toEqual(['Check this record now.']);
    });
  });

  describe('dropped-field notice', () => {
    it('puts a note listing the left-out fields first and names at most ten of them', () => {
      // Prepare
      const body = sampleAlert('01');
      const dropped = Array.from({ length: 12 }, (_, i) => ({
        fieldId: `customfield_${i}`,
        fieldName: `Field ${i}`,
        reason: `reason ${i}`,
      }));

      // Act
      const noticed = describeWith(body, { dropped }).document;
      const texts = adfTexts(noticed);

      // Assess
      expect(noticed.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'note' } });
      expect(texts).toContain('Field 0 (customfield_0)');
      expect(texts).not.toContain('Field 10 (customfield_10)');
      expect(texts).toContain("and 2 more; see the relay's ledger");
      expect(adfErrors(noticed)).toEqual([]);
    });
  });

  describe('refused-field notice', () => {
    it('keeps the description under Jira’s limit with the warning added', () => {
      // Prepare
      const body = JSON.stringify({ alert_name: 'Huge', audit_event: 'login_failure', blob: 'x'.repeat(60_000) });
      const refused = [{ id: 'customfield_1', name: 'Remote IP Address', message: 'cannot be set' }];

      // Act
      const noticed = describeWith(body, { refused }).document;

      // Assess
      expect(noticed.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'warning' } });
      expect(descriptionSize(noticed)).toBeLessThan(32_767);
      expect(adfErrors(noticed)).toEqual([]);
    });
  });

  describe('raw payload block', () => {
    it('holds the received text unchanged: duplicate keys, big numbers, key order, whitespace and a BOM', () => {
      // Prepare
      const body = '\uFEFF{ "b": 1e400,\n  "a": 123456789012345678901234567890, "a": "second",\t"n": 1.50 }';

      // Act
      const built = describeWith(body, {});

      // Assess
      expect(rawBlockOf(built.document)).toEqual({ text: body });
      expect(built.rawComplete).toBe(true);
    });

    it('holds an unparsed body as received and says which characters Jira cannot store were left out', () => {
      // Prepare
      const body = 'not json\u0000 with a NUL and a \u0007 bell';

      // Act
      const built = describeWith(body, {});
      const texts = adfTexts(built.document).join('\n');

      // Assess
      expect(rawBlockOf(built.document).text).toBe('not json with a NUL and a  bell');
      expect(built.rawComplete).toBe(false);
      expect(built.file).toEqual({
        filename: `keeper-alert-${dedupKey(body).slice(0, 16)}.txt`,
        mimeType: 'text/plain',
      });
      expect(texts).toContain(
        'Control characters Jira cannot store were left out of the block above; the attached file ',
      );
    });

    it('keeps the received text of a 40 KB non-ASCII alert, cut to fit and stated in characters of the body', () => {
      // Prepare: 40 KB of UTF-8 whose serialised ADF is far longer than its character count.
      const random = seeded(40);
      const body = hostileJsonBody(random, 30_000);

      // Act
      const built = describeWith(body, {});
      const raw = rawBlockOf(built.document);

      // Assess
      expect(Buffer.byteLength(body)).toBeGreaterThan(40_000);
      expect(built.rawComplete).toBe(false);
      expect(built.file).toEqual({
        filename: `keeper-alert-${dedupKey(body).slice(0, 16)}.json`,
        mimeType: 'application/json',
      });
      expect(raw.text.length).toBeGreaterThan(1_000);
      expect(body.startsWith(raw.text)).toBe(true);
      expect(raw.omitted).toBe([...body.slice(raw.text.length)].length);
      expect(raw.file).toBe(built.file.filename);
      expect(descriptionSize(built.document)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
      expect(adfErrors(built.document)).toEqual([]);
    });

    it('is never emptied: for long escape-heavy and non-ASCII bodies up to 256 KiB the block is a prefix of the body with the right remainder', () => {
      const random = seeded(7);
      for (let run = 0; run < 24; run += 1) {
        // Prepare: JSON objects and unparsed text, with notices of every size, up to the webhook's cap.
        const size = 1_000 + Math.floor(random() * 120_000);
        const parsed = run % 3 !== 2;
        const body = parsed ? hostileJsonBody(random, size) : `text ${hostileText(random, size)}`;
        const refused = Array.from({ length: Math.floor(random() * 14) }, (_, i) => ({
          id: `customfield_${i}`,
          name: hostileText(random, 300),
          message: hostileText(random, 400),
        }));
        const readableText = run % 4 === 0 ? hostileText(random, 5_000) : undefined;

        // Act
        const built = describeWith(body, { refused, ...(readableText ? { readableText } : {}) });
        const raw = rawBlockOf(built.document);

        // Assess
        const where = `run ${run}, ${body.length} units, ${Buffer.byteLength(body)} bytes`;
        expect(Buffer.byteLength(body), where).toBeLessThanOrEqual(256 * 1024);
        expect(descriptionSize(built.document), where).toBeLessThanOrEqual(32_767);
        expect(descriptionSize(built.document), where).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
        expect(raw.text.length, where).toBeGreaterThan(0);
        expect(body.startsWith(raw.text), where).toBe(true);
        if (raw.text.length < body.length) {
          expect(built.rawComplete, where).toBe(false);
          expect(raw.omitted, where).toBe([...body.slice(raw.text.length)].length);
          // The floor: the block keeps its guaranteed share of the budget whatever else the ticket says.
          expect(JSON.stringify(raw.text).length, where).toBeGreaterThan(RAW_BLOCK_FLOOR - 200);
        } else {
          expect(raw.omitted, where).toBeUndefined();
        }
        expect(adfErrors(built.document), where).toEqual([]);
      }
    });
  });
});
