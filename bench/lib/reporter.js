/** A Reporter that prints nothing and keeps the outputs (benchmarks time the planning, not the logging). */
export function quietReporter() {
  const outputs = {};
  return {
    outputs,
    info() {},
    warning() {},
    error() {},
    group: (_name, fn) => fn(),
    setOutput(name, value) { outputs[name] = value; },
    async summary() {},
    mask() {},
  };
}
