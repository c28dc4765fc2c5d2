/**
 * Who uses an image: virtual machines and scale sets of the subscription
 * whose storageProfile.imageReference points at it. One listing of each
 * (paginated) serves every inUse call for `cacheMs`.
 */
import type { ComputeManagementClient, ImageReference } from '@azure/arm-compute';
import { definitionId, galleryVersionId, parseAzureImageId } from './names.js';
import type { ImageRecord } from '../../images/index.js';
import type { Usage } from '../provider.js';

interface Consumer {
  id: string;
  reference?: ImageReference;
}

export class UsageIndex {
  private cached?: { at: number; consumers: Promise<Consumer[]> };

  constructor(
    private readonly client: ComputeManagementClient,
    private readonly cacheMs: number,
    private readonly now: () => Date,
  ) {}

  private consumers(): Promise<Consumer[]> {
    const at = this.now().getTime();
    if (!this.cached || at - this.cached.at > this.cacheMs) {
      const consumers = this.list();
      this.cached = { at, consumers };
      consumers.catch(() => {
        if (this.cached?.consumers === consumers) this.cached = undefined;
      });
    }
    return this.cached.consumers;
  }

  private async list(): Promise<Consumer[]> {
    const vms = async () => {
      const out: Consumer[] = [];
      for await (const vm of this.client.virtualMachines.listAll()) {
        out.push({ id: vm.id ?? vm.name ?? '', reference: vm.storageProfile?.imageReference });
      }
      return out;
    };
    const scaleSets = async () => {
      const out: Consumer[] = [];
      for await (const vmss of this.client.virtualMachineScaleSets.listAll()) {
        out.push({ id: vmss.id ?? vmss.name ?? '', reference: vmss.virtualMachineProfile?.storageProfile?.imageReference });
      }
      return out;
    };
    return (await Promise.all([vms(), scaleSets()])).flat();
  }

  /**
   * A VM or scale set uses a gallery version when it names the version, or
   * names the definition ("latest") and either reports this exactVersion or,
   * reporting none, could still resolve to it (the version is not
   * deprecated, i.e. not excluded from latest).
   */
  async usage(image: ImageRecord): Promise<Usage> {
    const ref = parseAzureImageId(image.id);
    const consumers = await this.consumers();
    const references: string[] = [];
    if (ref.kind === 'managed-image') {
      const id = image.id.toLowerCase();
      for (const c of consumers) if (c.reference?.id?.toLowerCase() === id) references.push(c.id);
      return { inUse: references.length > 0, references };
    }
    const versionId = galleryVersionId(ref).toLowerCase();
    const defId = definitionId(ref).toLowerCase();
    for (const c of consumers) {
      const target = c.reference?.id?.toLowerCase();
      if (!target) continue;
      if (target === versionId) {
        references.push(c.id);
      } else if (target === defId || target === `${defId}/versions/latest`) {
        const exact = c.reference?.exactVersion;
        if (exact ? exact === ref.version : image.state !== 'deprecated') {
          references.push(exact ? c.id : `${c.id} (latest of ${ref.definition})`);
        }
      }
    }
    return { inUse: references.length > 0, references };
  }
}
