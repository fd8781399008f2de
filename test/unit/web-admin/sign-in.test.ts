import { describe, expect, it } from 'vitest';
import { parseDeniedReason } from '../../../web-admin/src/views/sign-in.ts';

describe('sign-in', () => {
  it('reads the reason of a refused sign-in from the query string', () => {
    // Act / Assess
    expect(parseDeniedReason('?signin=denied&reason=not_admin')).toBe('not_admin');
    expect(parseDeniedReason('?signin=denied&reason=wrong_site')).toBe('wrong_site');
    expect(parseDeniedReason('?signin=denied&reason=oauth_failed')).toBe('oauth_failed');
  });

  it('treats an unknown reason as "not an administrator"', () => {
    // Act / Assess
    expect(parseDeniedReason('?signin=denied&reason=%3Cscript%3E')).toBe('not_admin');
  });

  it('returns null when the sign-in was not refused', () => {
    // Act / Assess
    expect(parseDeniedReason('')).toBeNull();
    expect(parseDeniedReason('?reason=not_admin')).toBeNull();
  });
});
