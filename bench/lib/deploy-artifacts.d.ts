export const ARTIFACTS: Array<{ name: string; size: number }>;
export function artifactBytes(name: string, size: number): Buffer;
export function sha256Hex(buffer: Buffer): string;
export function createThrottle(bytesPerSecond: number): { reserve(bytes: number, now: number): number };
export interface ArtifactServer { port: number; stats: { bytes: number; requests: number }; close(): Promise<void> }
export function startArtifactServer(options: { files: Map<string, Buffer>; port: number; megabitsPerSecond: number }): Promise<ArtifactServer>;
