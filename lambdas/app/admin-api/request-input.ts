/** Parsing of the admin API's request bodies and query parameters, once at the edge. */

import { en } from 'zod/locales';
import type * as z from 'zod/mini';
import { ValidationError } from '#domain/errors.ts';
import { bodyText, type HttpEvent } from '#shared/http.ts';

// zod/mini ships no locale: without English every default problem reads "Invalid input".
const englishErrors = en().localeError;

/** The JSON body checked against `schema`; an empty body counts as `{}`. Throws ValidationError naming each problem. */
export function parseJsonBody<T>(event: HttpEvent, schema: z.ZodMiniType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(bodyText(event) || '{}');
  } catch {
    throw new ValidationError('The request body is not valid JSON');
  }
  const result = schema.safeParse(value, { error: englishErrors });
  if (!result.success) {
    throw new ValidationError(
      'The request is incomplete or malformed',
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    );
  }
  return result.data;
}

export function queryParams(event: HttpEvent): URLSearchParams {
  return new URLSearchParams(event.rawQueryString ?? '');
}

/** A numeric query parameter kept within [min, max]; missing, zero or not a number gives `fallback`. */
export function boundedNumber(
  query: URLSearchParams,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  return Math.min(max, Math.max(min, Number(query.get(name) ?? fallback) || fallback));
}
