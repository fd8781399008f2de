import { describe, expect, it } from 'vitest';
import type { StatusDto } from '#shared/admin-api-types.ts';
import { grantReminder } from '../../../web-admin/src/views/status-banner.ts';

function connected(grantDaysRemaining: number | undefined): StatusDto {
  return {
    connection: {
      state: 'connected',
      siteUrl: 'https://acme.atlassian.net',
      connectedBy: { accountId: 'a', displayName: 'Alice Admin' },
      connectedAt: '2025-12-01T09:00:00.000Z',
      ...(grantDaysRemaining === undefined ? {} : { grantDaysRemaining, grantExpiresAt: '2026-12-01T09:00:00.000Z' }),
    },
  } as StatusDto;
}

describe('status-banner', () => {
  it('asks for a new sign-in once the Jira grant has 30 days or fewer left', () => {
    // Act
    const reminder = grantReminder(connected(25));
    // Assess
    expect(reminder).toMatch(/ends in 25 days/);
    expect(reminder).toMatch(/sign in again/);
  });

  it('stays quiet with more than 30 days left, or when the grant end is unknown', () => {
    // Assess
    expect(grantReminder(connected(31))).toBeUndefined();
    expect(grantReminder(connected(undefined))).toBeUndefined();
    expect(grantReminder(null)).toBeUndefined();
  });
});
