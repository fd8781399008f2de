/** Lambda entry: Admin API (/api/*, /oauth/*) behind CloudFront: sign-in = connect, configuration, token, deliveries. Wiring only. */

import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import { createMetrics, relayMetricsFrom } from '#adapters/powertools-metrics.ts';
import { awsRelayAdapters } from '#adapters/relay-adapters.ts';
import { createAdminApi, createRelayCore } from '#app/relay-services.ts';
import { loadEnv } from '#shared/env.ts';
import { createLogger, eventLogFrom } from '#shared/logging.ts';

const env = loadEnv(process.env);
const logger = createLogger(env);
const metrics = createMetrics(logger);
const adapters = awsRelayAdapters(env, eventLogFrom(logger), relayMetricsFrom(metrics));
const core = createRelayCore(adapters, env);

export const handler = middy(createAdminApi(core, adapters, env))
  .use(injectLambdaContext(logger))
  .use(logMetrics(metrics));
