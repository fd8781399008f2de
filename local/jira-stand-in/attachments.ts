/**
 * Issue attachments as Jira Cloud takes them: multipart/form-data with the files in parts named `file`,
 * guarded by the XSRF check (`X-Atlassian-Token: no-check`), limited in size and number.
 */
import { type ApiResult, errorCollection } from './http.ts';
import { findUser, type Links, userJson } from './representations.ts';
import type { StoredAttachment } from './state.ts';

/** Jira's default answer is far larger; 10 MB keeps test processes small. Configurable at start and at run time. */
export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;
/** More files than this in one request is a 413. */
export const MAX_FILES_PER_REQUEST = 60;
/** Per-issue attachment limit. */
export const MAX_ATTACHMENTS_PER_ISSUE = 2000;
/** Room for the multipart framing around the files when the body is read. */
export const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

/** Jira's XSRF filter answers a multipart request without `X-Atlassian-Token: no-check` with this plain-text 403. */
export const XSRF_FAILED: ApiResult = {
  status: 403,
  body: 'XSRF check failed',
  contentType: 'text/plain;charset=UTF-8',
};

export interface UploadedFile {
  readonly field: string;
  readonly filename: string;
  readonly mimeType: string;
  readonly content: Buffer;
}

/** A multipart body, parsed before the route runs (routes are synchronous). */
export type MultipartBody =
  | { readonly kind: 'parts'; readonly files: readonly UploadedFile[] }
  | { readonly kind: 'invalid' }
  | { readonly kind: 'too-large' };

export function isMultipart(contentType: string | undefined): boolean {
  return /^multipart\/form-data\s*;/i.test(contentType ?? '');
}

/** Parses with the platform's own multipart parser (undici), the one `fetch` uses. */
export async function parseMultipart(bytes: Buffer, contentType: string): Promise<MultipartBody> {
  try {
    const form = await new Response(new Uint8Array(bytes), { headers: { 'content-type': contentType } }).formData();
    const files: UploadedFile[] = [];
    for (const [field, value] of form.entries()) {
      if (typeof value === 'string') continue;
      files.push({
        field,
        filename: value.name,
        mimeType: value.type || 'application/octet-stream',
        content: Buffer.from(await value.arrayBuffer()),
      });
    }
    return { kind: 'parts', files };
  } catch {
    return { kind: 'invalid' };
  }
}

export function tooLarge(message: string): ApiResult {
  return { status: 413, body: errorCollection([message]) };
}

/** An attachment as POST …/attachments and `fields.attachment` return it (ids are strings there). */
export function attachmentJson(links: Links, attachment: StoredAttachment): Record<string, unknown> {
  const author = findUser(attachment.authorAccountId);
  return {
    self: `${links.api}/attachment/${attachment.id}`,
    id: attachment.id,
    filename: attachment.filename,
    author: author ? userJson(links, author) : { accountId: attachment.authorAccountId },
    created: attachment.created,
    size: attachment.content.length,
    mimeType: attachment.mimeType,
    content: `${links.api}/attachment/content/${attachment.id}`,
  };
}

/** Where the site serves the bytes (what a person clicks on the issue page). */
export function sitePath(attachment: StoredAttachment): string {
  return `/secure/attachment/${attachment.id}/${encodeURIComponent(attachment.filename)}`;
}
