/**
 * Validation against the official ADF JSON schema from `@atlaskit/adf-schema`
 * (`dist/json-schema/v1/full.json`, draft-04, hence `ajv-draft-04`).
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv-draft-04';
import ajvDraft04 from 'ajv-draft-04';

const require = createRequire(import.meta.url);
let validator: ValidateFunction | undefined;

/** Errors of `document` against the ADF schema; empty when valid. */
export function adfErrors(document: unknown): string[] {
  if (validator === undefined) {
    const schema = require('@atlaskit/adf-schema/dist/json-schema/v1/full.json') as object;
    // A CommonJS class: under NodeNext the default import is the module object, `.default` the class.
    const Ajv = ajvDraft04.default;
    // Atlassian's schema uses keywords Ajv's strict mode refuses; it is theirs, not ours to fix.
    validator = new Ajv({ strict: false, validateFormats: false, allErrors: false }).compile(schema);
  }
  return validator(document) ? [] : (validator.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

/** Every text node's text in document order, for assertions on what a reader sees. */
export function adfTexts(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(adfTexts);
  if (typeof value !== 'object' || value === null) return [];
  const node = value as Record<string, unknown>;
  const own = node['type'] === 'text' ? [String(node['text'])] : [];
  return [...own, ...Object.values(node).flatMap(adfTexts)];
}
