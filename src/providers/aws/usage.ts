/**
 * Who still uses an AMI in its region: instances that are not terminated,
 * and launch templates whose latest or default version names it (what Auto
 * Scaling groups and fleets launch from). Two paginated, filtered queries.
 */
import { DescribeInstancesCommand, DescribeLaunchTemplateVersionsCommand, type EC2Client } from '@aws-sdk/client-ec2';

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
