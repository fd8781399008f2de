import { describe, expect, it } from 'vitest';
import { apiGatewayBody } from '#local/http-gateway.ts';

describe('http-gateway', () => {
  it('passes a JSON body that is valid UTF-8 as text', () => {
    // Act
    const passed = apiGatewayBody(Buffer.from('\uFEFF{"name":"Zoë"}'), 'application/json; charset=utf-8');

    // Assess
    expect(passed).toEqual({ body: '\uFEFF{"name":"Zoë"}', isBase64Encoded: false });
  });

  it('passes invalid UTF-8 and binary media types base64-encoded, byte for byte', () => {
    // Prepare
    const invalid = Buffer.from([0x7b, 0xff, 0x7d]);

    // Act
    const asJson = apiGatewayBody(invalid, 'application/json');
    const asBinary = apiGatewayBody(Buffer.from('{}'), 'application/octet-stream');
    const untyped = apiGatewayBody(Buffer.from('{}'), undefined);

    // Assess
    expect(asJson).toEqual({ body: invalid.toString('base64'), isBase64Encoded: true });
    expect(Buffer.from(asJson.body ?? '', 'base64')).toEqual(invalid);
    expect(asBinary).toEqual({ body: Buffer.from('{}').toString('base64'), isBase64Encoded: true });
    expect(untyped.isBase64Encoded).toBe(true);
  });

  it('passes no body at all for an empty request', () => {
    // Act
    const passed = apiGatewayBody(Buffer.alloc(0), 'application/json');

    // Assess
    expect(passed).toEqual({ isBase64Encoded: false });
  });
});
