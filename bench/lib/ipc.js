/** A forked helper process and a request/answer over its IPC channel. */
import { fork } from 'node:child_process';

export function forkHelper(file, args = [], execArgv = process.execArgv) {
  const child = fork(file, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv });
  const ask = (message, answerType) => new Promise((resolve, reject) => {
    const onMessage = (reply) => {
      if (reply.type !== answerType && reply.type !== 'error') return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (reply.type === 'error') reject(new Error(reply.message));
      else resolve(reply);
    };
    const onExit = (code) => reject(new Error(`${file} exited (${code}) before answering ${message.type}`));
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
  const close = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.send({ type: 'close' });
  });
  return { child, ask, close };
}
