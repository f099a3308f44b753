import * as fs from 'node:fs';
import * as path from 'node:path';

/** Is a process with this pid alive (EPERM: alive, owned by another user)? */
export const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const readProc = (pid: number, file: string): string | undefined => {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return undefined;
  }
};

/** The postmaster's pid from `postmaster.pid` (first line), if the file is there. */
export function lockPid(databaseDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(databaseDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Is `pid` a postmaster serving `databaseDir` (its command line names `-D <databaseDir>`)? */
function isPostmasterOf(pid: number, databaseDir: string): boolean {
  const cmdline = readProc(pid, 'cmdline')?.split('\0');
  if (!cmdline) return false;
  const d = cmdline.indexOf('-D');
  return d >= 0 && path.resolve(cmdline[d + 1] ?? '') === path.resolve(databaseDir);
}

/**
 * What to do about an existing `postmaster.pid` before starting: `none` (no file, or its pid is dead: PostgreSQL
 * checks that itself, and its shared-memory check needs the file), `stale` (the pid was reused by an unrelated
 * process, which would make PostgreSQL refuse to start: remove the file), or `running` (a postmaster of this
 * directory is alive) with its pid and parent pid. Needs Linux's /proc for the last two; elsewhere always `none`.
 */
export function inspectLock(databaseDir: string): { kind: 'none' } | { kind: 'stale' } | { kind: 'running'; pid: number; ppid?: number } {
  const pid = lockPid(databaseDir);
  if (!pid || !alive(pid) || !fs.existsSync('/proc/self/cmdline')) return { kind: 'none' };
  if (!isPostmasterOf(pid, databaseDir)) return { kind: 'stale' };
  // /proc/<pid>/stat: "pid (comm) state ppid …"; comm may hold spaces, so read after the last ')'.
  const stat = readProc(pid, 'stat');
  const ppid = stat ? Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) : undefined;
  return { kind: 'running', pid, ppid: Number.isInteger(ppid) ? ppid : undefined };
}

