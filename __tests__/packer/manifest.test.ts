import { artifactId } from '../../src/packer/manifest.js';
import { image } from './templates.js';

const BUILT = new Date('2026-11-28T20:10:15Z');
const manifest = (id: string) => ({ builds: [{ artifact_id: 'older-run' }, { artifact_id: id }] });

describe('artifactId', () => {
  it('takes the last build: the AMI of the build region, the GCP image name, the local disk', () => {
    const aws = image('aws', { owner: '1', name: 'n' }, { name: 'base', build: {} });
    expect(artifactId(manifest('region-0:ami-0aaa,region-1:ami-0bbb'), aws, BUILT)).toBe('ami-0bbb');
    expect(() => artifactId(manifest('region-0:ami-0aaa'), aws, BUILT)).toThrow(/has no AMI in region-1/);
    const gcp = image('gcp', { project: 'p', family: 'f' }, { name: 'base', build: {} });
    expect(artifactId(manifest('ib-base-debian12-0123456789abcdef'), gcp, BUILT)).toBe('ib-base-debian12-0123456789abcdef');
    expect(() => artifactId({ builds: [] }, gcp, BUILT)).toThrow(/holds no artifact id: the build made no image/);
  });

  it("Azure: the gallery version this build published, not azure-arm's managed image id (#3)", () => {
    const azure = image('azure', { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2' }, { name: 'base', build: {} });
    const managed = `/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/images/${azure.name}`;
    expect(artifactId(manifest(managed), azure, BUILT)).toBe(
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/image_builder/images/base-debian12/versions/2026.1128.201015',
    );
    // Without a managed image, azure-arm's artifact id is the version's: kept as it is.
    const version =
      '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/base-debian12/versions/2026.1128.201015';
    expect(artifactId(manifest(version), azure, BUILT)).toBe(version);
    expect(() => artifactId(manifest(managed.replace(azure.name, 'someone-elses')), azure, BUILT)).toThrow(
      /names .*someone-elses, not the managed image or gallery version this build made/,
    );
  });
});
