/**
 * Which Packer is installed: its version, and whether it is modern (1.7+:
 * HCL2 required_plugins and `packer init`).
 */
import { runProcess } from '../util/process.js';

export interface PackerInfo {
  version: string;
  /** 1.7 and later: HCL2 `packer { required_plugins }` and `packer init`. */
  modern: boolean;
}

export async function packerInfo(packer = 'packer'): Promise<PackerInfo | undefined> {
  try {
    const result = await runProcess(packer, ['version'], { tail: 5 });
    const match = /v?(\d+)\.(\d+)\.(\d+)/.exec(result.tail.join(' '));
    if (result.code !== 0 || !match) return undefined;
    const [major, minor] = [Number(match[1]), Number(match[2])];
    return { version: `${match[1]}.${match[2]}.${match[3]}`, modern: major > 1 || (major === 1 && minor >= 7) };
  } catch {
    return undefined;
  }
}
