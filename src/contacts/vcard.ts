import { ImportRecord, splitFullName } from './import-record.js';

/** What a vCard is written from. */
export interface VCardContact {
  id: string;
  givenName: string;
  familyName: string;
  emails: { address: string; label?: string | null }[];
  phones: { number: string; label?: string | null }[];
  organisationName?: string | null;
  jobTitle?: string | null;
  notes?: string | null;
  tags: string[];
  preferredLanguage?: string | null;
  linkedinUrl?: string | null;
  xingUrl?: string | null;
  /** The first birthday becomes BDAY, the first anniversary ANNIVERSARY (`--MMDD` when the year is unknown). */
  keyDates?: { kind: string; date: string }[];
  updatedAt: Date;
}

// ---------- writing (RFC 6350, vCard 4.0) ----------

/** TEXT value escaping (RFC 6350 §3.4). */
export const escapeText = (v: string): string =>
  v
    .replace(/\\/g, '\\\\')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/,/g, '\\,')
    .replace(/;/g, '\\;');

/** A parameter value: quoted when it holds characters that need it. */
const param = (v: string) => (/[;:,"]/.test(v) ? `"${v.replace(/"/g, "'")}"` : v);

/** Folds a content line at 75 octets without splitting a UTF-8 character (§3.2). */
export function foldLine(line: string): string {
  const out: string[] = [];
  let current = '';
  let octets = 0;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    const limit = out.length === 0 ? 75 : 74; // continuation lines start with a space
    if (octets + size > limit) {
      out.push(current);
      current = '';
      octets = 0;
    }
    current += ch;
    octets += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

const compactDate = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');

export function toVCard(c: VCardContact): string {
  const lines = ['BEGIN:VCARD', 'VERSION:4.0', 'PRODID:-//Rapport//Rapport API//EN', `UID:urn:uuid:${c.id}`];
  lines.push(`FN:${escapeText(`${c.givenName} ${c.familyName}`.trim())}`);
  lines.push(`N:${escapeText(c.familyName)};${escapeText(c.givenName)};;;`);
  c.emails.forEach((e, i) => {
    const params = [e.label ? `TYPE=${param(e.label.toLowerCase())}` : '', i === 0 ? 'PREF=1' : ''].filter(
      Boolean,
    );
    lines.push(`EMAIL${params.map((p) => `;${p}`).join('')}:${escapeText(e.address)}`);
  });
  c.phones.forEach((p, i) => {
    const params = [
      'VALUE=uri',
      p.label ? `TYPE=${param(p.label.toLowerCase())}` : '',
      i === 0 ? 'PREF=1' : '',
    ].filter(Boolean);
    lines.push(`TEL${params.map((x) => `;${x}`).join('')}:tel:${p.number}`);
  });
  if (c.organisationName) lines.push(`ORG:${escapeText(c.organisationName)}`);
  if (c.jobTitle) lines.push(`TITLE:${escapeText(c.jobTitle)}`);
  if (c.tags.length) lines.push(`CATEGORIES:${c.tags.map(escapeText).join(',')}`);
  if (c.preferredLanguage) lines.push(`LANG;PREF=1:${c.preferredLanguage}`);
  if (c.linkedinUrl) lines.push(`SOCIALPROFILE;SERVICE-TYPE=LinkedIn:${c.linkedinUrl}`);
  if (c.xingUrl) lines.push(`SOCIALPROFILE;SERVICE-TYPE=XING:${c.xingUrl}`);
  for (const [kind, prop] of [['birthday', 'BDAY'], ['anniversary', 'ANNIVERSARY']] as const) {
    const k = c.keyDates?.find((d) => d.kind === kind);
    // RFC 6350 §4.3.1 date: YYYYMMDD, or --MMDD without a year.
    if (k) lines.push(`${prop}:${k.date.length === 5 ? `--${k.date.replace('-', '')}` : k.date.replace(/-/g, '')}`);
  }
  if (c.notes) lines.push(`NOTE:${escapeText(c.notes)}`);
  lines.push(`REV:${compactDate(c.updatedAt)}`);
  lines.push('END:VCARD');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}

// ---------- reading (vCard 3.0 and 4.0) ----------

interface Property {
  name: string;
  params: Record<string, string[]>;
  value: string;
}

export const unescapeText = (v: string): string =>
  v.replace(/\\(.)/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));

/** Splits on a separator not preceded by a backslash. */
function splitUnescaped(v: string, sep: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (ch === '\\' && i + 1 < v.length) {
      cur += ch + v[i + 1];
      i++;
    } else if (ch === sep) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts;
}

function parseLine(line: string): Property | undefined {
  // name[;params]:value — the first colon outside quotes ends the parameters.
  let inQuotes = false;
  let colon = -1;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"') inQuotes = !inQuotes;
    else if (line[i] === ':' && !inQuotes) {
      colon = i;
      break;
    }
  }
  if (colon < 0) return undefined;
  const head = line.slice(0, colon);
  const value = line.slice(colon + 1);
  const segments = head.match(/(?:[^;"]|"[^"]*")+/g) ?? [];
  const name = (segments.shift() ?? '').replace(/^[^.]*\./, '').toUpperCase(); // drop a group prefix (item1.EMAIL)
  const params: Record<string, string[]> = {};
  for (const seg of segments) {
    const eq = seg.indexOf('=');
    // vCard 2.1/3.0 bare parameters (EMAIL;INTERNET;WORK) are types.
    const key = eq < 0 ? 'TYPE' : seg.slice(0, eq).toUpperCase();
    const raw = eq < 0 ? seg : seg.slice(eq + 1);
    const values = raw.match(/"[^"]*"|[^,]+/g)?.map((s) => s.replace(/^"|"$/g, '')) ?? [];
    (params[key] ??= []).push(...values);
  }
  return { name, params, value };
}

const LABEL_SKIP = new Set(['pref', 'internet', 'voice', 'x400', 'text']);
function labelOf(p: Property): string | undefined {
  const types = (p.params.TYPE ?? []).map((t) => t.toLowerCase()).filter((t) => !LABEL_SKIP.has(t));
  return types[0];
}

/**
 * Reads BEGIN:VCARD … END:VCARD blocks from unfolded content lines fed one at a time, so a file can be read
 * as a stream. Cards without a name still come back (and are rejected later).
 */
export class VCardReader {
  private current: ImportRecord | undefined;
  private count = 0;

  /** Takes one unfolded line; answers the card it completes, if any. */
  push(rawLine: string): ImportRecord | undefined {
    const line = rawLine.trimEnd();
    if (!line) return undefined;
    const prop = parseLine(line);
    if (!prop) return undefined;
    if (prop.name === 'BEGIN' && prop.value.toUpperCase() === 'VCARD') {
      this.current = { row: ++this.count, emails: [], phones: [], tags: [] };
      return undefined;
    }
    const current = this.current;
    if (!current) return undefined;
    if (prop.name === 'END' && prop.value.toUpperCase() === 'VCARD') {
      this.current = undefined;
      return withNames(current);
    }
    const value = prop.value;
    switch (prop.name) {
      case 'N': {
        const [family, given] = splitUnescaped(value, ';').map((s) => unescapeText(s).trim());
        if (family) current.familyName = family;
        if (given) current.givenName = given;
        break;
      }
      case 'FN':
        current.fullName = unescapeText(value).trim();
        break;
      case 'EMAIL':
        current.emails.push({
          address: unescapeText(value)
            .replace(/^mailto:/i, '')
            .trim(),
          label: labelOf(prop),
        });
        break;
      case 'TEL':
        current.phones.push({
          number: unescapeText(value).replace(/^tel:/i, '').trim(),
          label: labelOf(prop),
        });
        break;
      case 'ORG': {
        const org = unescapeText(splitUnescaped(value, ';')[0]).trim();
        if (org) current.organisation = org;
        break;
      }
      case 'TITLE':
        current.jobTitle = unescapeText(value).trim();
        break;
      case 'NOTE':
        current.notes = unescapeText(value);
        break;
      case 'CATEGORIES':
        current.tags.push(
          ...splitUnescaped(value, ',')
            .map((s) => unescapeText(s).trim())
            .filter(Boolean),
        );
        break;
      case 'LANG':
        current.preferredLanguage = value.trim();
        break;
      case 'URL':
      case 'SOCIALPROFILE':
      case 'X-SOCIALPROFILE': {
        const url = unescapeText(value).trim();
        const service = [...(prop.params['SERVICE-TYPE'] ?? []), ...(prop.params.TYPE ?? [])]
          .join(' ')
          .toLowerCase();
        if (/linkedin/.test(service) || /linkedin\.com/i.test(url)) current.linkedinUrl = url;
        else if (/xing/.test(service) || /xing\.com/i.test(url)) current.xingUrl = url;
        break;
      }
      default:
        break;
    }
    return undefined;
  }
}

function withNames(r: ImportRecord): ImportRecord {
  if ((!r.givenName || !r.familyName) && r.fullName) {
    const split = splitFullName(r.fullName);
    r.givenName ??= split.givenName;
    r.familyName ??= split.familyName;
  }
  return r;
}

/** Unfolds content lines (§3.2): a line starting with a space or tab continues the one before. */
export async function* unfoldLines(lines: AsyncIterable<string>): AsyncGenerator<string> {
  let pending: string | undefined;
  for await (const raw of lines) {
    const line = raw.replace(/\r$/, '');
    if (pending !== undefined && (line.startsWith(' ') || line.startsWith('\t'))) {
      pending += line.slice(1);
      continue;
    }
    if (pending !== undefined) yield pending;
    pending = line;
  }
  if (pending !== undefined) yield pending;
}

/** Every card of a stream of lines. */
export async function* vcardRecords(lines: AsyncIterable<string>): AsyncGenerator<ImportRecord> {
  const reader = new VCardReader();
  for await (const line of unfoldLines(lines)) {
    const card = reader.push(line);
    if (card) yield card;
  }
}

/** Every card of a whole text (unfolded per §3.2). */
export function parseVCards(text: string): ImportRecord[] {
  const unfolded = text
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n')
    .replace(/\n[ \t]/g, '');
  const reader = new VCardReader();
  const records: ImportRecord[] = [];
  for (const line of unfolded.split('\n')) {
    const card = reader.push(line);
    if (card) records.push(card);
  }
  return records;
}
