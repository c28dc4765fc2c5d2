/** EC2 Image -> ImageRecord: the cloud is what ib-cloud says, never the current cloud by default. */
import { toRecord } from '../../../src/providers/aws/records.js';

const NOW = new Date('2026-01-10T00:00:00Z');
const image = (tags: Record<string, string>) => ({
  ImageId: 'ami-0123',
  Name: 'hand-made',
  State: 'available' as const,
  CreationDate: '2026-01-01T00:00:00.000Z',
  Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
});

describe('toRecord', () => {
  it('leaves the cloud empty when the AMI has no ib-cloud tag', () => {
    const record = toRecord(image({ 'image-builder': 'true', 'ib-recipe': 'base', 'ib-os': 'debian12' }), 'eu-west-1', NOW);
    expect(record).toMatchObject({ id: 'ami-0123', cloud: '', image: 'base', os: 'debian12', region: 'eu-west-1' });
  });

  it('takes the cloud from ib-cloud', () => {
    expect(toRecord(image({ 'image-builder': 'true', 'ib-cloud': 'aws-staging' }), 'eu-west-1', NOW)?.cloud).toBe('aws-staging');
  });
});
