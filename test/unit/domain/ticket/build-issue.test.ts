import { describe, expect, it } from 'vitest';
import { dedupKey } from '#domain/alert/dedup-key.ts';
import { parseAlertBody } from '#domain/alert/keeper-alert.ts';
import type { RelayConfig } from '#domain/relay-config.ts';
import { type BuiltIssue, buildIssue, withoutFields } from '#domain/ticket/build-issue.ts';
import { DESCRIPTION_MAX_CHARS, descriptionSize } from '#domain/ticket/description.ts';
import { adfErrors, adfTexts } from '#test-support/adf-schema.ts';
import { hostileBodies } from '#test-support/alert-bodies.ts';
import { F, INCIDENT, OPS_TASK, opsConfig, PRIORITY, SUBTASK, secConfig, TASK } from '#test-support/jira-fixtures.ts';
import { sampleAlert, sampleAlerts } from '#test-support/sample-alerts.ts';

const RECEIVED_AT = '2025-11-05T05:00:29.000Z';

function build(body: string, config: RelayConfig = secConfig(), test = false): BuiltIssue {
  return buildIssue(parseAlertBody(body), {
    alertId: dedupKey(body),
    receivedAt: RECEIVED_AT,
    config,
    ...(test ? { test } : {}),
  });
}

function summaryOf(built: BuiltIssue): string {
  return String(built.fields['summary']);
}

function labelsOf(built: BuiltIssue): string[] {
  return built.fields['labels'] as string[];
}

function codeBlockText(built: BuiltIssue): string {
  const block = built.description.content.findLast((b) => b.type === 'codeBlock');
  return block?.type === 'codeBlock' ? block.content.map((t) => t.text).join('') : '';
}

describe('build-issue', () => {
  describe('buildIssue', () => {
    it.each(sampleAlerts().map((s) => [s.file, s.body] as const))(
      'builds a valid issue for %s in SEC and OPS',
      (_file, body) => {
        for (const config of [secConfig(), opsConfig()]) {
          // Act
          const built = build(body, config);

          // Assess
          expect(adfErrors(built.fields['description'])).toEqual([]);
          expect(descriptionSize(built.description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
          const summary = summaryOf(built);
          expect(summary.length).toBeGreaterThan(0);
          expect(summary.length).toBeLessThanOrEqual(255);
          expect(summary).not.toMatch(/[\n\r\t]/);
          expect(built.fields['project']).toEqual({ id: config.project.id });
          expect(built.fields['issuetype']).toEqual({ id: built.issueTypeId });
          expect(labelsOf(built)).toEqual(expect.arrayContaining(['keeper', built.label]));
          expect(labelsOf(built).every((l) => !/\s/.test(l) && l.length <= 255)).toBe(true);
          for (const [fieldId, value] of Object.entries(built.fields)) {
            if (value !== null && typeof value === 'object' && (value as { type?: unknown }).type === 'doc') {
              expect(adfErrors(value), fieldId).toEqual([]);
            }
          }
        }
      },
    );

    it('builds the seed example with Keeper’s documented mapping', () => {
      // Act
      const built = build(sampleAlert('01'));

      // Assess
      expect(built.fields['summary']).toBe('Jira Alerts: audit_alert_resumed');
      expect(built.fields[F.eventType]).toBe('audit_alert_resumed');
      expect(built.fields[F.remoteIp]).toBe('110.227.52.162');
      expect(built.fields[F.alertTimestamp]).toBe('2025-11-05T05:00:28.091+0000');
      expect(built.issueTypeId).toBe(TASK);
      expect(built.fields['priority']).toEqual({ id: PRIORITY.medium });
      expect(built).toMatchObject({ priorityId: PRIORITY.medium, priorityName: 'Medium', dropped: [] });
      expect(labelsOf(built)).toEqual(['keeper', 'audit_alert_resumed', built.label]);
    });

    it('shows nested fields of a #json body in the table by dot path', () => {
      // Act
      const built = build(sampleAlert('21'));

      // Assess
      expect(adfTexts(built.description)).toContain('event.record_uid');
      expect(built.fields[F.eventType]).toBe('bw_record_high_risk');
      expect(built.issueTypeId).toBe(INCIDENT);
    });

    it('tickets an unparsed body with its raw text, a warning and the unparsed label', () => {
      // Prepare
      const body = '{"alert_name": "He said "hi"", "audit_event": "login_failure"}';

      // Act
      const built = build(body);
      const texts = adfTexts(built.description);

      // Assess
      expect(summaryOf(built)).toBe(`Keeper alert (unparsed body): ${body}`);
      expect(labelsOf(built)).toEqual(['keeper', 'unknown', built.label, 'keeper-unparsed']);
      expect(texts).toContain(body);
      expect(texts).toContain('Unparsed alert body.');
      expect(built.description.content.some((b) => b.type === 'panel' && b.attrs.panelType === 'warning')).toBe(true);
      expect(adfErrors(built.description)).toEqual([]);
      expect(built.fields[F.remoteIp]).toBeUndefined();
    });

    it('marks a test alert with a panel, a label and a summary prefix', () => {
      // Act
      const built = build(sampleAlert('01'), secConfig(), true);

      // Assess
      expect(summaryOf(built)).toBe('[Test] Jira Alerts: audit_alert_resumed');
      expect(labelsOf(built)).toContain('keeper-test');
      expect(built.description.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'info' } });
    });

    it('lets the per-event issue type and priority win over the per-category ones', () => {
      // Prepare
      const config = secConfig({
        issueTypeMapping: { byEvent: { bw_record_high_risk: TASK }, byCategory: { breachwatch: INCIDENT } },
      });

      // Act
      const loginFailure = build(sampleAlert('10'));
      const breach = build(sampleAlert('11'), config);
      const breachByCategory = build(sampleAlert('11'));
      const twoFactorOff = build(sampleAlert('17'));

      // Assess
      expect(loginFailure.priorityId).toBe(PRIORITY.medium);
      expect(breach.issueTypeId).toBe(TASK);
      expect(breachByCategory.issueTypeId).toBe(INCIDENT);
      expect(breachByCategory.priorityName).toBe('Highest');
      expect(twoFactorOff.issueTypeId).toBe(INCIDENT);
      expect(twoFactorOff.priorityName).toBe('High');
    });

    it('uses the default issue type and no priority when nothing maps the alert', () => {
      // Act
      const built = build(sampleAlert('18'));

      // Assess
      expect(built.issueTypeId).toBe(TASK);
      expect(built.fields['priority']).toBeUndefined();
      expect(built.priorityId).toBeUndefined();
    });

    it('drops the priority with a reason when the team-managed issue type has no Priority field', () => {
      // Act
      const built = build(sampleAlert('11'), opsConfig());

      // Assess
      expect(built.issueTypeId).toBe(OPS_TASK);
      expect(built.fields['priority']).toBeUndefined();
      expect(built.priorityId).toBeUndefined();
      expect(built.dropped).toEqual([
        {
          fieldId: 'priority',
          fieldName: 'Priority',
          reason: 'Priority is not on the create screen of issue type Task in project OPS',
        },
      ]);
      expect(built.fields['customfield_10300']).toBe('198.51.100.77');
    });

    it('drops a priority the issue type does not allow', () => {
      // Act
      const built = build(
        sampleAlert('18'),
        secConfig({ priorityMapping: { byEvent: {}, byCategory: {}, defaultPriorityId: '99' } }),
      );

      // Assess
      expect(built.fields['priority']).toBeUndefined();
      expect(built.dropped).toEqual([
        {
          fieldId: 'priority',
          fieldName: 'Priority',
          reason: 'priority id 99 is not allowed for issue type Task in project SEC',
        },
      ]);
    });

    it('sets the parent when the chosen type is a sub-task and a parent is configured', () => {
      // Act
      const built = build(sampleAlert('01'), secConfig({ defaultIssueTypeId: SUBTASK, parentIssueKey: 'SEC-7' }));

      // Assess
      expect(built.issueTypeId).toBe(SUBTASK);
      expect(built.fields['parent']).toEqual({ key: 'SEC-7' });
    });

    it('falls back to the default type when a mapped sub-task type has no parent', () => {
      // Act
      const built = build(
        sampleAlert('11'),
        secConfig({ issueTypeMapping: { byEvent: {}, byCategory: { breachwatch: SUBTASK } } }),
      );

      // Assess
      expect(built.issueTypeId).toBe(TASK);
      expect(built.fields['parent']).toBeUndefined();
      expect(built.dropped[0]?.fieldId).toBe('issuetype');
      expect(built.dropped[0]?.reason).toContain('sub-task');
    });

    it('drops a mapped field that is not on the chosen issue type’s screen', () => {
      // Prepare
      const config = secConfig({ fieldMappings: [{ fieldId: F.deviceName, constant: 'laptop-7' }] });

      // Act
      const onIncident = build(sampleAlert('11'), config);
      const onTask = build(sampleAlert('15'), config);

      // Assess
      expect(onIncident.fields[F.deviceName]).toBeUndefined();
      expect(onIncident.dropped).toEqual([
        {
          fieldId: F.deviceName,
          fieldName: 'Device Name',
          reason: 'not on the create screen of issue type Incident in project SEC',
        },
      ]);
      expect(onTask.fields[F.deviceName]).toBe('laptop-7');
    });

    it('lets a summary mapping override the template and a description mapping choose the readable text', () => {
      // Prepare
      const config = secConfig({
        fieldMappings: [
          { fieldId: 'summary', source: 'record_uid' },
          { fieldId: 'description', constant: 'Check this record now.' },
        ],
      });

      // Act
      const built = build(sampleAlert('11'), config);

      // Assess
      expect(built.fields['summary']).toBe('NX4dQ1u0r3hZb8pW2sVt5A');
      expect(adfTexts(built.description)).toContain('Check this record now.');
      expect(built.description.content.some((b) => b.type === 'table')).toBe(true);
    });

    it('adds mapped labels to the relay’s own labels', () => {
      // Act
      const built = build(
        sampleAlert('13'),
        secConfig({ fieldMappings: [{ fieldId: 'labels', constant: 'external share, keeper' }] }),
      );

      // Assess
      expect(labelsOf(built)).toEqual(['keeper', 'record_share_outside_user', built.label, 'external-share']);
    });

    it('lets a priority field mapping win over the category rule when it resolves', () => {
      // Prepare
      const mapped = secConfig({ fieldMappings: [{ fieldId: 'priority', constant: 'low' }] });
      const unmatched = secConfig({ fieldMappings: [{ fieldId: 'priority', source: 'alert_name' }] });

      // Act
      const lowered = build(sampleAlert('11'), mapped);
      const fallback = build(sampleAlert('11'), unmatched);

      // Assess
      expect(lowered).toMatchObject({ priorityId: PRIORITY.low, priorityName: 'Low' });
      expect(fallback.priorityId).toBe(PRIORITY.highest);
      expect(fallback.dropped[0]).toMatchObject({ fieldId: 'priority', fieldName: 'Priority' });
    });

    it('ignores mappings to fields the relay sets itself', () => {
      // Act
      const built = build(sampleAlert('01'), secConfig({ fieldMappings: [{ fieldId: 'project', constant: 'OPS' }] }));

      // Assess
      expect(built.fields['project']).toEqual({ id: '10000' });
      expect(built.dropped).toEqual([
        { fieldId: 'project', reason: 'project is set by the relay; the mapping is ignored' },
      ]);
    });
  });

  describe('hostile bodies', () => {
    it.each(hostileBodies('n1').map((b) => [b.name, b] as const))(
      'builds a valid issue that fits Jira for %s',
      (_name, hostile) => {
        // Prepare: templates and mappings that read deep into the payload, and the raw event.
        const body = hostile.bytes.toString('utf8');
        const deepReader = secConfig({
          summaryTemplate: '{alert_name} {description} {description.a.a.a} {event} {constructor.prototype}',
          fieldMappings: [
            { fieldId: 'description', source: 'description' },
            { fieldId: F.eventType, source: 'description.a' },
            { fieldId: F.remoteIp, source: 'event' },
            { fieldId: F.alertTimestamp, source: 'timestamp' },
            { fieldId: 'labels', source: 'event' },
          ],
        });

        for (const config of [secConfig(), opsConfig(), deepReader]) {
          // Act
          const built = build(body, config);

          // Assess
          expect(adfErrors(built.description)).toEqual([]);
          expect(descriptionSize(built.description)).toBeLessThanOrEqual(DESCRIPTION_MAX_CHARS);
          expect(summaryOf(built).length).toBeGreaterThan(0);
          expect(summaryOf(built).length).toBeLessThanOrEqual(255);
          expect(labelsOf(built).every((l) => l.length <= 255 && !/\s/.test(l))).toBe(true);
          expect(() => JSON.stringify(built.fields)).not.toThrow();
          expect(built.attachment === undefined).toBe(codeBlockText(built) === body);
          expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
        }
      },
    );
  });

  describe('withoutFields', () => {
    it('removes the refused fields, records Jira’s message and says so in the description', () => {
      // Prepare
      const config = secConfig();
      const built = build(sampleAlert('11'), config);
      const errors = {
        [F.remoteIp]: "Field 'customfield_10060' cannot be set. It is not on the appropriate screen, or unknown.",
        priority: "Field 'priority' cannot be set. It is not on the appropriate screen, or unknown.",
      };

      // Act
      const reduced = withoutFields(built, errors, config);

      // Assess
      expect(reduced).toBeDefined();
      if (!reduced) return;
      expect(reduced.fields[F.remoteIp]).toBeUndefined();
      expect(reduced.fields['priority']).toBeUndefined();
      expect(reduced.priorityId).toBeUndefined();
      expect(reduced.fields['summary']).toBe(built.fields['summary']);
      expect(reduced.fields[F.eventType]).toBe('bw_record_high_risk');
      expect(reduced.dropped).toEqual([
        { fieldId: F.remoteIp, fieldName: 'Remote IP Address', reason: `Jira refused it: ${errors[F.remoteIp]}` },
        { fieldId: 'priority', fieldName: 'Priority', reason: `Jira refused it: ${errors.priority}` },
      ]);
      expect(reduced.description.content[0]).toMatchObject({ type: 'panel', attrs: { panelType: 'warning' } });
      expect(adfTexts(reduced.description)).toContain('Remote IP Address (customfield_10060)');
      expect(reduced.fields['description']).toBe(reduced.description);
      expect(adfErrors(reduced.description)).toEqual([]);
      expect(built.fields[F.remoteIp]).toBe('198.51.100.77');
    });

    it('answers undefined when only project, issue type, summary or absent fields were refused', () => {
      // Prepare
      const config = secConfig();
      const built = build(sampleAlert('01'), config);

      // Act
      const reduced = withoutFields(
        built,
        { summary: 'Summary is wrong', issuetype: 'bad', customfield_99999: 'Team is required.' },
        config,
      );

      // Assess
      expect(reduced).toBeUndefined();
    });

    it('replaces a refused description with a short one rather than removing it', () => {
      // Prepare
      const config = secConfig();
      const built = build(sampleAlert('01'), config);

      // Act
      const reduced = withoutFields(built, { description: 'The entered text is too long.' }, config);

      // Assess
      expect(reduced?.fields['description']).toBeDefined();
      expect(adfErrors(reduced?.fields['description'])).toEqual([]);
      expect(adfTexts(reduced?.description)).toContain(built.label);
      expect(reduced?.dropped).toEqual([
        { fieldId: 'description', fieldName: 'Description', reason: 'Jira refused it: The entered text is too long.' },
      ]);
    });

    it('keeps a maximal description under Jira’s limit after adding the warning', () => {
      // Prepare
      const config = secConfig();
      const payload: Record<string, unknown> = {
        alert_name: 'Huge',
        audit_event: 'login_failure',
        remote_address: '192.0.2.1',
        blob: 'x'.repeat(60_000),
      };
      const built = build(JSON.stringify(payload), config);
      const errors = Object.fromEntries(
        [F.remoteIp, F.eventType, F.alertTimestamp, 'labels'].map((id) => [
          id,
          `Field '${id}' cannot be set. ${'Long reason. '.repeat(30)}`,
        ]),
      );

      // Act
      const reduced = withoutFields(built, errors, config);

      // Assess
      expect(reduced).toBeDefined();
      expect(JSON.stringify(reduced?.description).length).toBeLessThan(32_767);
      expect(adfErrors(reduced?.description)).toEqual([]);
    });
  });
});
