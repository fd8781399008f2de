/**
 * Export and import of the whole configuration as a versioned JSON document: the file name of an
 * export, and what an imported file holds, checked enough to show it before anything is sent (the
 * relay validates it like a save). Pure: no DOM.
 */
import type { ConfigDocumentDto } from '#shared/admin-api-types.ts';

export const DOCUMENT_FORMAT = 'keeper-jira-relay/config';
/** The newest document shape this site knows. */
export const DOCUMENT_FORMAT_VERSION = 1;

/** `keeper-jira-relay-config-v12-2025-11-05.json`. */
export function exportFileName(document: ConfigDocumentDto): string {
  const day = /^\d{4}-\d{2}-\d{2}/.exec(document.exportedAt)?.[0] ?? 'export';
  return `keeper-jira-relay-config-v${document.source.configVersion}-${day}.json`;
}

/** The document as written to the file: indented, so it reads and diffs well. */
export function documentText(document: ConfigDocumentDto): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

export interface DocumentSummary {
  formatVersion: number;
  site: string;
  configVersion: number;
  exportedAt: string;
  projectKey: string;
  rules: number;
  fieldMappings: number;
  counterEvents: number;
}

export type InspectedDocument =
  | { ok: true; document: ConfigDocumentDto; summary: DocumentSummary }
  | { ok: false; message: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): number {
  return Array.isArray(value) ? value.length : 0;
}

/** Reads an imported file's text: a configuration document of a known version, or why not. */
export function inspectDocument(text: string): InspectedDocument {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { ok: false, message: 'This file is not JSON. Choose a file made by Export.' };
  }
  if (!isRecord(parsed) || parsed.format !== DOCUMENT_FORMAT)
    return {
      ok: false,
      message: 'This file is not a relay configuration (its “format” is not keeper-jira-relay/config).',
    };
  const formatVersion = parsed.formatVersion;
  if (typeof formatVersion !== 'number' || !Number.isInteger(formatVersion) || formatVersion < 1)
    return { ok: false, message: 'The file does not say which format version it has.' };
  if (formatVersion > DOCUMENT_FORMAT_VERSION)
    return {
      ok: false,
      message: `The file has format version ${formatVersion}, made by a newer relay; this relay reads version ${DOCUMENT_FORMAT_VERSION}.`,
    };
  const config = parsed.config;
  if (!isRecord(config) || typeof config.projectKey !== 'string')
    return { ok: false, message: 'The file holds no configuration (no “config” with a project).' };
  const source = isRecord(parsed.source) ? parsed.source : {};
  return {
    ok: true,
    document: parsed as unknown as ConfigDocumentDto,
    summary: {
      formatVersion,
      site: typeof source.site === 'string' ? source.site : 'unknown site',
      configVersion: typeof source.configVersion === 'number' ? source.configVersion : 0,
      exportedAt: typeof parsed.exportedAt === 'string' ? parsed.exportedAt : '',
      projectKey: config.projectKey,
      rules: count(config.rules),
      fieldMappings: count(config.fieldMappings),
      counterEvents: count(config.counterEvents),
    },
  };
}
