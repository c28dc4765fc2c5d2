/**
 * Module hooks for plain Node: @actions/workflow-parser imports its JSON schema
 * without `with { type: 'json' }`, which Node refuses
 * (ERR_IMPORT_ATTRIBUTE_MISSING). This resolve hook adds the attribute to every
 * JSON import; nothing else changes. Registered by register-json-hook.mjs.
 */
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  if (!resolved.url.endsWith('.json') || context.importAttributes?.type === 'json') return resolved;
  return { ...resolved, importAttributes: { ...context.importAttributes, type: 'json' } };
}
