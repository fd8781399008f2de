/**
 * Preview, export and import of the configuration against the local runtime and the Jira stand-in,
 * the way the admin site uses them: a draft with a grouping rule previewed over the alerts just
 * received (and no Jira write while previewing), the configuration exported and imported back as
 * the next version, and a document with a bad rule refused with the paths of its problems.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StatsSnapshot } from '#local/jira-stand-in/stats.ts';
import { type LocalRuntime, startLocalRuntime } from '#local/runtime.ts';
import type { ConfigDocumentDto, ConfigDto, PreviewDto } from '#shared/admin-api-types.ts';
import { uniqueAlert } from '#test-support/alert-bodies.ts';
import { type ConfiguredRelay, configureRelay } from '#test-support/configured-relay.ts';
import { postAlert } from '#test-support/relay-client.ts';

let runtime: LocalRuntime;
let dataDir: string;
let relay: ConfiguredRelay;

async function standIn<T>(method: string, path: string): Promise<T> {
  const response = await fetch(`${runtime.jiraUrl}/_stand-in${path}`, { method });
  return (await response.json()) as T;
}

const issueCount = async () => (await standIn<{ issues: unknown[] }>('GET', '/issues')).issues.length;

/** Jira calls that change something: anything but a read, the OAuth token exchange aside. */
function writesIn(stats: StatsSnapshot): string[] {
  return Object.keys(stats.byRoute).filter((route) => !route.startsWith('GET ') && !route.includes('/oauth/token'));
}

const failedLogins = {
  id: 'failed-logins',
  name: 'Failed logins per user',
  enabled: true,
  when: { match: 'all', clauses: [{ kind: 'event', in: ['login_failure'] }] },
  actions: {
    grouping: {
      key: ['audit_event', 'username'],
      windowMinutes: 60,
      commentIntervalSeconds: 60,
      reopenWindowHours: 24,
    },
  },
};

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'relay-preview-'));
  runtime = await startLocalRuntime({ port: 0, jiraPort: 0, dataDir, quiet: true });
  relay = await configureRelay(runtime.url);
  // 30 failed logins of one user and 5 shares by others, each delivered as its own ticket today.
  const bodies = [
    ...Array.from({ length: 30 }, () => uniqueAlert({ username: 'mallory@example.com' })),
    ...Array.from({ length: 5 }, (_, i) =>
      uniqueAlert({ audit_event: 'record_share_outside_user', category: 'share', username: `user${i}@example.com` }),
    ),
  ].map((alert) => JSON.stringify(alert));
  for (const body of bodies) {
    const answer = await postAlert(runtime.url, body, relay.token);
    if (answer.status !== 201) throw new Error(`an alert was answered ${answer.status}`);
  }
});

afterAll(async () => {
  await runtime?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('configuration preview, export and import (local runtime + Jira stand-in)', () => {
  it('previews a grouping rule as far fewer tickets than today, without writing to Jira', async () => {
    // Prepare
    const saved = (await relay.admin.call<{ config: ConfigDto }>('GET', '/api/config')).body.config;
    const issuesBefore = await issueCount();
    await standIn('DELETE', '/stats');

    // Act
    const preview = await relay.admin.call<PreviewDto>('POST', '/api/config/preview', {
      draft: { projectKey: 'SEC', defaultIssueTypeId: saved.defaultIssueTypeId, rules: [failedLogins] },
    });

    // Assess
    expect(preview.status).toBe(200);
    expect(preview.body.alerts).toBe(35);
    expect(preview.body.current).toMatchObject({ tickets: 35, grouped: 0 });
    expect(preview.body.draft).toMatchObject({ tickets: 6, grouped: 29 });
    const mallory = preview.body.rows.filter((row) => row.username === 'mallory@example.com');
    expect(mallory.map((row) => row.draft.outcome)).toEqual(['new-issue', ...Array(29).fill('comment')]);
    expect(mallory[0]?.draft).toMatchObject({
      projectKey: 'SEC',
      issueTypeName: 'Task',
      rule: { id: 'failed-logins' },
    });
    expect(preview.body.rows.filter((row) => row.changed)).toHaveLength(30);
    expect(writesIn(await standIn<StatsSnapshot>('GET', '/stats'))).toEqual([]);
    expect(await issueCount()).toBe(issuesBefore);
  });

  it('exports the configuration and imports it back into the same relay as the next version', async () => {
    // Prepare
    const current = (await relay.admin.call<{ config: ConfigDto }>('GET', '/api/config')).body.config;
    const saving = await relay.admin.call<{ config: ConfigDto }>('PUT', '/api/config', {
      expectedVersion: current.version,
      projectKey: 'SEC',
      defaultIssueTypeId: current.defaultIssueTypeId,
      rules: [failedLogins],
    });
    const saved = saving.body.config;
    const download = await fetch(`${runtime.url}/api/config/export`, {
      headers: { cookie: `relay_session=${relay.session}` },
    });
    const exported = (await download.json()) as ConfigDocumentDto;

    // Act
    const imported = await relay.admin.call<{ config: ConfigDto }>('POST', '/api/config/import', {
      document: exported,
      expectedVersion: saved.version,
    });
    const again = await relay.admin.call<ConfigDocumentDto>('GET', '/api/config/export');

    // Assess
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toBe(
      `attachment; filename="keeper-jira-relay-config-v${saved.version}.json"`,
    );
    expect(exported).toMatchObject({
      format: 'keeper-jira-relay/config',
      formatVersion: 1,
      source: { configVersion: saved.version },
      config: { projectKey: 'SEC', rules: [failedLogins] },
    });
    expect(imported.status).toBe(200);
    expect(imported.body.config.version).toBe(saved.version + 1);
    expect(again.body.config).toEqual(exported.config);
    expect(again.body.source.configVersion).toBe(saved.version + 1);
  });

  it('refuses a document with a bad rule with 400 and the paths of its problems', async () => {
    // Prepare
    const current = (await relay.admin.call<{ config: ConfigDto }>('GET', '/api/config')).body.config;
    const exported = (await relay.admin.call<ConfigDocumentDto>('GET', '/api/config/export')).body;
    const document = {
      ...exported,
      config: {
        ...exported.config,
        rules: [{ ...failedLogins, id: 'Failed Logins!', actions: { ...failedLogins.actions, stormCap: 0 } }],
      },
    };

    // Act
    const refused = await relay.admin.call<{ error: string; problems: { path: string }[] }>(
      'POST',
      '/api/config/import',
      { document, expectedVersion: current.version },
    );
    const after = (await relay.admin.call<{ config: ConfigDto }>('GET', '/api/config')).body.config;

    // Assess
    expect(refused.status).toBe(400);
    expect(refused.body.error).toBe('VALIDATION_FAILED');
    expect(refused.body.problems.map((p) => p.path)).toEqual(['rules.0.id', 'rules.0.actions.stormCap']);
    expect(after.version).toBe(current.version);
  });
});
