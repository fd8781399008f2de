/**
 * JiraIdentity on Jira Cloud REST v3, called with the signing-in user's own access token: who they
 * are (GET /myself) and whether they are a Jira administrator (GET /mypermissions?permissions=ADMINISTER).
 */
import type { AxiosInstance } from 'axios';
import * as z from 'zod/mini';
import type { JiraIdentity, JiraUser } from '#domain/ports.ts';
import {
  createAtlassianHttp,
  type HttpAnswer,
  type HttpCall,
  jiraFailure,
  parseBody,
  send,
  trimSlash,
} from './atlassian-http.ts';

export interface JiraRestIdentityOptions {
  /** e.g. https://api.atlassian.com (ATLASSIAN_API_URL). */
  readonly apiUrl: string;
  readonly timeoutMs?: number;
}

const myselfSchema = z.object({
  accountId: z.string().check(z.minLength(1)),
  displayName: z._default(z.string(), ''),
  emailAddress: z.optional(z.string()),
  active: z.optional(z.boolean()),
});

const permissionsSchema = z.object({
  permissions: z.record(z.string(), z.object({ havePermission: z.optional(z.boolean()) })),
});

export class JiraRestIdentity implements JiraIdentity {
  private readonly http: AxiosInstance;
  private readonly apiUrl: string;

  constructor(options: JiraRestIdentityOptions) {
    this.http = createAtlassianHttp(options.timeoutMs);
    this.apiUrl = trimSlash(options.apiUrl);
  }

  async myself(accessToken: string, cloudId: string): Promise<JiraUser> {
    const answer = await this.get(accessToken, cloudId, '/myself');
    const me = parseBody(myselfSchema, answer, { what: 'GET /myself' });
    return {
      accountId: me.accountId,
      displayName: me.displayName,
      ...(me.emailAddress ? { emailAddress: me.emailAddress } : {}),
      ...(me.active !== undefined ? { active: me.active } : {}),
    };
  }

  async hasAdminister(accessToken: string, cloudId: string): Promise<boolean> {
    const answer = await this.get(accessToken, cloudId, '/mypermissions', { permissions: 'ADMINISTER' });
    const parsed = parseBody(permissionsSchema, answer, { what: 'GET /mypermissions' });
    // Only an explicit `true` grants access: a missing key or field means no.
    return parsed.permissions['ADMINISTER']?.havePermission === true;
  }

  private async get(
    accessToken: string,
    cloudId: string,
    path: string,
    params?: Record<string, string>,
  ): Promise<HttpAnswer> {
    const call: HttpCall = {
      method: 'GET',
      url: `${this.apiUrl}/ex/jira/${encodeURIComponent(cloudId)}/rest/api/3${path}`,
      accessToken,
      what: `GET ${path}`,
      ...(params ? { params } : {}),
    };
    const answer = await send(this.http, call);
    if (answer.status !== 200) throw jiraFailure(answer, call);
    return answer;
  }
}
