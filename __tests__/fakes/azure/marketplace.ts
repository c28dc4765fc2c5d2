/**
 * Marketplace images of the Azure fake (Virtual Machine Images - List and Get,
 * ARM REST reference):
 *   GET /subscriptions/{s}/providers/Microsoft.Compute/locations/{l}/publishers/{p}
 *       /artifacttypes/vmimage/offers/{o}/skus/{sku}/versions[/{version}]
 * List answers a bare JSON array of {name, location, id}; Get adds
 * `properties.hyperVGeneration` (and osDiskImage). Unknown images are 404
 * (ARM: "Artifact: VMImage was not found"). Seeded by default with Debian 12,
 * whose marketplace SKU `12` is a Gen1 image and `12-gen2` a Gen2 one
 * (`az vm image show --urn Debian:debian-12:12:latest` / `...:12-gen2:latest`).
 *
 * List answers the versions of the SKU "in the specified location" (Virtual
 * Machine Images - List): an image with `locations` is offered there only.
 * List promises no order; the fake answers in insertion order, so a test that
 * pushes an older version after a newer one shows the reader sorts itself.
 * Tests publish a newer upstream version by pushing it onto `fake.marketplace`.
 */
import { armError, type Reply, type RouteContext } from './routes.js';

export interface FakeMarketplaceImage {
  publisher: string;
  offer: string;
  sku: string;
  version: string;
  hyperVGeneration?: 'V1' | 'V2';
  /** Where the version is offered (default: every location). */
  locations?: string[];
}

export const DEFAULT_MARKETPLACE: FakeMarketplaceImage[] = [
  { publisher: 'Debian', offer: 'debian-12', sku: '12', version: '0.20250101.1', hyperVGeneration: 'V1' },
  { publisher: 'Debian', offer: 'debian-12', sku: '12-gen2', version: '0.20250101.1', hyperVGeneration: 'V2' },
];

export const MARKETPLACE_ROUTES: [RegExp, Record<string, string>][] = [
  [
    /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/locations\/([^/]+)\/publishers\/([^/]+)\/artifacttypes\/vmimage\/offers\/([^/]+)\/skus\/([^/]+)\/versions(?:\/([^/]+))?$/i,
    { GET: 'VirtualMachineImages' },
  ],
];

export function marketplaceRoutes(ctx: RouteContext, images: FakeMarketplaceImage[]): Reply {
  const [subscription = '', location = '', publisher = '', offer = '', sku = '', version] = ctx.params;
  const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
  const offered = (i: FakeMarketplaceImage) => !i.locations || i.locations.some((l) => same(l, location));
  const matching = images.filter((i) => same(i.publisher, publisher) && same(i.offer, offer) && same(i.sku, sku) && offered(i));
  const base = `/Subscriptions/${subscription}/Providers/Microsoft.Compute/Locations/${location}/Publishers/${publisher}/ArtifactTypes/VMImage/Offers/${offer}/Skus/${sku}/Versions`;
  if (version === undefined) return { status: 200, body: matching.map((i) => ({ name: i.version, location, id: `${base}/${i.version}` })) };
  const image = matching.find((i) => same(i.version, decodeURIComponent(version)));
  if (!image) return armError(404, 'NotFound', 'Artifact: VMImage was not found.');
  return {
    status: 200,
    body: {
      name: image.version,
      location,
      id: `${base}/${image.version}`,
      properties: {
        osDiskImage: { operatingSystem: 'Linux', sizeInGb: 30 },
        ...(image.hyperVGeneration ? { hyperVGeneration: image.hyperVGeneration } : {}),
      },
    },
  };
}
