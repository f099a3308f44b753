// The npm registry reachable here lacks some platform-specific optional packages (e.g. unrs-resolver's
// bindings for android, darwin, win32…). `npm install` then leaves them out of package-lock.json and
// `npm ci` refuses the lock as out of sync. This adds a lock entry, with its os/cpu, for every optional
// dependency that is missing, so `npm ci` resolves the tree and skips them on platforms they are not for.
// Run after `npm install`: `node tools/fix-lockfile.mjs`.
import fs from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const platform = (name) => {
  const n = name.split('/').pop();
  const os = ['android', 'darwin', 'freebsd', 'linux', 'openharmony', 'win32', 'netbsd', 'openbsd', 'sunos', 'aix'].find((o) => n.includes(`-${o}-`));
  const cpu = ['arm64', 'x64', 'ia32', 'loong64', 'ppc64', 'riscv64', 's390x', 'wasm32', 'arm'].find((c) => n.includes(`-${c}`));
  const libc = /-(gnu|gnueabihf)$/.test(n) ? ['glibc'] : /-(musl|musleabihf)$/.test(n) ? ['musl'] : undefined;
  return { os, cpu, libc };
};
let added = 0;
for (const [key, pkg] of Object.entries(lock.packages)) {
  for (const [dep, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const at = `${key ? key + '/' : ''}node_modules/${dep}`;
    const top = `node_modules/${dep}`;
    if (lock.packages[at] || lock.packages[top]) continue;
    const { os, cpu, libc } = platform(dep);
    if (!os || !cpu) continue;
    const base = dep.split('/').pop();
    lock.packages[top] = {
      version,
      resolved: `https://registry.npmjs.org/${dep}/-/${base}-${version}.tgz`,
      cpu: [cpu],
      ...(pkg.dev ? { dev: true } : {}),
      ...(libc ? { libc } : {}),
      optional: true,
      os: [os],
    };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
fs.writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`added ${added} lock entries for platform-specific optional packages`);
