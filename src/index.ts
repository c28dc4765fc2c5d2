import './esm-shim.js';
import { run } from './main.js';
import { cli } from './cli.js';

// bin/image-builder.js sets IMAGE_BUILDER_CLI so the one bundle serves the CLI too.
await (process.env.IMAGE_BUILDER_CLI === '1' ? cli(process.argv.slice(2)) : run());
