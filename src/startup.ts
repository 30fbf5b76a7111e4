import { ProtectedModeError } from './auth/auth.js';
import { ConfigError } from './config.js';
import { DataDirInUseError } from './db/data-dir-lock.js';

/** What a person must read when start-up fails for a reason they can fix: the message, no stack. */
export function startupFailure(error: unknown): string | null {
  if (error instanceof ProtectedModeError || error instanceof DataDirInUseError || error instanceof ConfigError) return error.message;
  return null;
}

/** Runs an entry point's start-up; a failure a person can fix is printed as such and exits with 1. */
export async function startOrExit<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    const message = startupFailure(error);
    if (message === null) throw error;
    console.error(message);
    process.exit(1);
  }
}
