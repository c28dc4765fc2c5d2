/**
 * Sharing a gallery image with other principals through Azure RBAC: a
 * `Reader` role assignment on the gallery image definition for each principal
 * (learn.microsoft.com/azure/virtual-machines/share-gallery: "share using
 * role-based access control"). Direct shared galleries (sharingProfile Groups)
 * are not used: that feature is a preview needing registration, and the
 * permission "can't currently be updated" on an existing gallery
 * (learn.microsoft.com/azure/virtual-machines/share-gallery-direct).
 *
 * share.accounts for Azure are Entra ID object ids (GUIDs) of users, groups or
 * service principals. A subscription or tenant id cannot be granted Reader by
 * its id alone, so anything that is not a GUID is refused.
 */
import { createHash } from 'node:crypto';
import type { ComputeManagementClient } from '@azure/arm-compute';
import type { ComputeManagementContext } from '@azure/arm-compute/api';

/** Built-in role "Reader" (learn.microsoft.com/azure/role-based-access-control/built-in-roles: acdd72a7-3385-48ef-bd42-f606fba81ae7). */
export const READER_ROLE_ID = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
/** api-version of Microsoft.Authorization/roleAssignments (role-assignments-rest docs). */
export const ROLE_ASSIGNMENTS_API = '2022-04-01';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The principal object ids of share.accounts; throws naming every value that is not one. */
export function sharePrincipals(accounts: string[], where: string): string[] {
  const values = accounts.map((a) => a.trim()).filter((a) => a.length > 0);
  const bad = values.filter((a) => !GUID.test(a));
  if (bad.length > 0) {
    throw new Error(
      `${where}: share.accounts for Azure must be Entra ID object ids (GUIDs) of users, groups or service principals; ` +
        `not ${bad.map((b) => `"${b}"`).join(', ')}. Azure shares gallery images through RBAC (Reader on the image ` +
        'definition), and a subscription or tenant cannot be granted a role by its id: list the object id of a group ' +
        'or service principal in that subscription or tenant instead.',
    );
  }
  return [...new Map(values.map((v) => [v.toLowerCase(), v.toLowerCase()])).values()];
}

/** A role assignment name that is the same for the same scope and principal (so a second run changes nothing). */
export function assignmentName(scope: string, principal: string): string {
  const h = createHash('sha256').update(`${scope.toLowerCase()}|${principal.toLowerCase()}|${READER_ROLE_ID}`).digest('hex');
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The REST context behind the compute client (arm-compute 24 is a modular
 * client: its operations run on a `@azure-rest/core-client` Client held in
 * `_client`, whose `pathUnchecked` sends any ARM path through the same
 * pipeline: credential, endpoint, CA, retries and deadlines of client.ts).
 */
type RestContext = Pick<ComputeManagementContext, 'pathUnchecked'>;
function restContext(client: ComputeManagementClient): RestContext {
  const context = (client as unknown as { _client?: RestContext })._client;
  if (typeof context?.pathUnchecked !== 'function') {
    throw new Error('this @azure/arm-compute version gives no access to its ARM pipeline; role assignments cannot be sent');
  }
  return context;
}

/**
 * PUTs a Reader role assignment on `scope` for `principal` through the compute
 * client's own pipeline (same credential, endpoint, CA and retries):
 * `PUT {scope}/providers/Microsoft.Authorization/roleAssignments/{name}?api-version=2022-04-01`
 * (learn.microsoft.com/azure/role-based-access-control/role-assignments-rest).
 * 409 RoleAssignmentExists counts as done ("Troubleshoot Azure RBAC": the role
 * assignment already exists).
 */
export async function grantReader(client: ComputeManagementClient, scope: string, principal: string): Promise<void> {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1] ?? '';
  const name = assignmentName(scope, principal);
  const response = await restContext(client)
    .pathUnchecked(`${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`)
    .put({
      queryParameters: { 'api-version': ROLE_ASSIGNMENTS_API },
      contentType: 'application/json',
      body: {
        properties: {
          roleDefinitionId: `/subscriptions/${subscription}/providers/Microsoft.Authorization/roleDefinitions/${READER_ROLE_ID}`,
          principalId: principal,
        },
      },
    });
  const status = Number(response.status);
  if (status === 200 || status === 201) return;
  const error = (response.body as { error?: { code?: string; message?: string } } | undefined)?.error;
  const code = error?.code ?? '';
  const message = error?.message ?? '';
  if (status === 409 && code === 'RoleAssignmentExists') return;
  throw new Error(
    `role assignment Reader for principal ${principal} failed with ${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}` +
      (status === 403
        ? '. Granting roles needs Microsoft.Authorization/roleAssignments/write: give the identity "Role Based Access ' +
          'Control Administrator" (or "User Access Administrator") on the gallery, then run again'
        : ''),
  );
}
