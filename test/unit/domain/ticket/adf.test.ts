import { describe, expect, it } from 'vitest';
import {
  bulletList,
  code,
  codeBlock,
  doc,
  heading,
  PLACEHOLDER,
  panel,
  paragraph,
  plainTextToAdf,
  rule,
  strong,
  table,
  text,
} from '#domain/ticket/adf.ts';
import { adfErrors, adfTexts as textNodes } from '#test-support/adf-schema.ts';

describe('adf', () => {
  it('builds a document every node of which the official ADF schema accepts', () => {
    // Prepare
    const document = doc(
      panel('info', paragraph(strong('Test alert.'), ' No action needed.')),
      heading(2, 'Alert'),
      paragraph(strong('Event: '), code('login_failure'), ' — Failed Login'),
      bulletList([[strong('User: '), 'jane@example.com'], ['plain']]),
      table(
        ['Field', 'Value'],
        [
          [code('a.b'), 'x'],
          ['empty', ''],
        ],
      ),
      codeBlock('{"a": 1}', 'json'),
      rule(),
    );

    // Act
    const errors = adfErrors(document);

    // Assess
    expect(errors).toEqual([]);
  });

  it('never emits an empty text node', () => {
    // Prepare
    const document = doc(
      paragraph('', undefined, null, false, text('')),
      heading(3, ''),
      table(['', 'Value'], [['', '']]),
      codeBlock(''),
      panel('warning', paragraph('')),
      bulletList([[''], ['item']]),
    );

    // Act
    const texts = textNodes(document);

    // Assess
    expect(texts.every((t) => t.length > 0)).toBe(true);
    expect(adfErrors(document)).toEqual([]);
  });

  it('uses a placeholder where a node must have content', () => {
    // Act
    const cells = table(['Field', 'Value'], [['x', '']]);
    const block = codeBlock('');
    const box = panel('note');

    // Assess
    expect(textNodes(cells)).toContain(PLACEHOLDER);
    expect(textNodes(block)).toEqual([PLACEHOLDER]);
    expect(textNodes(box)).toEqual([PLACEHOLDER]);
  });

  it('answers undefined for an empty text and an empty list, which the builders drop', () => {
    // Act / Assess
    expect(text('')).toBeUndefined();
    expect(text('\u0000')).toBeUndefined();
    expect(bulletList([[''], []])).toBeUndefined();
    expect(doc(bulletList([]), paragraph('x')).content).toHaveLength(1);
  });

  it('strips NUL and other control characters from text', () => {
    // Act
    const node = text('a\u0000b\u0007c\td');

    // Assess
    expect(node?.text).toBe('abc\td');
  });

  it('keeps marks out of code blocks, as the schema requires', () => {
    // Act
    const block = codeBlock('x', 'json');

    // Assess
    expect(block.content.every((t) => t.marks === undefined)).toBe(true);
    expect(adfErrors(doc(block))).toEqual([]);
  });

  describe('plainTextToAdf', () => {
    it('turns blank lines into paragraphs and single line breaks into hard breaks', () => {
      // Act
      const document = plainTextToAdf('first line\r\nsecond line\n\n\nnew paragraph\n');

      // Assess
      expect(document).toEqual({
        version: 1,
        type: 'doc',
        content: [
          {
            type: 'paragraph',
            content: [
              { type: 'text', text: 'first line' },
              { type: 'hardBreak' },
              { type: 'text', text: 'second line' },
            ],
          },
          { type: 'paragraph', content: [{ type: 'text', text: 'new paragraph' }] },
        ],
      });
      expect(adfErrors(document)).toEqual([]);
    });

    it('gives empty text a placeholder paragraph', () => {
      // Act
      const document = plainTextToAdf('  \n \n');

      // Assess
      expect(textNodes(document)).toEqual([PLACEHOLDER]);
      expect(adfErrors(document)).toEqual([]);
    });
  });

  it('is checked by a validator that does refuse bad documents', () => {
    // Act / Assess: the schema check used throughout these tests can fail.
    expect(
      adfErrors({ type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }] }),
    ).not.toEqual([]);
    expect(adfErrors({ type: 'doc', content: [] })).not.toEqual([]);
  });
});
