/**
 * A start-up failure a person can fix (a bad variable, a folder in use, a port taken, a database
 * out of reach): its message says what failed and what to check, and is printed without a stack.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}

/** Runs an entry point's start-up; a failure a person can fix is printed as such and exits with 1. */
export async function startOrExit<T>(start: () => Promise<T>): Promise<T> {
  try {
    return await start();
  } catch (error) {
    if (!(error instanceof StartupError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
