/**
 * OpenStack failures in the providers' vocabulary: HTTP statuses of
 * Keystone and Glance (Glance's webob JSON bodies, with their <br />), and
 * connection failures as Node's fetch reports them.
 */
import { describe, expect, it } from '@jest/globals';
import { OpenStackHttpError, describeFailure, errorDetail, failureKind, networkCode } from '../../../src/providers/openstack/errors.js';

const site = { cloud: 'nrec', operation: 'upload image data', region: 'bgo', endpoint: 'https://image.example:9292', requestMs: 60_000 };

describe('openstack errors', () => {
  it('classifies statuses as the shared kinds', () => {
    const kind = (status: number, detail = '') => failureKind(new OpenStackHttpError(status, detail));
    expect([429, 413, 401, 403, 404, 409, 500, 502, 503, 501, 400].map((s) => kind(s))).toEqual([
      'throttled',
      'quota',
      'permission',
      'permission',
      'not-found',
      'conflict',
      'transient',
      'transient',
      'transient',
      'other',
      'other',
    ]);
    expect(kind(403, 'Quota exceeded for image_count_total')).toBe('quota');
  });

  it('treats a dropped connection or a deadline as transient', () => {
    const dropped = Object.assign(new TypeError('fetch failed'), { cause: { code: 'UND_ERR_SOCKET' } });
    expect(networkCode(dropped)).toBe('UND_ERR_SOCKET');
    expect(failureKind(dropped)).toBe('transient');
    const late = Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });
    expect(failureKind(late)).toBe('transient');
    expect(describeFailure(late, site).message).toMatch(/https:\/\/image.example:9292 did not answer within 60 s, retries included/);
  });

  it('reads Glance and Keystone error bodies without their markup', () => {
    expect(
      errorDetail(
        '{"message": "Image 1 is protected and cannot be deleted.<br /><br />\\n\\n\\n", "code": "403 Forbidden", "title": "Forbidden"}',
      ),
    ).toBe('Image 1 is protected and cannot be deleted.');
    expect(
      errorDetail('{"error": {"code": 401, "message": "The request you have made requires authentication.", "title": "Unauthorized"}}'),
    ).toBe('The request you have made requires authentication.');
    expect(errorDetail('<html><body><h1>503 Service Unavailable</h1></body></html>')).toBe('503 Service Unavailable');
  });

  it('names the cloud, region, call, status and what to do', () => {
    const error = describeFailure(new OpenStackHttpError(403, 'You are not authorized to complete publicize_image action.'), {
      ...site,
      operation: 'update image',
    });
    expect(error).toMatchObject({ kind: 'permission', code: 'HTTP 403', statusCode: 403, cloud: 'nrec', region: 'bgo' });
    expect(error.message).toMatch(
      /^openstack cloud "nrec" region bgo: update image failed with HTTP 403: You are not authorized .*making images public needs an admin; use visibility community or members instead/,
    );
  });
});
