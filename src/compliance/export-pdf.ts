import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ContactExportResponseDto } from './dto/compliance.dto.js';

const require = createRequire(import.meta.url);
const packageDir = (name: string) => path.dirname(require.resolve(`${name}/package.json`));
/** DejaVu Sans covers Latin, Greek, Cyrillic, Armenian, Georgian, Hebrew, Arabic…; Noto Sans JP the CJK ideographs and kana. */
const FONTS = {
  text: path.join(packageDir('dejavu-fonts-ttf'), 'ttf', 'DejaVuSans.ttf'),
  bold: path.join(packageDir('dejavu-fonts-ttf'), 'ttf', 'DejaVuSans-Bold.ttf'),
  cjk: path.join(packageDir('@expo-google-fonts/noto-sans-jp'), '400Regular', 'NotoSansJP_400Regular.ttf'),
  cjkBold: path.join(packageDir('@expo-google-fonts/noto-sans-jp'), '700Bold', 'NotoSansJP_700Bold.ttf'),
};

/** The font files, read once (Noto Sans JP is ~5 MB a weight); pdfkit parses and subsets them per document. */
let fontBytes: Record<keyof typeof FONTS, Buffer> | undefined;
const fonts = () =>
  (fontBytes ??= Object.fromEntries(Object.entries(FONTS).map(([k, file]) => [k, readFileSync(file)])) as Record<keyof typeof FONTS, Buffer>);

/** Characters DejaVu Sans has no glyph for and Noto Sans JP has: CJK punctuation, kana, ideographs, full-width forms. */
const CJK = /([\u2E80-\u2FDF\u3000-\u30FF\u3190-\u31FF\u3400-\u4DBF\u4E00-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]+)/u;

type Row = Record<string, unknown>;

/** A value as the reader sees it: dates in ISO 8601, lists comma-separated, nothing left as "[object Object]". */
export function displayValue(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return v.map((x) => (x !== null && typeof x === 'object' ? JSON.stringify(x) : displayValue(x))).join(', ');
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** camelCase key → "Camel case" label. */
const label = (key: string) => {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

class Writer {
  constructor(private readonly doc: PDFKit.PDFDocument) {}

  /** Writes text in runs, switching to the CJK font where DejaVu has no glyphs. */
  private runs(text: string, bold: boolean, size: number, last: boolean, indent = 0): void {
    const parts = text.split(CJK).filter((p) => p !== '');
    if (parts.length === 0) parts.push(' ');
    parts.forEach((part, i) => {
      const cjk = CJK.test(part);
      this.doc.font(cjk ? (bold ? 'cjkBold' : 'cjk') : bold ? 'bold' : 'text').fontSize(size);
      this.doc.text(part, { continued: !(last && i === parts.length - 1), indent: i === 0 ? indent : 0 });
    });
  }

  title(text: string): void {
    this.runs(text, true, 18, true);
    this.doc.moveDown(0.3);
  }

  heading(text: string): void {
    this.doc.moveDown(0.8);
    this.runs(text, true, 13, true);
    this.doc.moveDown(0.2);
  }

  subheading(text: string): void {
    this.doc.moveDown(0.4);
    this.runs(text, true, 10.5, true);
  }

  line(text: string): void {
    this.runs(text, false, 9.5, true);
  }

  field(key: string, value: unknown): void {
    const v = displayValue(value);
    if (v === '') return;
    this.runs(`${label(key)}: `, true, 9.5, false, 10);
    this.runs(v, false, 9.5, true);
  }

  rows(rows: Row[], titleOf: (r: Row, i: number) => string, skip: string[] = []): void {
    if (rows.length === 0) {
      this.line('None.');
      return;
    }
    rows.forEach((r, i) => {
      this.subheading(titleOf(r, i));
      for (const [k, v] of Object.entries(r)) if (!skip.includes(k)) this.field(k, v);
    });
  }
}

const str = (v: unknown) => displayValue(v);

/**
 * pdfkit (with fontkit and its decoders: about 25 MB of a process's memory) is loaded at the first PDF export, not at
 * start: most instances never render one.
 */
const loadPdfkit = () => import('pdfkit');
let pdfkit: ReturnType<typeof loadPdfkit> | undefined;

/**
 * The export as a PDF a person can read (GDPR Art. 15(3), 12(1) "concise, intelligible and easily accessible"): the
 * same content as the JSON export, a heading per section, dates in ISO 8601, the purposes with their legal basis and
 * retention, and which recipient received which fields when. Fonts are embedded (subset), so non-Latin names render.
 */
export async function renderExportPdf(e: ContactExportResponseDto): Promise<Buffer> {
  const { default: PDFDocument } = await (pdfkit ??= loadPdfkit());
  const doc = new PDFDocument({ size: 'A4', margin: 50, info: { Title: `Personal data export ${e.contactId}`, Producer: 'Rapport' } });
  for (const [name, bytes] of Object.entries(fonts())) doc.registerFont(name, bytes);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const w = new Writer(doc);
  const p = e.profile;
  const name = [p.givenName, p.familyName].filter((x) => typeof x === 'string' && x !== '').join(' ');

  w.title('Personal data we hold about you');
  w.line(`Name: ${name || '(erased)'}`);
  w.line(`Contact id: ${e.contactId}`);
  w.line(`Exported at: ${displayValue(e.exportedAt)}`);
  w.line('This document is a copy of your personal data under GDPR Art. 15. Dates are in ISO 8601 (UTC).');

  w.heading('1. Your profile');
  for (const [k, v] of Object.entries(p)) w.field(k, v);

  w.heading('2. Purposes, legal bases and retention');
  w.rows(
    e.purposes as unknown as Row[],
    (r) => `${str(r.name)} (${str(r.key)})`,
    ['key', 'name'],
  );

  w.heading('3. Recorded legal bases');
  w.rows(e.bases, (r, i) => `Basis ${i + 1}: ${str(r.purpose ?? r.purposeKey ?? r.purposeId)} — ${str(r.legalBasis ?? r.basis ?? r.kind)}`);

  w.heading('4. Consents');
  w.rows(e.consents, (r) => `Consent for ${str(r.purpose)}: ${str(r.status)}`);

  w.heading('5. Objections');
  w.rows(e.objections, (r) => `Objection to ${str(r.purpose)}`);

  w.heading('6. Disclosures: who received which fields, when');
  if (e.disclosures.length === 0) w.line('None.');
  for (const d of e.disclosures) {
    const who = `${str(d.recipientName) || 'recipient'} (${str(d.recipientId)})`;
    if (d.allowed) {
      w.line(`${displayValue(d.disclosedAt)} — ${who} received ${str(d.fields) || 'no fields'} for the purpose ${str(d.purpose)} (legal basis: ${str(d.legalBasis)})`);
    } else {
      w.line(`${displayValue(d.disclosedAt)} — ${who} asked for the purpose ${str(d.purpose)}; nothing was disclosed (${str(d.reason)})`);
    }
  }

  w.heading('7. Affiliations');
  w.rows(e.affiliations, (_r, i) => `Affiliation ${i + 1}`);

  w.heading('8. Interactions');
  w.line('Meetings, calls and messages you took part in. Where other people took part too, the summary is left out to protect them (GDPR Art. 15(4)).');
  w.rows(e.interactions, (r) => `${displayValue(r.occurredAt)} — ${str(r.type)}`);

  w.heading('9. Follow-ups');
  w.rows(e.followUps, (r) => `Due ${displayValue(r.dueAt)} — ${str(r.status)}`);

  const other = Object.entries(e.other);
  w.heading('10. Other records');
  if (other.length === 0) w.line('None.');
  for (const [table, rows] of other) {
    w.subheading(label(table.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase())));
    rows.forEach((r, i) => {
      w.line(`Record ${i + 1}`);
      for (const [k, v] of Object.entries(r)) w.field(k, v);
    });
  }
  doc.end();
  return done;
}
