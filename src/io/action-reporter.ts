/** The Reporter of the GitHub Action: workflow commands, outputs, job summary. */
import * as core from '@actions/core';
import type { Annotation, Reporter } from './reporter.js';

const props = (where?: Annotation): core.AnnotationProperties => ({
  file: where?.file,
  startLine: where?.line,
  startColumn: where?.col,
  title: where?.title,
});

export const actionReporter: Reporter = {
  info: (message) => core.info(message),
  warning: (message, where) => core.warning(message, props(where)),
  error: (message, where) => core.error(message, props(where)),
  group: (name, fn) => core.group(name, fn),
  setOutput: (name, value) => core.setOutput(name, value),
  async summary(markdown, text) {
    core.info(text.trimEnd());
    if (!process.env.GITHUB_STEP_SUMMARY) return;
    await core.summary.addRaw(markdown, true).write();
  },
  mask: (secret) => core.setSecret(secret),
};
