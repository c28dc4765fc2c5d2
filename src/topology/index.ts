/** The topology module: load and validate topology.yml, resolve the images it needs. */
export { loadTopology, parseTopology } from './load.js';
export { resolveImages, resolveRecipe } from './resolve.js';
export { BUILTIN_PREFIX, builtinName, bundledPlaybooks, playbookPath, rolesPath } from './builtin.js';
export { TopologyError, formatProblem, type Problem } from './errors.js';
export { topologySchema, CLOUD_NAME, AWS_ACCOUNT } from './schema.js';
export { suggest, editDistance } from './suggest.js';
export * from './model.js';
