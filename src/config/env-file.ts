import * as fs from 'node:fs';

/** Reads `.env` from the working directory when there is one (variables already set win). */
export function loadEnvFile(file = '.env'): void {
  if (fs.existsSync(file)) process.loadEnvFile(file);
}
