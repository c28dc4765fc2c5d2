/** The action: parse inputs once, dispatch to a command, one catch -> setFailed. */
import * as core from '@actions/core';
import { dispatch } from './commands/index.js';
import { actionReporter } from './io/action-reporter.js';
import { guardStrayRejections, reportFailure } from './io/fail.js';
import { parseInputs } from './io/inputs.js';

export async function run(): Promise<void> {
  guardStrayRejections((message) => core.error(message));
  try {
    const inputs = parseInputs((name) => core.getInput(name));
    for (const secret of [inputs.gcpAccessToken, inputs.token]) if (secret) core.setSecret(secret);
    await dispatch(inputs, actionReporter);
  } catch (error) {
    core.setFailed(`image-builder: ${reportFailure(error, actionReporter)}`);
  }
}
