/** Endpoint and credential discovery for the EC2 clients (src/providers/aws/client.ts). */
import { describe, expect, test } from '@jest/globals';
import { credentialsFromEnv, endpointFromEnv } from '../../../src/providers/aws/client.js';

describe('configuration', () => {
  test('endpoint variables follow the SDK: service-specific first, ignorable', () => {
    expect(endpointFromEnv({ AWS_ENDPOINT_URL: 'http://a', AWS_ENDPOINT_URL_EC2: 'http://b' })).toBe('http://b');
    expect(endpointFromEnv({ AWS_ENDPOINT_URL: 'http://a' })).toBe('http://a');
    expect(endpointFromEnv({ AWS_ENDPOINT_URL: 'http://a', AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' })).toBeUndefined();
    expect(endpointFromEnv({})).toBeUndefined();
  });

  test('static keys from a passed env are masked; process.env is left to the SDK chain', () => {
    const masked: string[] = [];
    const creds = credentialsFromEnv(
      { AWS_ACCESS_KEY_ID: 'AKID', AWS_SECRET_ACCESS_KEY: 'SECRET', AWS_SESSION_TOKEN: 'TOKEN' },
      (s) => void masked.push(s),
    );
    expect(creds).toEqual({ accessKeyId: 'AKID', secretAccessKey: 'SECRET', sessionToken: 'TOKEN' });
    expect(masked).toEqual(['AKID', 'SECRET', 'TOKEN']);
    expect(credentialsFromEnv(process.env)).toBeUndefined();
    expect(credentialsFromEnv({ AWS_ACCESS_KEY_ID: 'AKID' })).toBeUndefined();
  });
});
