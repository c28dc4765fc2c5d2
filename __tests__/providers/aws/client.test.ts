/** Endpoint, credential discovery and deadlines of the EC2 clients (src/providers/aws/client.ts). */
import { describe, expect, test } from '@jest/globals';
import { credentialsFromEnv, endpointFromEnv, requestHandlerOptions } from '../../../src/providers/aws/client.js';
import { createAwsProvider } from '../../../src/providers/aws/index.js';
import { ProviderError } from '../../../src/providers/errors.js';
import { timeouts } from '../../../src/providers/retry.js';
import { awsCloud } from '../../fakes/aws/harness.js';
import { startSilentServer } from '../../helpers/silent-server.js';

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

describe('deadlines', () => {
  test('the handler gets connect, request and idle deadlines, and requestTimeout throws instead of only warning', () => {
    expect(requestHandlerOptions(timeouts())).toEqual({
      connectionTimeout: 10_000,
      requestTimeout: 60_000,
      throwOnRequestTimeout: true,
      socketTimeout: 60_000,
    });
  });

  test('an endpoint that accepts connections and never answers fails at the deadline, retried, naming endpoint and deadline', async () => {
    const silent = await startSilentServer();
    const delays: number[] = [];
    const provider = await createAwsProvider(
      awsCloud(),
      {
        baseDir: '.',
        env: { AWS_ENDPOINT_URL_EC2: silent.url, AWS_ACCESS_KEY_ID: 'AKIDFAKE', AWS_SECRET_ACCESS_KEY: 'fake-secret' },
        sleep: async (ms) => void delays.push(ms),
      },
      { timeouts: { connectMs: 200, requestMs: 200 }, maxAttempts: 3 },
    );
    const started = Date.now();
    try {
      const error = await provider.inventory('eu-west-1').then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ kind: 'transient', operation: 'DescribeImages', region: 'eu-west-1' });
      const message = (error as Error).message;
      expect(message).toMatch(
        /^aws-prod: EC2 DescribeImages in eu-west-1 failed with ETIMEDOUT \(after 3 attempts\): .*200 ms requestTimeout/,
      );
      expect(message).toContain(`${silent.url} did not answer within the deadline (connect 200 ms, request 200 ms) in 3 attempts`);
      expect(message).not.toMatch(/\n\s+at /); // no stack trace
      expect(silent.requests).toHaveLength(3); // every attempt reached the endpoint and was cut off
      expect(delays).toHaveLength(2); // two retries, backed off through the injected sleep
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      provider.destroy();
      await silent.close();
    }
  });
});
