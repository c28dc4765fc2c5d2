/** `node --import ./register-json-hook.mjs ...`: installs json-import-hook.mjs. */
import { register } from 'node:module';

register('./json-import-hook.mjs', import.meta.url);
