import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { StartupError } from '../startup.js';

/** What the lock file says about the process holding a PGlite data folder. */
export interface LockOwner {
  pid: number;
  host: string;
  command: string;
  since: string;
  /** The holder's control socket (a server's), through which other processes reach its data. */
  controlSocket?: string;
}

export class DataDirInUseError extends StartupError {
  constructor(
    readonly dataDir: string,
    readonly owner: LockOwner,
  ) {
    super(
      `The data folder ${dataDir} is in use by process ${owner.pid} (${owner.command}${owner.host === hostname() ? '' : ` on ${owner.host}`}, since ${owner.since}): ` +
        'stop it first, or set DATA_DIR to another folder (PGlite allows one process per folder).',
    );
    this.name = 'DataDirInUseError';
  }
}

export interface DataDirLock {
  readonly path: string;
  /** Records the holder's control socket in the lock, for other processes to find. */
  advertise(controlSocket: string): void;
  release(): void;
}

const LOCK_FILE = 'runwatch.lock';
/** A takeover (or a lock file) not finished in this long was cut short: its process died. */
const STALE_MS = 10_000;

/** Whether a process with this pid is alive on this machine (EPERM: alive, but not ours). */
function alive(pid: number): boolean {
  if (pid === process.pid) return false; // an earlier incarnation's lock, e.g. pid 1 in a restarted container
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const owner = JSON.parse(readFileSync(path, 'utf8')) as LockOwner;
    return Number.isInteger(owner.pid) ? owner : null;
  } catch {
    return null;
  }
}

/**
 * A lock whose holder is gone: its pid is dead on this host, or the file was never completed (its
 * creator died between creating and writing it). One held on another host cannot be checked.
 */
function isStale(path: string, owner: LockOwner | null): boolean {
  if (owner === null) return Date.now() - mtimeOf(path) > STALE_MS;
  return owner.host === hostname() && !alive(owner.pid);
}

/** The holder of the folder's lock, if a live process holds it. */
export function lockOwner(dataDir: string): LockOwner | null {
  const path = join(resolve(dataDir), LOCK_FILE);
  const owner = readOwner(path);
  return owner && !isStale(path, owner) ? owner : null;
}

/** How the running command is named in the lock: `npm run demo`, or the script's path. */
const commandName = () =>
  process.env.npm_lifecycle_event ? `npm ${['start', 'test'].includes(process.env.npm_lifecycle_event) ? '' : 'run '}${process.env.npm_lifecycle_event}` : process.argv.slice(1, 2).join(' ');

/**
 * Takes the exclusive lock on a PGlite data folder: a file created with O_EXCL that names the
 * holder's pid. A lock left by a process that died (its pid is gone) is taken over, one process at
 * a time (a takeover directory, created atomically, serialises them), so two processes racing for
 * a stale lock cannot both win. A live holder makes this throw DataDirInUseError.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const folder = resolve(dataDir);
  createFolder(dataDir, folder);
  const path = join(folder, LOCK_FILE);
  const takeover = `${path}.takeover`;
  let owner: LockOwner = { pid: process.pid, host: hostname(), command: commandName(), since: new Date().toISOString() };

  for (let attempt = 0; ; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(owner));
      closeSync(fd);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unusableFolder(dataDir, error);
    }
    const current = readOwner(path);
    // A lock file still being written (or unreadable) is treated as held; only a dead pid is stale.
    if (!isStale(path, current) || attempt >= 5) {
      throw new DataDirInUseError(dataDir, current ?? { pid: 0, host: '?', command: 'unknown', since: 'unknown' });
    }
    try {
      mkdirSync(takeover);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() - mtimeOf(takeover) > STALE_MS) rmdirSafe(takeover);
      continue;
    }
    try {
      // Still the same stale lock (not one another process took over meanwhile)?
      const again = readOwner(path);
      if (JSON.stringify(again) === JSON.stringify(current)) unlinkSafe(path);
    } finally {
      rmdirSafe(takeover);
    }
  }

  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never remove one that someone took over after ours was declared stale.
    if (readOwner(path)?.pid === process.pid) unlinkSafe(path);
  };
  process.on('exit', release);
  return {
    path,
    advertise(controlSocket) {
      owner = { ...owner, controlSocket };
      // Replaced whole (rename is atomic): a reader never sees a half-written lock.
      writeFileSync(`${path}.${process.pid}`, JSON.stringify(owner), { mode: 0o600 });
      renameSync(`${path}.${process.pid}`, path);
    },
    release,
  };
}

const unusableFolder = (dataDir: string, error: unknown) =>
  new StartupError(
    `DATA_DIR=${dataDir} cannot be used (${(error as Error).message}): set DATA_DIR to a folder this user may write, or memory:// for a throwaway database.`,
  );

/**
 * Creates the folder and its missing parents one level at a time: `mkdirSync(recursive)` never
 * returns under a folder that refuses new entries with ENOENT, such as /proc (Node 20).
 */
function createFolder(dataDir: string, folder: string) {
  const parent = dirname(folder);
  if (parent !== folder && !existsSync(parent)) createFolder(dataDir, parent);
  try {
    mkdirSync(folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw unusableFolder(dataDir, error);
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return Date.now();
  }
}

function rmdirSafe(path: string) {
  try {
    rmdirSync(path);
  } catch {
    // already gone
  }
}

function unlinkSafe(path: string) {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
