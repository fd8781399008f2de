/** Lambda entry: Keeper's webhook (POST /webhook): authenticate, record, deliver. Wiring only. */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { awsRelayAdapters } from '../adapters/aws-relay-adapters.ts';
import { createRelayServices } from '../app/relay-services.ts';
import { loadEnv } from '../shared/env.ts';

const env = loadEnv(process.env);
const logger = new Logger({ serviceName: 'keeper-jira-relay', logLevel: env.LOG_LEVEL });
const services = createRelayServices(awsRelayAdapters(env, logger), env);

export const handler = middy(services.webhook).use(injectLambdaContext(logger));
