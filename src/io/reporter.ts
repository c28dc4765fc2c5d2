/**
 * Where commands send what they have to say. The action writes workflow
 * commands, outputs and the job summary; the CLI writes to the terminal.
 * Commands never import @actions/core themselves.
 */
export interface Annotation {
  file?: string;
  line?: number;
  col?: number;
  title?: string;
}

export interface Reporter {
  info(message: string): void;
  warning(message: string, where?: Annotation): void;
  error(message: string, where?: Annotation): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  setOutput(name: string, value: string): void;
  /** Markdown for the job summary (GitHub) or its terminal rendering (CLI). */
  summary(markdown: string, text: string): Promise<void>;
  /** Hides a secret from every later log line. */
  mask(secret: string): void;
}
