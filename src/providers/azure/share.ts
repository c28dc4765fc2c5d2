/**
 * Which subscriptions and tenants a gallery is to be shared with. Accounts in
 * topology.yml are `tenant:<id>` for Entra ID tenants and `<id>`,
 * `subscription:<id>` or `/subscriptions/<id>` for subscriptions.
 */
import type { SharingProfileGroup } from '@azure/arm-compute';

export function parseShareAccount(account: string): { type: 'Subscriptions' | 'AADTenants'; id: string } {
  const value = account.trim();
  const tenant = /^(?:tenant|aadtenant):(.+)$/i.exec(value);
  if (tenant) return { type: 'AADTenants', id: tenant[1]!.trim() };
  const subscription = /^(?:subscription:|\/subscriptions\/)([^/]+)\/?$/i.exec(value);
  return { type: 'Subscriptions', id: (subscription ? subscription[1]! : value).trim() };
}

/** The sharing groups to add: the accounts not already in the gallery's groups. */
export function sharingGroups(accounts: string[], existing: SharingProfileGroup[]): SharingProfileGroup[] {
  const have = new Set(existing.flatMap((g) => (g.ids ?? []).map((id) => `${g.type}:${id}`.toLowerCase())));
  const wanted = new Map<string, string[]>();
  for (const account of accounts) {
    const { type, id } = parseShareAccount(account);
    if (!id || have.has(`${type}:${id}`.toLowerCase())) continue;
    const ids = wanted.get(type) ?? [];
    if (!ids.some((known) => known.toLowerCase() === id.toLowerCase())) ids.push(id);
    wanted.set(type, ids);
  }
  return [...wanted].map(([type, ids]) => ({ type, ids }));
}
