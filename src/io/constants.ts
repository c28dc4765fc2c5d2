/** Every input and output name, in one place (action.yml mirrors these). */
export const InputNames = {
  command: 'command',
  topology: 'topology',
  offline: 'offline',
  clouds: 'clouds',
  images: 'images',
  force: 'force',
  maxCells: 'max-cells',
  chunk: 'chunk',
  planFile: 'plan-file',
  cell: 'cell',
  dryRun: 'dry-run',
  results: 'results',
  delete: 'delete',
  concurrency: 'concurrency',
  gcpAccessToken: 'gcp-access-token',
  azureCloud: 'azure-cloud',
  token: 'token',
  summary: 'summary',
  buildTimeout: 'build-timeout',
  workDir: 'work-dir',
  copyLimit: 'copy-limit',
} as const;

export const Outputs = {
  matrix: 'matrix',
  hasBuilds: 'has-builds',
  buildCount: 'build-count',
  copyCount: 'copy-count',
  retireCount: 'retire-count',
  chunkCount: 'chunk-count',
  chunks: 'chunks',
  planFile: 'plan-file',
  providers: 'providers',
  imageId: 'image-id',
  region: 'region',
  fingerprint: 'fingerprint',
  template: 'template',
  varFile: 'var-file',
  resultFile: 'result-file',
  copiedCount: 'copied-count',
  failedCount: 'failed-count',
  promotedCount: 'promoted-count',
  removedCount: 'removed-count',
} as const;

export const COMMANDS = ['plan', 'build', 'verify', 'distribute', 'lifecycle'] as const;
export type Command = (typeof COMMANDS)[number];
