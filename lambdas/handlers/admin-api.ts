/** Lambda entry: Admin API (/api/*, /oauth/*) behind CloudFront: sign-in = connect, configuration, token, deliveries. Wiring only. */
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { awsRelayAdapters } from '../adapters/aws-relay-adapters.ts';
import { createRelayServices } from '../app/relay-services.ts';
import { loadEnv } from '../shared/env.ts';
import { createLogger, eventLogFrom } from '../shared/logging.ts';

const env = loadEnv(process.env);
const logger = createLogger(env);
const services = createRelayServices(awsRelayAdapters(env, eventLogFrom(logger)), env);

export const handler = middy(services.adminApi).use(injectLambdaContext(logger));
