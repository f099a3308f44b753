import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { inspectLock, lockPid } from './postmaster-lock.js';

describe('inspectLock (postmaster.pid before a start)', () => {
  let dir: string;
  const writeLock = (pid: number) => fs.writeFileSync(path.join(dir, 'postmaster.pid'), `${pid}\n${dir}\n1700000000\n5432\n`);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rapport-lock-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is none without a lock file', () => {
    expect(lockPid(dir)).toBeUndefined();
    expect(inspectLock(dir)).toEqual({ kind: 'none' });
  });

  it('is none when the pid is dead (PostgreSQL checks that itself)', () => {
    const dead = spawnSync('true').pid!; // exited and reaped
    writeLock(dead);
    expect(lockPid(dir)).toBe(dead);
    expect(inspectLock(dir)).toEqual({ kind: 'none' });
  });

  const linux = fs.existsSync('/proc/self/cmdline') ? it : it.skip;
  linux('is stale when the pid belongs to a process that is not a postmaster of this directory', () => {
    writeLock(process.pid); // this jest worker: alive, but not a postgres -D <dir>
    expect(inspectLock(dir)).toEqual({ kind: 'stale' });
  });
});
