import { describe, expect, it } from 'vitest';
import type { ConfigDocumentDto } from '#shared/admin-api-types.ts';
import { documentText, exportFileName, inspectDocument } from '../../../web-admin/src/config-document.ts';

const DOCUMENT: ConfigDocumentDto = {
  format: 'keeper-jira-relay/config',
  formatVersion: 1,
  exportedAt: '2025-11-05T10:11:12.000Z',
  source: { site: 'https://example.atlassian.net', configVersion: 12 },
  config: {
    projectKey: 'SEC',
    defaultIssueTypeId: '10001',
    fieldMappings: [{ fieldId: 'customfield_10050', source: 'remote_address' }],
    rules: [],
    counterEvents: [{ open: 'a', close: 'b', key: [] }],
  },
};

describe('config-document', () => {
  it('names the export after the configuration version and the day', () => {
    // Act / Assess
    expect(exportFileName(DOCUMENT)).toBe('keeper-jira-relay-config-v12-2025-11-05.json');
  });

  it('reads back what it wrote, with what the file holds', () => {
    // Act
    const inspected = inspectDocument(documentText(DOCUMENT));
    // Assess
    expect(inspected).toEqual({
      ok: true,
      document: DOCUMENT,
      summary: {
        formatVersion: 1,
        site: 'https://example.atlassian.net',
        configVersion: 12,
        exportedAt: '2025-11-05T10:11:12.000Z',
        projectKey: 'SEC',
        rules: 0,
        fieldMappings: 1,
        counterEvents: 1,
      },
    });
  });

  it('refuses what is not a configuration document, in words', () => {
    // Act
    const results = [
      'not json',
      '{"format":"something-else"}',
      JSON.stringify({ ...DOCUMENT, formatVersion: 2 }),
      JSON.stringify({ ...DOCUMENT, formatVersion: 'one' }),
      JSON.stringify({ ...DOCUMENT, config: null }),
    ].map(inspectDocument);
    // Assess
    expect(results.map((r) => (r.ok ? 'ok' : r.message))).toEqual([
      'This file is not JSON. Choose a file made by Export.',
      'This file is not a relay configuration (its “format” is not keeper-jira-relay/config).',
      'The file has format version 2, made by a newer relay; this relay reads version 1.',
      'The file does not say which format version it has.',
      'The file holds no configuration (no “config” with a project).',
    ]);
  });
});
