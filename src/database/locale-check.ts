import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';

/**
 * Warns once at start-up when the database classifies characters as plain ASCII (LC_CTYPE C or POSIX): search then
 * splits names at every non-ASCII letter ("Müller" is searched as "m" and "ller") and lower() leaves 'Ü' alone.
 * Databases Rapport creates itself are C.UTF-8 (see create-database.ts); this catches older or external ones.
 */
@Injectable()
export class DatabaseLocaleCheck implements OnApplicationBootstrap {
  private readonly logger = new Logger('Database');

  constructor(private readonly dataSource: DataSource) {}

  async onApplicationBootstrap(): Promise<void> {
    const [row]: { ctype: string }[] = await this.dataSource.query(
      'SELECT datctype AS ctype FROM pg_database WHERE datname = current_database()',
    );
    if (row && /^(C|POSIX)$/i.test(row.ctype)) {
      this.logger.warn(
        `The database's LC_CTYPE is ${row.ctype}: contact search treats non-ASCII letters as word breaks. ` +
          `Use a database created with LC_CTYPE 'C.UTF-8' (or another UTF-8 locale); see the README.`,
      );
    }
  }
}
