/**
 * Role assignments of the Azure fake: PUT
 * `{scope}/providers/Microsoft.Authorization/roleAssignments/{name}?api-version=2022-04-01`
 * (learn.microsoft.com/azure/role-based-access-control/role-assignments-rest;
 * REST reference "Role Assignments - Create"). Rules enforced here:
 *  - the assignment name must be a GUID, and so must properties.principalId;
 *  - properties.roleDefinitionId is a role definition resource id;
 *  - the scope (here: a gallery image definition) must exist (404 otherwise);
 *  - the same principal, role and scope under a second name is 409
 *    RoleAssignmentExists ("The role assignment already exists", Troubleshoot
 *    Azure RBAC); the same name again is an update (200).
 */
import { armError, type Reply, type RouteContext } from './routes.js';
import { key } from './state.js';

export interface FakeRoleAssignment {
  name: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_DEFINITION = /^\/subscriptions\/[^/]+\/providers\/Microsoft\.Authorization\/roleDefinitions\/([0-9a-f-]{36})$/i;

/** params: subscription, resource group, gallery, definition, assignment name. */
export function roleAssignmentRoutes(ctx: RouteContext, assignments: FakeRoleAssignment[]): Reply {
  const [, , galleryName = '', definition = '', name = ''] = ctx.params;
  if (ctx.query.get('api-version') !== '2022-04-01') return armError(400, 'InvalidApiVersionParameter', 'api-version 2022-04-01 expected');
  const g = ctx.state.galleries.get(key(galleryName));
  if (!g?.definitions.has(key(definition))) {
    return armError(
      404,
      'ResourceNotFound',
      `The Resource 'Microsoft.Compute/galleries/${galleryName}/images/${definition}' was not found.`,
    );
  }
  const props = (ctx.body ?? {}).properties ?? {};
  if (!GUID.test(name))
    return armError(
      400,
      'InvalidRoleAssignmentId',
      `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`,
    );
  if (!GUID.test(String(props.principalId ?? ''))) return armError(400, 'InvalidPrincipalId', `A valid principal ID must be provided.`);
  if (!ROLE_DEFINITION.test(String(props.roleDefinitionId ?? ''))) {
    return armError(400, 'InvalidRoleDefinitionId', `The role definition ID '${props.roleDefinitionId}' is not valid.`);
  }
  const scope = ctx.path.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, '');
  const same = (a: FakeRoleAssignment) =>
    a.scope.toLowerCase() === scope.toLowerCase() &&
    a.principalId.toLowerCase() === String(props.principalId).toLowerCase() &&
    a.roleDefinitionId.toLowerCase() === String(props.roleDefinitionId).toLowerCase();
  const existing = assignments.find((a) => a.name.toLowerCase() === name.toLowerCase());
  if (!existing && assignments.some(same)) return armError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
  const assignment = { name, scope, principalId: String(props.principalId), roleDefinitionId: String(props.roleDefinitionId) };
  if (existing) Object.assign(existing, assignment);
  else assignments.push(assignment);
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  return {
    status: existing ? 200 : 201,
    body: { id, name, type: 'Microsoft.Authorization/roleAssignments', properties: { ...assignment, scope, principalType: 'User' } },
  };
}
