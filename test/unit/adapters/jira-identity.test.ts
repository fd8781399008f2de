import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JiraRestIdentity } from '#adapters/jira-identity.ts';
import { JiraUnauthorizedError } from '#domain/errors.ts';
import { type JiraStandIn, startJiraStandIn } from '#local/jira-stand-in/index.ts';
import { ALICE, HARPER, PAT, RITA, signIn, TEST_CLIENT } from '#test-support/jira-stand-in-session.ts';

describe('JiraRestIdentity', () => {
  let standIn: JiraStandIn;
  let identity: JiraRestIdentity;

  beforeAll(async () => {
    standIn = await startJiraStandIn({ port: 0, ...TEST_CLIENT });
    identity = new JiraRestIdentity({ apiUrl: standIn.url, timeoutMs: 2000 });
  });
  afterAll(async () => {
    await standIn.close();
  });

  it('returns the signed-in user', async () => {
    // Prepare
    const token = (await signIn(standIn.url, ALICE)).access_token;

    // Act
    const me = await identity.myself(token, standIn.cloudId);

    // Assess
    expect(me).toEqual({
      accountId: expect.any(String),
      displayName: 'Alice Admin',
      emailAddress: ALICE,
      active: true,
    });
  });

  it('leaves the e-mail out when the profile hides it', async () => {
    // Prepare
    const token = (await signIn(standIn.url, HARPER)).access_token;

    // Act
    const me = await identity.myself(token, standIn.cloudId);

    // Assess
    expect(me.emailAddress).toBeUndefined();
  });

  it.each([
    [ALICE, true],
    [PAT, false],
    [RITA, false],
  ])('reports whether %s administers Jira (%s)', async (email, expected) => {
    // Prepare
    const token = (await signIn(standIn.url, email)).access_token;

    // Act
    const admin = await identity.hasAdminister(token, standIn.cloudId);

    // Assess
    expect(admin).toBe(expected);
  });

  it('throws JiraUnauthorizedError for a refused token', async () => {
    // Act
    const error = await identity.hasAdminister('bad-token', standIn.cloudId).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(JiraUnauthorizedError);
  });
});
