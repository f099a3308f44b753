import fs from 'node:fs';

export default async function globalTeardown() {
  const work = process.env.RAPPORT_RELIABILITY_BUILD_OWNED;
  if (work) fs.rmSync(work, { recursive: true, force: true });
}
