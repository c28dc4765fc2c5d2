/**
 * Who still uses an AMI in its region: instances that are not terminated,
 * launch templates whose latest or default version names it (what Auto
 * Scaling groups and fleets launch from), and whatever EC2's own reference
 * check finds besides (older launch template versions, SSM parameters that
 * `resolve:ssm:` ids read, Image Builder recipes). Paginated queries.
 */
import {
  DescribeImageReferencesCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';

const LIVE_STATES = ['pending', 'running', 'stopping', 'stopped', 'shutting-down'];

export async function instancesUsing(client: EC2Client, imageId: string, pageSize: number): Promise<string[]> {
  const refs = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeInstancesCommand({
        Filters: [
          { Name: 'image-id', Values: [imageId] },
          { Name: 'instance-state-name', Values: LIVE_STATES },
        ],
        MaxResults: pageSize,
        NextToken: token,
      }),
    );
    for (const reservation of page.Reservations ?? []) {
      for (const instance of reservation.Instances ?? []) {
        if (instance.InstanceId) refs.add(`instance/${instance.InstanceId}`);
      }
    }
    token = page.NextToken || undefined;
  } while (token);
  return [...refs];
}

/**
 * Launch templates whose $Latest or $Default version launches `imageId`.
 * Without a template id, EC2 answers for every template in the account.
 */
export async function launchTemplatesUsing(client: EC2Client, imageId: string, pageSize: number): Promise<string[]> {
  const refs = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeLaunchTemplateVersionsCommand({
        Versions: ['$Latest', '$Default'],
        Filters: [{ Name: 'image-id', Values: [imageId] }],
        MaxResults: Math.min(pageSize, 200),
        NextToken: token,
      }),
    );
    for (const version of page.LaunchTemplateVersions ?? []) {
      // Filter on our side too: some endpoints ignore the filter.
      if (version.LaunchTemplateData?.ImageId !== imageId) continue;
      const name = version.LaunchTemplateName ? ` (${version.LaunchTemplateName})` : '';
      refs.add(`launch-template/${version.LaunchTemplateId}${name} v${version.VersionNumber}`);
    }
    token = page.NextToken || undefined;
  } while (token);
  return [...refs];
}

/** How many launch template versions, newest first, EC2 checks for references (1-10000). */
const VERSION_DEPTH = '100';

/**
 * DescribeImageReferences (SDK models_4.d.ts: "Supported resource types:
 * ec2:Instance | ec2:LaunchTemplate | ssm:Parameter | imagebuilder:ImageRecipe |
 * imagebuilder:ContainerRecipe"). Instances are left to instancesUsing (it
 * skips terminated ones); launch templates already named in `known` are not
 * repeated. References are ARNs, e.g. `ssm-parameter/arn:aws:ssm:...`.
 */
export async function imageReferences(client: EC2Client, imageId: string, known: string[]): Promise<string[]> {
  const refs = new Set<string>();
  let token: string | undefined;
  do {
    const page = await client.send(
      new DescribeImageReferencesCommand({
        ImageIds: [imageId],
        ResourceTypes: [
          { ResourceType: 'ec2:LaunchTemplate', ResourceTypeOptions: [{ OptionName: 'version-depth', OptionValues: [VERSION_DEPTH] }] },
          { ResourceType: 'ssm:Parameter' },
          { ResourceType: 'imagebuilder:ImageRecipe' },
          { ResourceType: 'imagebuilder:ContainerRecipe' },
        ],
        NextToken: token,
      }),
    );
    for (const ref of page.ImageReferences ?? []) {
      if (ref.ImageId && ref.ImageId !== imageId) continue;
      const arn = ref.Arn ?? '';
      const template = /launch-template\/(lt-[0-9a-f]+)/.exec(arn)?.[1];
      if (template && known.some((k) => k.startsWith(`launch-template/${template} `))) continue;
      const kind = (ref.ResourceType ?? 'resource').replace(':', '-').toLowerCase();
      refs.add(`${kind}/${arn}`);
    }
    token = page.NextToken || undefined;
  } while (token);
  return [...refs];
}
