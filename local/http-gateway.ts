/**
 * The local stand-in for API Gateway + CloudFront: turns node:http requests into API Gateway
 * HTTP API (payload v2) events for the same handlers the Lambdas run, and serves the admin site
 * with the same security headers CloudFront adds. Like the distribution, it adds the origin-verify
 * header to what it forwards to the admin API, so the admin API's origin check runs locally too.
 */
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve } from 'node:path';
import { ORIGIN_VERIFY_HEADER } from '#app/admin-api/router.ts';
import type { HttpEvent, HttpHandler, HttpResult } from '#shared/http.ts';

export interface GatewayRoutes {
  readonly webhook: HttpHandler;
  readonly adminApi: HttpHandler;
  /** Folder of the built admin site (web-admin/dist). */
  readonly siteDir: string;
  /** Served as /config.json, like the file CDK writes at deploy. */
  readonly siteConfig: Record<string, unknown>;
  /** Requests above this are cut off while streaming, like API Gateway's payload limit. */
  readonly maxBodyBytes: number;
  /** Sent as `x-relay-origin-verify` with every `/api/*` and `/oauth/*` request (the admin API reads the same value from its secret store). */
  readonly originVerify: string;
}

/** Same policy as lib/constructs/admin-site.ts: no inline script, nothing from elsewhere. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
};

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolveBody, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      const kept = Math.min(size, limit + 1);
      size += chunk.length;
      // Keep the bytes up to one over the limit, cutting the chunk that crosses it: the handler then
      // sees the body is too large and answers 413 (a body cut at the limit would pass as complete).
      if (kept < limit + 1) chunks.push(chunk.subarray(0, limit + 1 - kept));
      if (size > limit * 2 + 1024) reject(new BodyTooLarge());
    });
    request.on('end', () => resolveBody(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export function toHttpEvent(request: IncomingMessage, body: Buffer, host: string): HttpEvent {
  const url = new URL(request.url ?? '/', `http://${host}`);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.headers)) {
    if (value !== undefined && key !== 'cookie') headers[key] = Array.isArray(value) ? value.join(',') : value;
  }
  const cookies = request.headers.cookie
    ?.split(';')
    .map((c) => c.trim())
    .filter(Boolean);
  const method = request.method ?? 'GET';
  const now = new Date();
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    ...(cookies && cookies.length > 0 ? { cookies } : {}),
    requestContext: {
      accountId: 'local',
      apiId: 'local',
      domainName: host,
      domainPrefix: host.split('.')[0] ?? host,
      http: {
        method,
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: request.headers['user-agent'] ?? '',
      },
      requestId: `local-${now.getTime()}-${Math.random().toString(36).slice(2, 8)}`,
      routeKey: '$default',
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    ...apiGatewayBody(body, request.headers['content-type']),
  };
}

// Media types API Gateway passes as text; anything else reaches the function base64-encoded.
const TEXT_TYPES =
  /^(text\/|application\/(json|javascript|xml|x-www-form-urlencoded)\b|application\/[\w.+-]+\+(json|xml)\b)/i;

/**
 * The body as API Gateway's HTTP API hands it to a function: text when its media type is textual
 * and its bytes are valid UTF-8, otherwise base64 with `isBase64Encoded: true`, so invalid UTF-8
 * and binary bodies reach the handler byte for byte, exactly as in AWS.
 */
export function apiGatewayBody(
  body: Buffer,
  contentType: string | undefined,
): Pick<HttpEvent, 'body' | 'isBase64Encoded'> {
  if (body.length === 0) return { isBase64Encoded: false };
  if (contentType !== undefined && TEXT_TYPES.test(contentType.trim()) && isUtf8(body))
    return { body: body.toString('utf8'), isBase64Encoded: false };
  return { body: body.toString('base64'), isBase64Encoded: true };
}

function send(response: ServerResponse, result: HttpResult): void {
  const headers: Record<string, string | string[]> = {};
  for (const [key, value] of Object.entries(result.headers ?? {})) headers[key] = String(value);
  if (result.cookies && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(result.body ?? '');
}

async function serveStatic(routes: GatewayRoutes, pathname: string, response: ServerResponse): Promise<void> {
  if (pathname === '/config.json') {
    response.writeHead(200, { 'content-type': MIME['.json'] ?? '', 'cache-control': 'no-store', ...SECURITY_HEADERS });
    response.end(JSON.stringify(routes.siteConfig));
    return;
  }
  const root = resolve(routes.siteDir);
  const wanted = normalize(join(root, decodeURIComponent(pathname)));
  let file = wanted.startsWith(root) ? wanted : join(root, 'index.html');
  try {
    if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
  } catch {
    // Unknown paths get the single-page app (its router shows "not found" itself).
    file = join(root, 'index.html');
  }
  try {
    const content = await readFile(file);
    response.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', ...SECURITY_HEADERS });
    response.end(content);
  } catch {
    response.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    response.end('The admin site is not built: run `npm run build:web`');
  }
}

/** Starts the gateway on 127.0.0.1:`port` (0 = any free port). */
export async function startHttpGateway(routes: GatewayRoutes, port: number): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    void (async () => {
      const host = request.headers.host ?? '127.0.0.1';
      const pathname = new URL(request.url ?? '/', `http://${host}`).pathname;
      const target =
        pathname === '/webhook'
          ? routes.webhook
          : pathname.startsWith('/api/') || pathname.startsWith('/oauth/')
            ? routes.adminApi
            : undefined;
      if (!target) {
        await serveStatic(routes, pathname, response);
        return;
      }
      if (pathname === '/webhook' && request.method !== 'POST') {
        send(response, {
          statusCode: 405,
          headers: { 'content-type': 'application/json', allow: 'POST' },
          body: JSON.stringify({ error: 'METHOD_NOT_ALLOWED', message: 'Use POST' }),
        });
        return;
      }
      const body = await readBody(request, routes.maxBodyBytes);
      const event = toHttpEvent(request, body, host);
      // Set, not appended: like CloudFront's origin custom header, it replaces whatever the client sent.
      if (target === routes.adminApi) event.headers[ORIGIN_VERIFY_HEADER] = routes.originVerify;
      send(response, await target(event));
    })().catch((error: unknown) => {
      if (response.headersSent) return response.destroy();
      const tooLarge = error instanceof BodyTooLarge;
      response.writeHead(tooLarge ? 413 : 500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify(
          tooLarge
            ? { error: 'PAYLOAD_TOO_LARGE', message: 'Alert body too large' }
            : { error: 'INTERNAL', message: 'Internal error' },
        ),
      );
    });
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolveListen());
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return { server, url: `http://127.0.0.1:${actualPort}` };
}
