import { describe, expect, it } from 'vitest';
import { explainDeliveryError, LINKS } from '../../../web-admin/src/explain-error.ts';

describe('explain-error', () => {
  it('names the field Jira requires, where, and links to Field Mapping', () => {
    // Act
    const explained = explainDeliveryError(
      'Jira refused the issue (HTTP 400): customfield_10055: Alert Severity is required.',
      {
        project: 'SEC',
        issueType: 'Incident',
      },
    );
    // Assess
    expect(explained.text).toBe('Alert Severity is required on Incident in SEC.');
    expect(explained.link).toEqual(LINKS.fieldMapping);
    expect(explained.fix).toMatch(/^Map a Keeper field/);
    expect(explained.text).not.toContain('customfield_10055');
    expect(explained.original).toContain('customfield_10055');
  });

  it('sends a refused priority to Priority Mapping and a refused issue type to Issue Type Mapping', () => {
    // Act
    const priority = explainDeliveryError(
      'Jira refused the issue (HTTP 400): priority: The priority selected is invalid.',
    );
    const issueType = explainDeliveryError('Jira refused the issue (HTTP 400): issuetype: Specify a valid issue type');
    // Assess
    expect(priority.link).toEqual(LINKS.priorityMapping);
    expect(issueType.link).toEqual(LINKS.issueTypeMapping);
  });

  it('explains a server error without asking the admin to act', () => {
    // Act
    const explained = explainDeliveryError('POST /issue: Jira answered 503');
    // Assess
    expect(explained.text).toBe('Jira had a server error (HTTP 503). The relay tries again on its own.');
    expect(explained.fix).toBeUndefined();
    expect(explained.link).toBeUndefined();
  });

  it('reads the open circuit before the answer it wraps', () => {
    // Act
    const explained = explainDeliveryError(
      'Jira is unavailable; waiting for it to recover (POST /issue: Jira answered 503)',
    );
    // Assess
    expect(explained.text).toMatch(/^Jira is not answering\./);
  });

  it('says the relay gave up, after how many attempts, and why', () => {
    // Act
    const explained = explainDeliveryError(
      'Retry budget of 72 h spent after 12 attempts: POST /issue: Jira did not answer in time',
    );
    // Assess
    expect(explained.text).toMatch(
      /^The relay gave up after 12 attempts over 72 h\. Last cause: Jira did not answer in time/,
    );
    expect(explained.fix).toBe('Retry the alert once Jira works again.');
  });

  it('offers the setup for an alert parked without configuration, and Reconnect for a revoked grant', () => {
    // Act
    const parked = explainDeliveryError('The relay has no project and issue type configured yet');
    const revoked = explainDeliveryError(
      'POST /oauth/token refused (invalid_grant); an administrator must connect Jira again',
    );
    // Assess
    expect(parked.link).toEqual(LINKS.setup);
    expect(revoked.link).toEqual(LINKS.reconnect);
  });

  it('points a permission refusal at the connected account', () => {
    // Act
    const explained = explainDeliveryError(
      'Jira refused the issue (HTTP 403): You do not have permission to create issues in this project.',
      { project: 'SEC' },
    );
    // Assess
    expect(explained.text).toMatch(/^The connected Jira account may not create issues in SEC/);
    expect(explained.fix).toContain('"Create issues" permission in SEC');
  });

  it('says why an alert waits after an attempt that may have created its issue', () => {
    // Act
    const explained = explainDeliveryError('waiting until Jira’s search can see an earlier attempt');
    // Assess
    expect(explained.text).toMatch(/^An earlier attempt may already have created the issue/);
  });

  it('keeps an unknown text as it is', () => {
    // Act
    const explained = explainDeliveryError('Something the relay never said before');
    // Assess
    expect(explained).toEqual({
      text: 'Something the relay never said before',
      original: 'Something the relay never said before',
    });
  });
});
