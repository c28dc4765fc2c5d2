/**
 * Region names, per provider. They go into the plan, the matrix, image
 * names, folder names (local) and the job summary (markdown, mermaid), so
 * they are checked at load time against each provider's documented syntax
 * (they used to go through raw, audit section 8).
 */
import type { ProviderName } from './model.js';

interface RegionSyntax {
  pattern: RegExp;
  /** What a valid name looks like, for the hint. */
  example: string;
}

export const REGION_SYNTAX: Record<ProviderName, RegionSyntax> = {
  /**
   * AWS region codes: the union of the `regionRegex` of every partition in
   * the AWS SDK's partition table (@aws-sdk/core, client/index.js: aws
   * `^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$`, aws-cn `^cn-\w+-\d+$`,
   * aws-us-gov `^us-gov-\w+-\d+$`, aws-iso `^us-iso-\w+-\d+$`, aws-iso-b
   * `^us-isob-\w+-\d+$`, aws-iso-e `^eu-isoe-\w+-\d+$`, aws-iso-f
   * `^us-isof-\w+-\d+$`, aws-eusc `^eusc-(de)-\w+-\d+$`), with letters
   * where the SDK writes \w, as every listed region has them.
   */
  aws: { pattern: /^(?:[a-z]{2}|eusc)(?:-[a-z]+)+-\d{1,2}$/, example: 'eu-central-1, us-gov-west-1 or cn-north-1' },
  /**
   * Compute Engine regions (cloud.google.com/compute/docs/regions-zones):
   * a continent or country, "-", a direction and a number: us-central1,
   * europe-west1, northamerica-northeast1, me-central2.
   */
  gcp: { pattern: /^[a-z]+-[a-z]+\d+$/, example: 'europe-west1' },
  /**
   * Azure location names, as `az account list-locations` prints them in its
   * "name" column (learn.microsoft.com/cli/azure/account#az-account-list-locations):
   * lowercase letters and digits, e.g. westeurope, eastus2, usgovvirginia.
   */
  azure: { pattern: /^[a-z][a-z0-9]{1,39}$/, example: 'westeurope' },
  /**
   * Local regions are folders of the store: one safe path segment, no
   * leading "." (hidden folders and "..").
   */
  local: { pattern: /^[a-z0-9][a-z0-9._-]{0,62}$/, example: 'rack1' },
  /**
   * Keystone region ids (Identity API v3 reference, "Regions": free text up
   * to 255 characters), kept to the names clouds give them (RegionOne, bgo,
   * osl), as they go into names and folders: letters, digits, . _ -.
   */
  openstack: { pattern: /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, example: 'RegionOne' },
};

const PROVIDER_NAMES: Record<ProviderName, string> = {
  aws: 'an AWS',
  gcp: 'a GCP',
  azure: 'an Azure',
  local: 'a local',
  openstack: 'an OpenStack',
};

/** Why `name` is not a region of `provider`, and what to write instead; undefined when it is one. */
export function regionProblem(provider: ProviderName, name: string): { message: string; hint: string } | undefined {
  const { pattern, example } = REGION_SYNTAX[provider];
  if (pattern.test(name)) return undefined;
  const shown = name.length > 60 ? `${name.slice(0, 59)}…` : name;
  const message = `"${shown}" is not ${PROVIDER_NAMES[provider]} region name`;
  const lower = name.toLowerCase();
  if (provider === 'aws' && /^[a-z]{2,4}(-[a-z]+)+-\d{1,2}[a-z]$/.test(lower)) {
    return { message, hint: `that is an availability zone: write its region, ${lower.slice(0, -1)}` };
  }
  if (provider === 'gcp' && /^[a-z]+-[a-z]+\d+-[a-z]$/.test(lower)) {
    return { message, hint: `that is a zone: write its region, ${lower.slice(0, -2)} (set the zone with zone:)` };
  }
  if (provider === 'azure') {
    const compact = lower.replace(/[^a-z0-9]/g, '');
    if (REGION_SYNTAX.azure.pattern.test(compact) && compact !== name) {
      return { message, hint: `write the location's name, not its display name: ${compact}` };
    }
  }
  if (provider === 'local') {
    return {
      message,
      hint: `it names a folder of the store: use up to 63 lowercase letters, digits, ".", "_" and "-", starting with a letter or digit, e.g. ${example}`,
    };
  }
  if (pattern.test(lower)) return { message, hint: `write it in lowercase: ${lower}` };
  return { message, hint: `write the region's code, e.g. ${example}` };
}
