/**
 * A loopback stand-in for the AWS APIs `cdk deploy` calls: STS (caller identity, the bootstrap
 * roles), SSM (bootstrap version), S3 (asset publishing) and CloudFormation (change sets, stack
 * status). The CLI reaches it through `AWS_ENDPOINT_URL`, with fake credentials.
 *
 * It is strict where CloudFormation is strict about parameters: every CreateChangeSet's
 * parameters are checked against the `Parameters` of the template that change set carries
 * (TemplateBody, or TemplateURL read back from the stand-in's own S3), and a change set with a
 * parameter the template does not declare, or without a value for a required one, is refused
 * with CloudFormation's own error text. Everything it does not know is answered 400 and recorded
 * in `unknownCalls`, so a test can see what the CLI really sent.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const STAND_IN_ACCOUNT = '123456789012';
export const STAND_IN_REGION = 'eu-west-1';
/** The bootstrap version the stand-in's SSM reports (what a current `cdk bootstrap` writes). */
export const STAND_IN_BOOTSTRAP_VERSION = '30';

/** One CloudFormation call as the stand-in saw it. */
export interface RecordedChangeSet {
  readonly stackName: string;
  readonly changeSetType: string;
  readonly parameters: Record<string, { value?: string; usePreviousValue: boolean }>;
  /** The template's declared parameter names. */
  readonly declared: string[];
  /** Undefined when accepted; CloudFormation's error message when refused. */
  readonly refusal?: string;
}

interface StackState {
  readonly stackId: string;
  status: string;
  template: Template;
  parameters: Record<string, string>;
  pending?: { id: string; name: string; template: Template; parameters: Record<string, string>; type: string };
  events: { id: string; status: string; time: string }[];
}

interface Template {
  Parameters?: Record<string, { Default?: unknown; NoEcho?: boolean }>;
  Resources?: Record<string, { Type: string }>;
  Outputs?: Record<string, unknown>;
}

export class AwsStandIn {
  readonly calls: string[] = [];
  readonly unknownCalls: string[] = [];
  readonly changeSets: RecordedChangeSet[] = [];
  readonly #objects = new Map<string, Buffer>();
  readonly #uploads = new Map<string, Map<number, Buffer>>();
  readonly #stacks = new Map<string, StackState>();
  #server: Server | undefined;
  #url = '';

  /** `http://127.0.0.1:<port>` once started. */
  get url(): string {
    return this.#url;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          this.#handle(req, Buffer.concat(chunks), res);
        } catch (error) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(String(error));
        }
      });
    });
    await new Promise<void>((resolve) => this.#server?.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }

  /** Status of a stack as CloudFormation would report it, or undefined when it does not exist. */
  stackStatus(name: string): string | undefined {
    return this.#stacks.get(name)?.status;
  }

  #handle(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const service = /Credential=[^/]+\/\d+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? 'unknown';
    const target = req.headers['x-amz-target'];
    if (service === 's3') {
      this.#s3(req, body, res);
      return;
    }
    if (typeof target === 'string') {
      const [, operation = ''] = target.split('.');
      const input = body.length > 0 ? (JSON.parse(body.toString('utf8')) as Record<string, unknown>) : {};
      if (service === 'ssm') {
        this.#ssm(operation, input, res);
        return;
      }
      this.#unknown(`${service} ${target}`, res);
      return;
    }
    const form = new URLSearchParams(body.toString('utf8'));
    const action = form.get('Action') ?? '';
    this.calls.push(`${service}:${action}`);
    if (service === 'sts') {
      this.#sts(action, res);
      return;
    }
    if (service === 'cloudformation') {
      this.#cloudFormation(action, form, res);
      return;
    }
    this.#unknown(`${service}:${action} ${req.method} ${req.url}`, res);
    return;
  }

  #unknown(call: string, res: ServerResponse): void {
    this.unknownCalls.push(call);
    xml(
      res,
      400,
      `<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code><Message>stand-in does not know ${esc(call)}</Message></Error></ErrorResponse>`,
    );
  }

  #sts(action: string, res: ServerResponse): void {
    const ns = 'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"';
    if (action === 'GetCallerIdentity') {
      xml(
        res,
        200,
        `<GetCallerIdentityResponse ${ns}><GetCallerIdentityResult><Arn>arn:aws:iam::${STAND_IN_ACCOUNT}:user/deployer</Arn><UserId>AIDASTANDIN</UserId><Account>${STAND_IN_ACCOUNT}</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
      );
      return;
    }
    if (action === 'AssumeRole') {
      xml(
        res,
        200,
        `<AssumeRoleResponse ${ns}><AssumeRoleResult><Credentials><AccessKeyId>ASIASTANDIN</AccessKeyId><SecretAccessKey>stand-in-secret</SecretAccessKey><SessionToken>stand-in-token</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials><AssumedRoleUser><AssumedRoleId>AROASTANDIN:cdk</AssumedRoleId><Arn>arn:aws:sts::${STAND_IN_ACCOUNT}:assumed-role/cdk/cdk</Arn></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      );
      return;
    }
    this.#unknown(`sts:${action}`, res);
    return;
  }

  #ssm(operation: string, input: Record<string, unknown>, res: ServerResponse): void {
    this.calls.push(`ssm:${operation}`);
    if (operation === 'GetParameter' && input.Name === '/cdk-bootstrap/hnb659fds/version') {
      json(res, 200, {
        Parameter: { Name: input.Name, Type: 'String', Value: STAND_IN_BOOTSTRAP_VERSION, Version: 1 },
      });
      return;
    }
    if (operation === 'GetParameter') {
      json(res, 400, { __type: 'ParameterNotFound', message: `Parameter ${String(input.Name)} not found` });
      return;
    }
    this.#unknown(`ssm:${operation}`, res);
    return;
  }

  #s3(req: IncomingMessage, body: Buffer, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const [bucket = '', ...rest] = url.pathname.slice(1).split('/');
    const key = decodeURIComponent(rest.join('/'));
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    this.calls.push(
      `s3:${method} ${key === '' ? 'bucket' : 'object'}${q.size > 0 ? `?${[...q.keys()].join('&')}` : ''}`,
    );
    const id = `${bucket}/${key}`;
    if (key === '') {
      if (method === 'HEAD') return void res.writeHead(200, { 'x-amz-bucket-region': STAND_IN_REGION }).end();
      if (method === 'GET' && q.has('location')) {
        xml(
          res,
          200,
          `<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${STAND_IN_REGION}</LocationConstraint>`,
        );
        return;
      }
      if (method === 'GET' && q.has('encryption')) {
        xml(
          res,
          200,
          '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>',
        );
        return;
      }
      if (method === 'GET' && q.get('list-type') === '2') {
        const prefix = q.get('prefix') ?? '';
        const keys = [...this.#objects.keys()]
          .filter((k) => k.startsWith(`${bucket}/${prefix}`))
          .map((k) => k.slice(bucket.length + 1));
        const contents = keys
          .map(
            (k) =>
              `<Contents><Key>${esc(k)}</Key><Size>${this.#objects.get(`${bucket}/${k}`)?.length ?? 0}</Size></Contents>`,
          )
          .join('');
        xml(
          res,
          200,
          `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>${esc(bucket)}</Name><Prefix>${esc(prefix)}</Prefix><KeyCount>${keys.length}</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
        );
        return;
      }
      this.#unknown(`s3:${method} bucket?${q.toString()}`, res);
      return;
    }
    if (method === 'PUT' && q.has('uploadId')) {
      const parts = this.#uploads.get(q.get('uploadId') ?? '');
      if (parts === undefined) {
        xml(res, 404, '<Error><Code>NoSuchUpload</Code></Error>');
        return;
      }
      parts.set(Number(q.get('partNumber')), body);
      return void res.writeHead(200, { etag: `"part-${q.get('partNumber') ?? ''}"` }).end();
    }
    if (method === 'PUT') {
      this.#objects.set(id, body);
      return void res.writeHead(200, { etag: '"stand-in"' }).end();
    }
    if (method === 'POST' && q.has('uploads')) {
      const uploadId = randomUUID();
      this.#uploads.set(uploadId, new Map());
      xml(
        res,
        200,
        `<InitiateMultipartUploadResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><UploadId>${uploadId}</UploadId></InitiateMultipartUploadResult>`,
      );
      return;
    }
    if (method === 'POST' && q.has('uploadId')) {
      const parts = this.#uploads.get(q.get('uploadId') ?? '') ?? new Map<number, Buffer>();
      this.#objects.set(id, Buffer.concat([...parts.entries()].sort(([a], [b]) => a - b).map(([, part]) => part)));
      xml(
        res,
        200,
        `<CompleteMultipartUploadResult><Bucket>${esc(bucket)}</Bucket><Key>${esc(key)}</Key><ETag>"stand-in"</ETag></CompleteMultipartUploadResult>`,
      );
      return;
    }
    if (method === 'HEAD' || method === 'GET') {
      const object = this.#objects.get(id);
      if (object === undefined) {
        if (method === 'HEAD') return void res.writeHead(404).end();
        xml(res, 404, `<Error><Code>NoSuchKey</Code><Key>${esc(key)}</Key></Error>`);
        return;
      }
      res.writeHead(200, { 'content-length': object.length, etag: '"stand-in"' });
      return void res.end(method === 'GET' ? object : undefined);
    }
    this.#unknown(`s3:${method} object?${q.toString()}`, res);
    return;
  }

  #cloudFormation(action: string, form: URLSearchParams, res: ServerResponse): undefined {
    const ns = 'xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"';
    const ok = (inner: string): undefined =>
      xml(
        res,
        200,
        `<${action}Response ${ns}><${action}Result>${inner}</${action}Result><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></${action}Response>`,
      );
    const validationError = (message: string): undefined =>
      xml(
        res,
        400,
        `<ErrorResponse ${ns}><Error><Type>Sender</Type><Code>ValidationError</Code><Message>${esc(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
      );
    const stackName = stackNameOf(form.get('StackName') ?? '');
    const stack = this.#stacks.get(stackName);
    const missingStack = (): undefined => validationError(`Stack with id ${stackName} does not exist`);

    switch (action) {
      case 'DescribeStacks': {
        // A stack with only a pending CREATE change set is reported as REVIEW_IN_PROGRESS, as CloudFormation does.
        if (stack === undefined) return missingStack();
        const parameters = Object.entries(stack.parameters)
          .map(
            ([k, v]) =>
              `<member><ParameterKey>${esc(k)}</ParameterKey><ParameterValue>${stack.template.Parameters?.[k]?.NoEcho === true ? '****' : esc(v)}</ParameterValue></member>`,
          )
          .join('');
        const outputs = Object.keys(stack.status.endsWith('_COMPLETE') ? (stack.template.Outputs ?? {}) : {})
          .map((k) => `<member><OutputKey>${esc(k)}</OutputKey><OutputValue>stand-in-${esc(k)}</OutputValue></member>`)
          .join('');
        return ok(
          `<Stacks><member><StackName>${esc(stackName)}</StackName><StackId>${esc(stack.stackId)}</StackId><CreationTime>2024-01-01T00:00:00Z</CreationTime><StackStatus>${stack.status}</StackStatus><Parameters>${parameters}</Parameters><Outputs>${outputs}</Outputs><Capabilities><member>CAPABILITY_IAM</member><member>CAPABILITY_NAMED_IAM</member><member>CAPABILITY_AUTO_EXPAND</member></Capabilities><Tags></Tags><EnableTerminationProtection>false</EnableTerminationProtection></member></Stacks>`,
        );
      }
      case 'GetTemplate': {
        if (stack === undefined) return missingStack();
        return ok(
          `<TemplateBody>${esc(JSON.stringify(stack.template))}</TemplateBody><StagesAvailable><member>Original</member><member>Processed</member></StagesAvailable>`,
        );
      }
      case 'CreateChangeSet': {
        const template = this.#templateOf(form);
        if (template === undefined)
          return validationError('TemplateURL must reference a valid S3 object to which you have access.');
        const requested = memberList(form, 'Parameters');
        const declared = Object.keys(template.Parameters ?? {});
        const refusal = parameterRefusal(template, requested, stack?.parameters ?? {});
        this.changeSets.push({
          stackName,
          changeSetType: form.get('ChangeSetType') ?? 'UPDATE',
          parameters: Object.fromEntries(
            requested.map((p) => [
              p.ParameterKey ?? '',
              {
                ...(p.ParameterValue !== undefined && { value: p.ParameterValue }),
                usePreviousValue: p.UsePreviousValue === 'true',
              },
            ]),
          ),
          declared,
          ...(refusal !== undefined && { refusal }),
        });
        if (refusal !== undefined) return validationError(refusal);
        const type = form.get('ChangeSetType') ?? 'UPDATE';
        if (type === 'CREATE' && stack !== undefined && stack.status !== 'REVIEW_IN_PROGRESS') {
          xml(
            res,
            400,
            `<ErrorResponse ${ns}><Error><Type>Sender</Type><Code>AlreadyExistsException</Code><Message>Stack [${esc(stackName)}] already exists</Message></Error></ErrorResponse>`,
          );
          return;
        }
        if (type !== 'CREATE' && stack === undefined) return missingStack();
        const state: StackState = stack ?? {
          stackId: `arn:aws:cloudformation:${STAND_IN_REGION}:${STAND_IN_ACCOUNT}:stack/${stackName}/${randomUUID()}`,
          status: 'REVIEW_IN_PROGRESS',
          template: {},
          parameters: {},
          events: [],
        };
        const parameters: Record<string, string> = {};
        for (const p of requested) {
          const name = p.ParameterKey ?? '';
          parameters[name] = p.UsePreviousValue === 'true' ? (state.parameters[name] ?? '') : (p.ParameterValue ?? '');
        }
        const id = `arn:aws:cloudformation:${STAND_IN_REGION}:${STAND_IN_ACCOUNT}:changeSet/${form.get('ChangeSetName') ?? 'cs'}/${randomUUID()}`;
        state.pending = { id, name: form.get('ChangeSetName') ?? 'cs', template, parameters, type };
        this.#stacks.set(stackName, state);
        return ok(`<Id>${esc(id)}</Id><StackId>${esc(state.stackId)}</StackId>`);
      }
      case 'DescribeChangeSet': {
        if (stack?.pending === undefined) {
          xml(
            res,
            404,
            `<ErrorResponse ${ns}><Error><Type>Sender</Type><Code>ChangeSetNotFound</Code><Message>ChangeSet does not exist</Message></Error></ErrorResponse>`,
          );
          return;
        }
        const { pending } = stack;
        const action = pending.type === 'CREATE' ? 'Add' : 'Modify';
        const changes = Object.entries(pending.template.Resources ?? {})
          .map(
            ([logicalId, r]) =>
              `<member><Type>Resource</Type><ResourceChange><Action>${action}</Action><LogicalResourceId>${esc(logicalId)}</LogicalResourceId><ResourceType>${esc(r.Type)}</ResourceType><Replacement>False</Replacement><Scope></Scope><Details></Details></ResourceChange></member>`,
          )
          .join('');
        const parameters = Object.entries(pending.parameters)
          .map(
            ([k, v]) =>
              `<member><ParameterKey>${esc(k)}</ParameterKey><ParameterValue>${esc(v)}</ParameterValue></member>`,
          )
          .join('');
        return ok(
          `<ChangeSetName>${esc(pending.name)}</ChangeSetName><ChangeSetId>${esc(pending.id)}</ChangeSetId><StackId>${esc(stack.stackId)}</StackId><StackName>${esc(stackName)}</StackName><Status>CREATE_COMPLETE</Status><ExecutionStatus>AVAILABLE</ExecutionStatus><Parameters>${parameters}</Parameters><Changes>${changes}</Changes>`,
        );
      }
      case 'ExecuteChangeSet': {
        if (stack?.pending === undefined) return validationError('ChangeSet does not exist');
        const created = stack.pending.type === 'CREATE';
        stack.template = stack.pending.template;
        stack.parameters = stack.pending.parameters;
        stack.status = created ? 'CREATE_COMPLETE' : 'UPDATE_COMPLETE';
        stack.events.unshift({ id: randomUUID(), status: stack.status, time: new Date().toISOString() });
        delete stack.pending;
        return ok('');
      }
      case 'DeleteChangeSet': {
        if (stack !== undefined) delete stack.pending;
        return ok('');
      }
      case 'DescribeStackEvents': {
        if (stack === undefined) return missingStack();
        const events = stack.events
          .map(
            (e) =>
              `<member><StackId>${esc(stack.stackId)}</StackId><EventId>${e.id}</EventId><StackName>${esc(stackName)}</StackName><LogicalResourceId>${esc(stackName)}</LogicalResourceId><PhysicalResourceId>${esc(stack.stackId)}</PhysicalResourceId><ResourceType>AWS::CloudFormation::Stack</ResourceType><Timestamp>${e.time}</Timestamp><ResourceStatus>${e.status}</ResourceStatus></member>`,
          )
          .join('');
        return ok(`<StackEvents>${events}</StackEvents>`);
      }
      case 'DescribeStackResources':
      case 'ListStackResources': {
        if (stack === undefined) return missingStack();
        const tag = action === 'ListStackResources' ? 'StackResourceSummaries' : 'StackResources';
        const resources = Object.entries(stack.template.Resources ?? {})
          .map(
            ([logicalId, r]) =>
              `<member><LogicalResourceId>${esc(logicalId)}</LogicalResourceId><PhysicalResourceId>${esc(logicalId)}-stand-in</PhysicalResourceId><ResourceType>${esc(r.Type)}</ResourceType><ResourceStatus>CREATE_COMPLETE</ResourceStatus><LastUpdatedTimestamp>2024-01-01T00:00:00Z</LastUpdatedTimestamp><Timestamp>2024-01-01T00:00:00Z</Timestamp></member>`,
          )
          .join('');
        return ok(`<${tag}>${resources}</${tag}>`);
      }
      case 'UpdateTerminationProtection':
        return ok(`<StackId>${esc(stack?.stackId ?? '')}</StackId>`);
      default:
        this.#unknown(`cloudformation:${action}`, res);
        return;
    }
  }

  #templateOf(form: URLSearchParams): Template | undefined {
    const body = form.get('TemplateBody');
    if (body !== null) return JSON.parse(body) as Template;
    const url = form.get('TemplateURL');
    if (url === null) return undefined;
    // https://s3.<region>.<suffix>/<bucket>/<key>
    const path = new URL(url).pathname.slice(1);
    const object = this.#objects.get(decodeURIComponent(path));
    return object === undefined ? undefined : (JSON.parse(object.toString('utf8')) as Template);
  }
}

/** CloudFormation's own checks of a change set's parameters against its template. */
function parameterRefusal(
  template: Template,
  requested: Record<string, string | undefined>[],
  previous: Record<string, string>,
): string | undefined {
  const declared = template.Parameters ?? {};
  const unknown = requested.map((p) => p.ParameterKey ?? '').filter((name) => !(name in declared));
  if (unknown.length > 0) return `Parameters: [${unknown.join(', ')}] do not exist in the template`;
  const given = new Set(
    requested
      .filter(
        (p) => p.ParameterValue !== undefined || (p.UsePreviousValue === 'true' && (p.ParameterKey ?? '') in previous),
      )
      .map((p) => p.ParameterKey),
  );
  const missing = Object.entries(declared)
    .filter(([name, spec]) => spec.Default === undefined && !given.has(name))
    .map(([name]) => name);
  if (missing.length > 0) return `Parameters: [${missing.join(', ')}] must have values`;
  return undefined;
}

/** `Parameters.member.1.ParameterKey=...` → `[{ ParameterKey: ... }]`. */
function memberList(form: URLSearchParams, name: string): Record<string, string | undefined>[] {
  const items = new Map<number, Record<string, string>>();
  for (const [key, value] of form) {
    const m = new RegExp(`^${name}\\.member\\.(\\d+)\\.(\\w+)$`).exec(key);
    if (m === null) continue;
    const index = Number(m[1]);
    const item = items.get(index) ?? {};
    item[m[2] ?? ''] = value;
    items.set(index, item);
  }
  return [...items.entries()].sort(([a], [b]) => a - b).map(([, item]) => item);
}

function stackNameOf(nameOrId: string): string {
  // arn:aws:cloudformation:region:account:stack/<name>/<uuid>
  const m = /:stack\/([^/]+)\//.exec(nameOrId);
  return m?.[1] ?? nameOrId;
}

function xml(res: ServerResponse, status: number, body: string): undefined {
  res.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>${body}`);
  return undefined;
}

function json(res: ServerResponse, status: number, body: unknown): undefined {
  res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
  return undefined;
}

function esc(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
