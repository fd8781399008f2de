import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { createMetrics, relayMetricsFrom } from '#adapters/powertools-metrics.ts';
import { createLogger } from '#shared/logging.ts';
import { capturedOutput, jsonLines } from '#test-support/captured-output.ts';

const context = { functionName: 'relay-deliver' } as Context;

/** A handler wired like the Lambda entries: one flush of the business metrics per invocation. */
function handlerEmitting(emit: (metrics: ReturnType<typeof relayMetricsFrom>) => void) {
  const metrics = createMetrics(createLogger({ LOG_LEVEL: 'INFO' }));
  const relay = relayMetricsFrom(metrics);
  return middy(async () => {
    emit(relay);
    return 'done';
  }).use(logMetrics(metrics));
}

describe('powertools-metrics', () => {
  it('writes one EMF line per invocation in the KeeperJiraRelay namespace with the service dimension', async () => {
    // Prepare
    const handler = handlerEmitting((m) => {
      m.count('AlertsReceived');
      m.count('AlertsDelivered');
      m.duration('TimeToTicket', 850);
    });

    // Act
    const lines = await capturedOutput(() => handler({}, context));

    // Assess
    const [emf, ...rest] = jsonLines(lines);
    expect(rest).toEqual([]);
    expect(emf).toMatchObject({
      _aws: {
        CloudWatchMetrics: [
          {
            Namespace: 'KeeperJiraRelay',
            Dimensions: [['service']],
            Metrics: expect.arrayContaining([
              { Name: 'AlertsReceived', Unit: 'Count' },
              { Name: 'AlertsDelivered', Unit: 'Count' },
              { Name: 'TimeToTicket', Unit: 'Milliseconds' },
            ]),
          },
        ],
      },
      service: 'keeper-jira-relay',
      AlertsReceived: 1,
      AlertsDelivered: 1,
      TimeToTicket: 850,
    });
  });

  it('writes gauges with their units and sums nothing across invocations', async () => {
    // Prepare
    const handler = handlerEmitting((m) => {
      m.gauge('ConnectionReconnectRequired', 1, 'Count');
      m.gauge('GrantDaysRemaining', 25, 'None');
    });

    // Act
    const first = jsonLines(await capturedOutput(() => handler({}, context)));
    const second = jsonLines(await capturedOutput(() => handler({}, context)));

    // Assess
    for (const lines of [first, second]) {
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ ConnectionReconnectRequired: 1, GrantDaysRemaining: 25 });
      expect(JSON.stringify(lines[0])).toContain('{"Name":"GrantDaysRemaining","Unit":"None"}');
    }
  });

  it('stays silent for an invocation without a business event (most admin requests)', async () => {
    // Prepare
    const handler = handlerEmitting(() => undefined);

    // Act
    const lines = await capturedOutput(() => handler({}, context));

    // Assess
    expect(lines).toEqual([]);
  });
});
