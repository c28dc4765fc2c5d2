/**
 * azure-arm: boots the marketplace image, provisions, publishes a version of
 * the line's Compute Gallery image definition (stored in the build region;
 * distribute adds the others), and with modern Packer nothing else. Rules of
 * packer-plugin-azure at v2.6.3 (PLUGINS pins ~> 2.6.3) this source follows:
 * - `build_resource_group_name`, never `location`: with `location` Packer
 *   creates and deletes a temporary resource group, which needs
 *   subscription-scope rights; with an existing group it builds in that
 *   group and its location (builder/azure/arm/builder.go:225-232), so
 *   Contributor on the topology's resource group is enough. The two cannot
 *   be combined (config.go:1340-1342).
 * - Verification boots the gallery version by its name and sets
 *   `skip_create_image` with no destination: accepted since v2.6.0 (config.go
 *   :1200 and :1344 skip the destination checks when skip_create_image is set).
 * - `target_region` (config.go:113-119), which supersedes the deprecated
 *   `replication_regions`, must name the build location itself: unlike
 *   replication_regions it is not added for us (builder.go:300-313).
 * - `shared_gallery_image_version_exclude_from_latest` (config.go:273): a
 *   candidate is never what `versions/latest` resolves to; lifecycle clears
 *   it on promotion.
 * - Sign-in: on GitHub, the OIDC request URL and token (common/client/
 *   config.go:79-85, :212; GitHub OIDC in client/azure_authorizer.go:92-100),
 *   with which the plugin fetches a fresh GitHub token whenever it needs an
 *   Azure one, so builds longer than the Azure CLI's token lifetime keep
 *   working; elsewhere the Azure CLI login (client/config.go:94).
 * Packer < 1.7 (its built-in azure-arm) knows neither OIDC nor target_region:
 * it signs in with the Azure CLI and replicates with replication_regions.
 */
import type { AzureSource } from '../../topology/model.js';
import { DEFAULT_GALLERY, azureImageDefinition, azureVersionName, parseAzureImageId } from '../../providers/azure/names.js';
import { requireModern, sshUser, type SourceContext, type SourceResult } from './context.js';

/** GitHub's OIDC request (set in jobs with `id-token: write`) and the identity azure/login signs in as. */
export const AZURE_OIDC_ENV = {
  url: 'ACTIONS_ID_TOKEN_REQUEST_URL',
  token: 'ACTIONS_ID_TOKEN_REQUEST_TOKEN',
  clientId: 'AZURE_CLIENT_ID',
  tenantId: 'AZURE_TENANT_ID',
} as const;

export function azureSource(ctx: SourceContext): SourceResult {
  const source = ctx.image.source as AzureSource;
  const target = ctx.image.target;
  const v = ctx.builder;
  const user = sshUser(ctx, source.ssh_username);
  const subscription = v.variable('subscription', { type: 'string' }, target.subscription);
  const resourceGroup = v.variable('resource_group', { type: 'string' }, target.resource_group);
  const gallery = v.variable('gallery', { type: 'string' }, target.gallery ?? DEFAULT_GALLERY);
  const definition = v.variable('image_definition', { type: 'string' }, azureImageDefinition(ctx.image.image, ctx.image.os));
  const config: Record<string, unknown> = {
    ...signIn(ctx),
    subscription_id: subscription,
    build_resource_group_name: resourceGroup,
    vm_size: v.variable('vm_size', { type: 'string' }, ctx.image.recipe.build.instance_type ?? 'Standard_B2s'),
    os_type: 'Linux',
    ssh_username: v.variable('ssh_username', { type: 'string' }, user),
    azure_tags: v.variable('tags', { type: 'map(string)' }, ctx.tags),
  };
  if (ctx.mode === 'verify') {
    config.shared_image_gallery = {
      subscription,
      resource_group: resourceGroup,
      gallery_name: gallery,
      image_name: definition,
      image_version: v.variable('source_version', { type: 'string' }, versionName(ctx)),
    };
    config.skip_create_image = requireModern(ctx, 'skip_create_image');
  } else {
    config.image_publisher = v.variable('image_publisher', { type: 'string' }, source.publisher);
    config.image_offer = v.variable('image_offer', { type: 'string' }, source.offer);
    config.image_sku = v.variable('image_sku', { type: 'string' }, source.sku);
    // The version the plan resolved (providers/azure/resolve.ts), else the topology's (`latest`: Azure picks at build time).
    config.image_version = v.variable('image_version', { type: 'string' }, ctx.resolved?.id ?? source.version ?? 'latest');
    // One image per build: the gallery version only. v2.x publishes straight to the gallery without a
    // managed image (config.go v2.6.3:1200 accepts a shared_image_gallery_destination alone), so no
    // managed image is made, tagged or left behind; Packer < 1.7's built-in azure-arm needs one to publish from.
    if (!ctx.modernPacker) {
      config.managed_image_name = v.variable('image_name', { type: 'string' }, ctx.image.name);
      config.managed_image_resource_group_name = resourceGroup;
    }
    const region = v.variable('region', { type: 'string' }, ctx.image.buildRegion);
    config.shared_image_gallery_destination = {
      subscription,
      resource_group: resourceGroup,
      gallery_name: gallery,
      image_name: definition,
      image_version: v.variable('gallery_version', { type: 'string' }, azureVersionName(ctx.buildTime)),
      ...(ctx.modernPacker ? { target_region: [{ name: region }] } : { replication_regions: [region] }),
    };
    config.shared_gallery_image_version_exclude_from_latest = true;
  }
  if (ctx.image.recipe.build.disk_size_gb) {
    config.os_disk_size_gb = v.variable('disk_size_gb', { type: 'number' }, ctx.image.recipe.build.disk_size_gb);
  }
  return { type: 'azure-arm', name: 'image', config, sshUser: user, plugin: 'azure' };
}

/**
 * GitHub OIDC when the job can request a token and names the identity
 * (values in the variables file, the URL and token marked sensitive);
 * otherwise the Azure CLI's login.
 */
function signIn(ctx: SourceContext): Record<string, unknown> {
  const env = ctx.env ?? process.env;
  const [url, token, clientId] = [env[AZURE_OIDC_ENV.url], env[AZURE_OIDC_ENV.token], env[AZURE_OIDC_ENV.clientId]];
  if (!ctx.modernPacker || !url || !token || !clientId) return { use_azure_cli_auth: true };
  const v = ctx.builder;
  const tenant = env[AZURE_OIDC_ENV.tenantId];
  return {
    use_azure_cli_auth: false,
    client_id: v.variable('client_id', { type: 'string' }, clientId),
    // Without tenant_id the plugin looks the tenant up from the subscription.
    ...(tenant ? { tenant_id: v.variable('tenant_id', { type: 'string' }, tenant) } : {}),
    oidc_request_url: v.variable('oidc_request_url', { type: 'string', sensitive: true }, url),
    oidc_request_token: v.variable('oidc_request_token', { type: 'string', sensitive: true }, token),
  };
}

/**
 * The gallery version verification boots: the build records the version's
 * resource id (packer/manifest.ts); a bare version name is taken as it is.
 */
function versionName(ctx: SourceContext): string | undefined {
  const id = ctx.verifyImage;
  if (!id?.startsWith('/')) return id;
  const ref = parseAzureImageId(id);
  if (ref.kind === 'gallery-version') return ref.version;
  throw new Error(
    `${ctx.image.name}: the build result names the managed image ${id}, not a gallery image version: ` +
      'it was built by an older version of this tool; build the image again to verify it',
  );
}
