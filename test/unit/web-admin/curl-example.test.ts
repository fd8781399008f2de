import { describe, expect, it } from 'vitest';
import {
  curlExample,
  SAMPLE_KEEPER_ALERT,
  shellQuote,
  TOKEN_PLACEHOLDER,
} from '../../../web-admin/src/curl-example.ts';

/** Undoes POSIX single-quoting of one argument (enough to check round trips). */
function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/'\\''/g, "'");
}

describe('curl-example', () => {
  it('uses the placeholder when no token is on screen', () => {
    // Act
    const text = curlExample('https://relay.example.com/webhook');
    // Assess
    expect(text).toContain(`-H 'Authorization: Bearer ${TOKEN_PLACEHOLDER}'`);
    expect(text.startsWith("curl -X POST 'https://relay.example.com/webhook' \\")).toBe(true);
    expect(text).toContain("-H 'Content-Type: application/json'");
  });

  it('uses the freshly generated token when given', () => {
    // Act
    const text = curlExample('https://relay.example.com/webhook', 'kjr_abc123');
    // Assess
    expect(text).toContain("-H 'Authorization: Bearer kjr_abc123'");
    expect(text).not.toContain(TOKEN_PLACEHOLDER);
  });

  it('posts the sample alert as JSON that survives shell quoting', () => {
    // Prepare
    const alert = { ...SAMPLE_KEEPER_ALERT, description: "Admin O'Brien resumed audit alert" };
    // Act
    const text = curlExample('http://127.0.0.1:3000/webhook', undefined, alert);
    const quotedBody = text.slice(text.indexOf("-d '") + 3);
    // Assess
    expect(JSON.parse(unquote(quotedBody))).toEqual(alert);
  });

  it('quotes single quotes the POSIX way', () => {
    // Act / Assess
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
