import { REGION_SYNTAX, regionProblem } from '../../src/topology/regions.js';

/**
 * Every region of every partition in the AWS SDK's partition table
 * (@aws-sdk/core 3.981.0, dist-cjs/submodules/client/index.js, "regions" of
 * aws, aws-cn, aws-eusc, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-us-gov).
 */
const AWS_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
  'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'me-west-1', 'mx-central-1', 'sa-east-1', 'sa-west-1', 'us-east-1',
  'us-east-2', 'us-west-1', 'us-west-2', 'cn-north-1', 'cn-northwest-1', 'eusc-de-east-1', 'us-iso-east-1', 'us-iso-west-1',
  'us-isob-east-1', 'us-isob-west-1', 'eu-isoe-west-1', 'us-isof-east-1', 'us-isof-south-1', 'us-gov-east-1', 'us-gov-west-1',
]; // prettier-ignore

/** Compute Engine regions (cloud.google.com/compute/docs/regions-zones, "Available regions and zones"). */
const GCP_REGIONS = [
  'africa-south1', 'asia-east1', 'asia-east2', 'asia-northeast1', 'asia-south2', 'asia-southeast1', 'australia-southeast2',
  'europe-central2', 'europe-north2', 'europe-southwest1', 'europe-west1', 'europe-west10', 'europe-west12', 'me-central1',
  'me-central2', 'me-west1', 'northamerica-northeast1', 'northamerica-south1', 'southamerica-east1', 'us-central1', 'us-east5', 'us-south1',
]; // prettier-ignore

/** Azure location names as `az account list-locations` prints them ("name" column). */
const AZURE_REGIONS = [
  'eastus', 'eastus2', 'westus3', 'westeurope', 'northeurope', 'swedencentral', 'uksouth', 'australiacentral2', 'southafricanorth',
  'usgovvirginia', 'usdodcentral', 'chinanorth3', 'eastus2euap', 'germanywestcentral', 'jioindiawest',
]; // prettier-ignore

describe('region names', () => {
  it.each([
    ['aws', AWS_REGIONS],
    ['gcp', GCP_REGIONS],
    ['azure', AZURE_REGIONS],
    ['local', ['rack1', 'lab-2', 'r.1', 'zone_a', '0', 'a'.repeat(63)]],
  ] as const)('accepts every documented %s region', (provider, regions) => {
    expect(regions.filter((r) => regionProblem(provider, r))).toEqual([]);
  });

  it('refuses the regions of other providers, zones, and names that are not plain', () => {
    const refused: [keyof typeof REGION_SYNTAX, string][] = [
      ['aws', 'europe-west1'],
      ['aws', 'westeurope'],
      ['aws', 'eu-central-1a'],
      ['aws', 'eu-central-1 '],
      ['aws', 'eu-central-1\n'],
      ['gcp', 'eu-central-1'],
      ['gcp', 'europe-west1-b'],
      ['gcp', 'westeurope'],
      ['azure', 'eu-central-1'],
      ['azure', 'West Europe'],
      ['azure', '1eastus'],
      ['local', '..'],
      ['local', '.'],
      ['local', '-rack'],
      ['local', 'a'.repeat(64)],
      ['local', 'rack 1'],
    ];
    expect(refused.filter(([provider, name]) => regionProblem(provider, name) === undefined)).toEqual([]);
  });

  it('says what to write instead', () => {
    expect(regionProblem('aws', 'eu-central-1a')?.hint).toBe('that is an availability zone: write its region, eu-central-1');
    expect(regionProblem('gcp', 'europe-west1-b')?.hint).toContain('write its region, europe-west1');
    expect(regionProblem('azure', 'West Europe')?.hint).toContain('westeurope');
    expect(regionProblem('aws', 'EU-WEST-1')?.hint).toBe('write it in lowercase: eu-west-1');
    expect(regionProblem('local', '../x')?.message).toBe('"../x" is not a local region name');
  });
});
