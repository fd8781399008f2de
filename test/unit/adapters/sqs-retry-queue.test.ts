import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { clampDelaySeconds, parseRetryMessage, SqsRetryQueue } from '#adapters/sqs-retry-queue.ts';
import { ValidationError } from '#domain/errors.ts';

const sqs = mockClient(SQSClient);
const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/111111111111/retry';
const deadLetterQueueUrl = 'https://sqs.eu-west-1.amazonaws.com/111111111111/retry-dlq';
const now = new Date('2030-01-01T00:00:00.000Z');

function queue(): SqsRetryQueue {
  return new SqsRetryQueue({
    client: new SQSClient({ region: 'eu-west-1' }),
    queueUrl,
    deadLetterQueueUrl,
    clock: { now: () => now },
  });
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
});

describe('SqsRetryQueue', () => {
  it('sends the alert id to the retry queue with the delay', async () => {
    // Act
    await queue().enqueue({ alertId: 'a-1' }, 120);

    // Assess
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
      QueueUrl: queueUrl,
      MessageBody: '{"alertId":"a-1"}',
      DelaySeconds: 120,
    });
  });

  it.each([
    [3600, 900],
    [-5, 0],
    [1.2, 2],
    [Number.NaN, 0],
    [Number.POSITIVE_INFINITY, 900],
  ])('clamps a delay of %s seconds to %s', async (requested, sent) => {
    // Act
    await queue().enqueue({ alertId: 'a-1' }, requested);

    // Assess
    expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.DelaySeconds).toBe(sent);
    expect(clampDelaySeconds(requested)).toBe(sent);
  });

  it('parks a message on the dead-letter queue with the reason and time', async () => {
    // Act
    await queue().deadLetter({ alertId: 'a-1' }, 'Jira answered 503 eight times');

    // Assess
    const input = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input;
    expect(input?.QueueUrl).toBe(deadLetterQueueUrl);
    expect(JSON.parse(input?.MessageBody ?? '')).toEqual({
      alertId: 'a-1',
      reason: 'Jira answered 503 eight times',
      at: '2030-01-01T00:00:00.000Z',
    });
  });
});

describe('parseRetryMessage', () => {
  it('reads the alert id and ignores the extra fields of a redriven DLQ message', () => {
    // Act
    const message = parseRetryMessage('{"alertId":"a-1","reason":"x","at":"2030-01-01T00:00:00.000Z"}');

    // Assess
    expect(message).toEqual({ alertId: 'a-1' });
  });

  it.each(['not json', '{}', '{"alertId":""}', '{"alertId":42}', '["a-1"]'])('refuses %s', (body) => {
    // Act
    const parse = () => parseRetryMessage(body);

    // Assess
    expect(parse).toThrow(ValidationError);
  });
});
