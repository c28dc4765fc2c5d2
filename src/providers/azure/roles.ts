/** The Azure role (and the actions in it) an operation needs, for error messages. */
export type RoleKind = 'read' | 'write' | 'delete' | 'share' | 'usage' | 'source';

export function requiredRole(kind: RoleKind, resourceGroup: string, gallery: string, subscription: string): string {
  const rg = `resource group "${resourceGroup}"`;
  switch (kind) {
    case 'read':
      return `Reader on ${rg} (Microsoft.Compute/galleries/images/versions/read, Microsoft.Compute/images/read)`;
    case 'write':
      return `Contributor on ${rg}, or "Compute Gallery Artifacts Publisher" on gallery "${gallery}" (Microsoft.Compute/galleries/images/versions/write)`;
    case 'delete':
      return `Contributor on ${rg} (Microsoft.Compute/galleries/images/versions/delete, Microsoft.Compute/images/delete)`;
    case 'share':
      return `"Role Based Access Control Administrator" on gallery "${gallery}" (Microsoft.Authorization/roleAssignments/write)`;
    case 'usage':
      return `Reader on subscription "${subscription}" (Microsoft.Compute/virtualMachines/read, Microsoft.Compute/virtualMachineScaleSets/read)`;
    case 'source':
      return `Reader on subscription "${subscription}" (Microsoft.Compute/locations/publishers/artifacttypes/offers/skus/versions/read)`;
  }
}
