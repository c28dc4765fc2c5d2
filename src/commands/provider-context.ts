/** The ProviderContext every command gives the providers: credentials from the inputs, logs and masking through the reporter. */
import type { ProviderContext } from '../providers/index.js';
import type { Inputs } from '../io/inputs.js';
import type { Reporter } from '../io/reporter.js';

export function providerContext(
  baseDir: string, inputs: Pick<Inputs, 'gcpAccessToken' | 'azureCloud'>, reporter: Reporter, extra: Partial<ProviderContext> = {},
): ProviderContext {
  return {
    baseDir,
    gcpAccessToken: inputs.gcpAccessToken,
    azureCloud: inputs.azureCloud,
    log: (m) => reporter.info(m),
    mask: (secret) => reporter.mask(secret),
    ...extra,
  };
}
