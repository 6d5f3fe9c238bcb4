import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config.ts';

/** Exit code of every command here for bad usage or configuration. */
export const EXIT_USAGE = 2;

/** The parsed arguments, or undefined after writing what is wrong and the usage to `err` (then exit EXIT_USAGE). */
export function parseArgsOrExplain<T extends ParseArgsConfig>(config: T, usage: string, err: NodeJS.WritableStream): ReturnType<typeof parseArgs<T>> | undefined {
  try {
    return parseArgs(config);
  } catch (e) {
    err.write(`${(e as Error).message}\n\n${usage}`);
    return undefined;
  }
}

/** The config from `env` (the process environment by default), or undefined after writing why it is invalid to `err` (then exit EXIT_USAGE). */
export function loadConfigOrExplain(err: NodeJS.WritableStream, env?: Record<string, string | undefined>): Config | undefined {
  try {
    return loadConfig(env);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    err.write(`${e.message}\n`);
    return undefined;
  }
}

/** Ends the process with the code the command answers; a command that throws prints `<name> failed: …` and exits 1. */
export function exitWith(command: Promise<number>, name: string): void {
  command.then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`${name} failed: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
