import { describe, expect, it } from 'vitest';
import { failureAttributes } from '#shared/http-errors.ts';
import { createLogger, eventLogFrom, safeAttributes } from '#shared/logging.ts';
import { capturedOutput, jsonLines } from '#test-support/captured-output.ts';

describe('logging', () => {
  it('keeps the error text of a failure in the Powertools log line', async () => {
    // Prepare
    const log = eventLogFrom(createLogger({ LOG_LEVEL: 'INFO' }));

    // Act
    const lines = await capturedOutput(() =>
      log.error('Webhook failed', { alertId: 'a1', ...failureAttributes(new Error('socket hang up')) }),
    );

    // Assess
    expect(jsonLines(lines)).toEqual([
      expect.objectContaining({
        level: 'ERROR',
        message: 'Webhook failed',
        alertId: 'a1',
        errorName: 'Error',
        errorMessage: 'socket hang up',
      }),
    ]);
  });

  it('renames attributes the logger reserves instead of losing them', async () => {
    // Prepare
    const log = eventLogFrom(createLogger({ LOG_LEVEL: 'INFO' }));

    // Act
    const lines = await capturedOutput(() =>
      log.warn('Jira refused mapped fields', {
        message: 'Field cannot be set',
        level: 'x',
        service: 'jira',
        timestamp: 'then',
        sampling_rate: 1,
        alertId: 'a1',
      }),
    );

    // Assess
    const written = jsonLines(lines);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      level: 'WARN',
      message: 'Jira refused mapped fields',
      service: 'keeper-jira-relay',
      messageAttribute: 'Field cannot be set',
      levelAttribute: 'x',
      serviceAttribute: 'jira',
      timestampAttribute: 'then',
      sampling_rateAttribute: 1,
      alertId: 'a1',
    });
    expect(lines.join('\n')).not.toMatch(/reserved key/);
  });

  it('needs the renaming: Powertools drops a reserved attribute with a warning', async () => {
    // Prepare
    const logger = createLogger({ LOG_LEVEL: 'INFO' });

    // Act
    const lines = await capturedOutput(() => logger.error('Webhook failed', { message: 'socket hang up' }));

    // Assess
    expect(lines.join('\n')).not.toContain('socket hang up');
    expect(jsonLines(lines)).toContainEqual(
      expect.objectContaining({ level: 'WARN', message: 'The key "message" is a reserved key and will be dropped.' }),
    );
  });

  it('passes attributes without reserved keys through as they are', () => {
    // Prepare
    const attributes = { alertId: 'a1', errorMessage: 'x' };

    // Act
    const safe = safeAttributes(attributes);

    // Assess
    expect(safe).toBe(attributes);
    expect(safeAttributes(undefined)).toEqual({});
  });
});
