#!/usr/bin/env node
// The CLI: the same bundle as the action (dist/index.js), run in CLI mode.
process.env.IMAGE_BUILDER_CLI = '1';
await import('../dist/index.js');
