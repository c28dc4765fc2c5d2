import type { Cloud } from '../topology/model.js';
import type { ProviderContext } from './index.js';
import type { Provider } from './provider.js';

export async function createAwsProvider(cloud: Cloud, _context: ProviderContext): Promise<Provider> {
  throw new Error(`cloud "${cloud.name}": the aws provider is not available in this version`);
}
