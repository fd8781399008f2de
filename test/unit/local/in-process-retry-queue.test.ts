import type { ScheduledEvent, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InProcessRetryQueue, type RetryConsumer } from '#local/in-process-retry-queue.ts';

type Invocation = SQSEvent | ScheduledEvent;

/** A consumer that records what it receives and answers with `answer` (all succeed by default). */
function recordingConsumer(answer: (event: SQSEvent) => SQSBatchResponse = () => ({ batchItemFailures: [] })) {
  const events: Invocation[] = [];
  const consumer: RetryConsumer = async (event) => {
    events.push(event);
    return 'Records' in event ? answer(event) : { requeued: 0 };
  };
  const sqsEvents = () => events.filter((e): e is SQSEvent => 'Records' in e);
  const bodies = () => sqsEvents().flatMap((e) => e.Records.map((r) => r.body));
  return { consumer, events, sqsEvents, bodies };
}

let queue: InProcessRetryQueue | undefined;

// Fake timers push a zero-delay timer set inside a timer callback 1 ms later; the waits below leave a
// few milliseconds of slack at each deadline for that.

beforeEach(() => {
  vi.useFakeTimers();
});

afterEach(() => {
  queue?.close();
  queue = undefined;
  vi.useRealTimers();
});

describe('InProcessRetryQueue', () => {
  it('hands an enqueued message to the consumer after its delay, as an SQS event with the SQS adapter body', async () => {
    // Prepare
    queue = new InProcessRetryQueue();
    const received = recordingConsumer();
    queue.attach(received.consumer);

    // Act
    await queue.enqueue({ alertId: 'a-1' }, 5);
    await vi.advanceTimersByTimeAsync(4_900);
    const beforeDelay = received.events.length;
    await vi.advanceTimersByTimeAsync(200);

    // Assess
    expect(beforeDelay).toBe(0);
    const record = received.sqsEvents()[0]?.Records[0];
    expect(received.sqsEvents()).toHaveLength(1);
    expect(record?.body).toBe('{"alertId":"a-1"}');
    expect(record?.eventSource).toBe('aws:sqs');
    expect(record?.messageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(record?.attributes.ApproximateReceiveCount).toBe('1');
  });

  it('caps a delay at SQS maximum of 15 minutes', async () => {
    // Prepare
    queue = new InProcessRetryQueue();
    const received = recordingConsumer();
    queue.attach(received.consumer);

    // Act
    await queue.enqueue({ alertId: 'a-1' }, 3_600);
    await vi.advanceTimersByTimeAsync(900_010);

    // Assess
    expect(received.bodies()).toEqual(['{"alertId":"a-1"}']);
  });

  it('delivers messages that become visible together in batches of at most 10', async () => {
    // Prepare
    queue = new InProcessRetryQueue();
    const received = recordingConsumer();
    queue.attach(received.consumer);

    // Act
    for (let i = 0; i < 12; i++) await queue.enqueue({ alertId: `a-${i}` }, 1);
    await vi.advanceTimersByTimeAsync(1_010);

    // Assess
    expect(received.sqsEvents().map((e) => e.Records.length)).toEqual([10, 2]);
    expect(new Set(received.bodies()).size).toBe(12);
  });

  it('hands at most 5 batches to the consumer at a time, like the event source, and the rest in order as batches finish', async () => {
    // Prepare: a consumer that holds every batch until told to finish it
    queue = new InProcessRetryQueue();
    const batches: { ids: string[]; finish: () => void }[] = [];
    queue.attach(async (event) => {
      if (!('Records' in event)) return { requeued: 0 };
      await new Promise<void>((finish) => {
        batches.push({ ids: event.Records.map((r) => (JSON.parse(r.body) as { alertId: string }).alertId), finish });
      });
      return { batchItemFailures: [] };
    });

    // Act: 70 messages come due together
    for (let i = 0; i < 70; i += 1) await queue.enqueue({ alertId: `a-${i}` }, 0);
    await vi.advanceTimersByTimeAsync(10);
    const startedTogether = batches.length;
    batches[0]?.finish();
    await vi.advanceTimersByTimeAsync(10);

    // Assess
    expect(startedTogether).toBe(5);
    expect(batches).toHaveLength(6);
    expect(batches[5]?.ids[0]).toBe('a-50');
    for (const batch of batches) batch.finish();
  });

  it('keeps messages until a consumer is attached', async () => {
    // Prepare
    queue = new InProcessRetryQueue();
    const received = recordingConsumer();
    await queue.enqueue({ alertId: 'early' }, 0);
    await vi.advanceTimersByTimeAsync(1_000);

    // Act
    queue.attach(received.consumer);
    await vi.advanceTimersByTimeAsync(10);

    // Assess
    expect(received.bodies()).toEqual(['{"alertId":"early"}']);
  });

  it('redelivers only the batch item failures, after the visibility timeout, with the receive count raised', async () => {
    // Prepare: the consumer fails the message for alert "bad" every time
    queue = new InProcessRetryQueue({ visibilityTimeoutSeconds: 30 });
    const received = recordingConsumer((event) => ({
      batchItemFailures: event.Records.filter((r) => r.body.includes('bad')).map((r) => ({
        itemIdentifier: r.messageId,
      })),
    }));
    queue.attach(received.consumer);
    await queue.enqueue({ alertId: 'good' }, 0);
    await queue.enqueue({ alertId: 'bad' }, 0);
    await vi.advanceTimersByTimeAsync(10);

    // Act
    await vi.advanceTimersByTimeAsync(29_900);
    const beforeTimeout = received.sqsEvents().length;
    await vi.advanceTimersByTimeAsync(200);

    // Assess
    expect(beforeTimeout).toBe(1);
    const redelivered = received.sqsEvents()[1]?.Records ?? [];
    expect(redelivered.map((r) => r.body)).toEqual(['{"alertId":"bad"}']);
    expect(redelivered[0]?.messageId).toBe(received.sqsEvents()[0]?.Records[1]?.messageId);
    expect(redelivered[0]?.attributes.ApproximateReceiveCount).toBe('2');
  });

  it('redelivers the whole batch when the consumer throws, and reports the failure', async () => {
    // Prepare
    const errors: string[] = [];
    queue = new InProcessRetryQueue({ visibilityTimeoutSeconds: 10, onError: (message) => errors.push(message) });
    let calls = 0;
    const bodies: string[] = [];
    queue.attach(async (event) => {
      if (!('Records' in event)) return { requeued: 0 };
      bodies.push(...event.Records.map((r) => r.body));
      calls += 1;
      if (calls === 1) throw new Error('ledger unreachable');
      return { batchItemFailures: [] };
    });
    await queue.enqueue({ alertId: 'a-1' }, 0);
    await queue.enqueue({ alertId: 'a-2' }, 0);

    // Act
    await vi.advanceTimersByTimeAsync(10_100);
    await vi.advanceTimersByTimeAsync(60_000);

    // Assess
    expect(calls).toBe(2);
    expect(bodies).toEqual(['{"alertId":"a-1"}', '{"alertId":"a-2"}', '{"alertId":"a-1"}', '{"alertId":"a-2"}']);
    expect(errors).toEqual(['Retry queue batch failed']);
  });

  it('moves a message that keeps failing to the dead letters after maxReceiveCount receives', async () => {
    // Prepare: a body no consumer can read, failed every time
    queue = new InProcessRetryQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 5 });
    const received = recordingConsumer((event) => ({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
    }));
    queue.attach(received.consumer);

    // Act
    queue.send('not json', 0);
    await vi.advanceTimersByTimeAsync(60_000);

    // Assess
    expect(received.bodies()).toEqual(Array.from({ length: 5 }, () => 'not json'));
    expect(queue.deadLetters).toEqual([{ body: 'not json', reason: 'received 5 times', at: expect.any(String) }]);
  });

  it('keeps an explicitly dead-lettered alert with its reason', async () => {
    // Prepare
    queue = new InProcessRetryQueue();

    // Act
    await queue.deadLetter({ alertId: 'a-1' }, 'Jira answered 503 eight times');

    // Assess
    expect(queue.deadLetters).toEqual([
      { body: '{"alertId":"a-1"}', reason: 'Jira answered 503 eight times', at: expect.any(String) },
    ]);
  });

  it('runs the stalled-alert sweep with a scheduled event at the configured interval', async () => {
    // Prepare
    queue = new InProcessRetryQueue({ sweepIntervalMs: 1_000 });
    const received = recordingConsumer();
    queue.attach(received.consumer);

    // Act
    await vi.advanceTimersByTimeAsync(3_500);

    // Assess
    const scheduled = received.events.filter((e): e is ScheduledEvent => !('Records' in e));
    expect(scheduled).toHaveLength(3);
    expect(scheduled[0]?.['detail-type']).toBe('Scheduled Event');
    expect(scheduled[0]?.source).toBe('aws.events');
    expect(received.sqsEvents()).toHaveLength(0);
  });

  it('sweeps every 5 minutes by default, like the EventBridge rule', async () => {
    // Prepare
    queue = new InProcessRetryQueue();
    const received = recordingConsumer();
    queue.attach(received.consumer);

    // Act
    await vi.advanceTimersByTimeAsync(299_000);
    const early = received.events.length;
    await vi.advanceTimersByTimeAsync(1_000);

    // Assess
    expect(early).toBe(0);
    expect(received.events).toHaveLength(1);
  });

  it('reports a sweep that throws and sweeps again on the next tick', async () => {
    // Prepare
    const errors: string[] = [];
    queue = new InProcessRetryQueue({ sweepIntervalMs: 1_000, onError: (message) => errors.push(message) });
    let sweeps = 0;
    queue.attach(async () => {
      sweeps += 1;
      if (sweeps === 1) throw new Error('ledger unreachable');
      return { requeued: 0 };
    });

    // Act
    await vi.advanceTimersByTimeAsync(2_000);

    // Assess
    expect(sweeps).toBe(2);
    expect(errors).toEqual(['Stalled-alert sweep failed']);
  });

  it('stops every timer on close: no delivery, no redelivery, no sweep afterwards', async () => {
    // Prepare: one message waiting, one in flight that will fail
    queue = new InProcessRetryQueue({ sweepIntervalMs: 1_000, visibilityTimeoutSeconds: 1 });
    let release: () => void = () => undefined;
    const inFlight = new Promise<void>((resolve) => {
      release = resolve;
    });
    const events: Invocation[] = [];
    queue.attach(async (event) => {
      events.push(event);
      if (!('Records' in event)) return { requeued: 0 };
      await inFlight;
      return { batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })) };
    });
    await queue.enqueue({ alertId: 'in-flight' }, 0);
    await vi.advanceTimersByTimeAsync(10);
    await queue.enqueue({ alertId: 'waiting' }, 60);

    // Act
    queue.close();
    release();
    await queue.enqueue({ alertId: 'after-close' }, 0);
    await vi.advanceTimersByTimeAsync(120_000);

    // Assess
    expect(events).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});
