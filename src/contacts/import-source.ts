import { CsvError, parse } from 'csv-parse';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError, ValidationFailedError } from '../common/errors/domain.error.js';
import { mapHeaders, recordFromCells } from './csv-columns.js';
import { ImportRecord } from './import-record.js';
import { vcardRecords } from './vcard.js';

/** An import file may be up to 50 MiB; it is read as a stream, never held whole. */
export const IMPORT_BODY_LIMIT = 50 * 1024 * 1024;

const tooLarge = () =>
  new DomainError('PAYLOAD_TOO_LARGE', `An import file may be at most ${IMPORT_BODY_LIMIT / 1024 / 1024} MiB`, 413);

/** A request body spooled to a private temporary file, read back as a stream; `dispose()` deletes it. */
export interface SpooledBody {
  open(): Readable;
  dispose(): Promise<void>;
}

/**
 * Reads the whole request body to a temporary file (never into memory), refusing it with a 413 as soon as it
 * passes the limit (announced or counted). The import then runs from the file: the client's upload speed does not
 * hold a database transaction open, and an oversized file is refused at network speed, before any row is written.
 */
export async function spool(body: Readable, limit = IMPORT_BODY_LIMIT): Promise<SpooledBody> {
  const announced = Number((body as Readable & { headers?: Record<string, string> }).headers?.['content-length']);
  if (announced > limit) throw tooLarge();
  const dir = await mkdtemp(join(tmpdir(), 'rapport-import-'));
  const file = join(dir, 'body');
  const dispose = () => rm(dir, { recursive: true, force: true });
  let bytes = 0;
  const cap = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(bytes > limit ? tooLarge() : null, chunk);
    },
  });
  try {
    await pipeline(body, cap, createWriteStream(file, { mode: 0o600 }));
  } catch (err) {
    await dispose();
    throw err;
  }
  return { open: () => createReadStream(file), dispose };
}

/** What a request body stream has shown so far. */
export interface SourceState {
  /** Any character that is not white space was read. */
  content: boolean;
}

/**
 * A spooled body (its size already checked by {@link spool}) as UTF-8 text chunks; a NUL refuses it.
 * `state.content` tells afterwards whether it held anything but white space.
 */
export async function* textChunks(body: Readable, state: SourceState): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of body as AsyncIterable<Buffer | string>) {
    const text = decoder.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    if (text.includes('\u0000')) {
      throw new DomainError('MALFORMED_IMPORT', 'The file holds a NUL character: it is not a text file; nothing was imported', 400);
    }
    if (!state.content && /\S/.test(text.replace(/^\uFEFF/, ''))) state.content = true;
    if (text) yield text;
  }
  const rest = decoder.end();
  if (rest) {
    if (/\S/.test(rest)) state.content = true;
    yield rest;
  }
}

/** The separator of a CSV file, guessed from its header line (Excel in many locales writes `;`). */
export function guessDelimiter(text: string): string {
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  const counts = [',', ';', '\t'].map((d) => [d, firstLine.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

/** Text chunks as lines (without their line ends). */
async function* linesOf(chunks: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of chunks) {
    rest += chunk;
    const parts = rest.split(/\r\n|\n|\r(?!$)/);
    rest = parts.pop() ?? '';
    for (const line of parts) yield line;
  }
  if (rest) yield rest.replace(/\r$/, '');
}

/** Import records of a vCard stream; values in NFC, as the API's DTOs store them. */
export async function* vcardSource(chunks: AsyncIterable<string>): AsyncGenerator<ImportRecord> {
  yield* vcardRecords(
    (async function* () {
      for await (const line of linesOf(chunks)) yield line.normalize('NFC');
    })(),
  );
}

/**
 * Import records of a CSV stream, read through csv-parse: the header row names the columns, the separator is
 * guessed from it. Values in NFC. A file csv-parse cannot read (an unclosed quote, say) is a 400 that names
 * the line, never a 500; the values themselves are not repeated.
 */
export async function* csvSource(chunks: AsyncIterable<string>): AsyncGenerator<ImportRecord> {
  const it = chunks[Symbol.asyncIterator]();
  let head = '';
  while (!/[\r\n]/.test(head)) {
    const next = await it.next();
    if (next.done) break;
    head += next.value;
  }
  const parser = parse({
    bom: true,
    delimiter: guessDelimiter(head.replace(/^\uFEFF/, '')),
    relax_column_count: true,
    skip_empty_lines: true,
    relax_quotes: true,
  });
  const input = Readable.from(
    (async function* () {
      yield head;
      for (;;) {
        const next = await it.next();
        if (next.done) return;
        yield next.value;
      }
    })(),
  );
  input.on('error', (err) => parser.destroy(err));
  input.pipe(parser);

  let fields: (string | undefined)[] | undefined;
  let row = 0;
  try {
    for await (const raw of parser as AsyncIterable<string[]>) {
      const cells = raw.map((c) => c.normalize('NFC'));
      if (!fields) {
        fields = mapHeaders(cells);
        if (!fields.some((f) => f === 'givenName' || f === 'familyName' || f === 'fullName')) {
          throw new ValidationFailedError(
            'The CSV header row names no name column (givenName/familyName, first_name/last_name or name)',
            [{ field: 'header', message: 'no name column' }],
          );
        }
        continue;
      }
      row += 1;
      if (cells.every((c) => !c.trim())) continue;
      yield recordFromCells(row, fields, cells);
    }
  } catch (err) {
    if (err instanceof CsvError) {
      const line = (err as CsvError & { lines?: number }).lines;
      throw new DomainError(
        'MALFORMED_CSV',
        `The CSV file cannot be read${line ? ` at line ${line}` : ''} (${err.code}); nothing was imported`,
        400,
      );
    }
    throw err;
  } finally {
    input.destroy();
  }
}
