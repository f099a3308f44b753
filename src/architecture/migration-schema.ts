import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

/** A table as the migrations leave it: its columns, and which of them point at contacts(id). */
export interface TableShape {
  columns: Set<string>;
  /** Columns declared `REFERENCES contacts` (inline or through a table-level FOREIGN KEY). */
  contactReferences: Set<string>;
}

const NOT_A_COLUMN = /^(CONSTRAINT|PRIMARY|UNIQUE|CHECK|FOREIGN|EXCLUDE|LIKE)\b/i;
const NAME = '"?([A-Za-z_][A-Za-z0-9_]*)"?';

/** The SQL text of every string and template literal inside a migration's `up()` method, in order. */
function upStatements(fileName: string, source: string): string[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const collect = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) {
      out.push([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' '));
    }
    ts.forEachChild(node, collect);
  };
  const findUp = (node: ts.Node): void => {
    if (ts.isMethodDeclaration(node) && node.name.getText(file) === 'up' && node.body) collect(node.body);
    else ts.forEachChild(node, findUp);
  };
  findUp(file);
  return out;
}

/** Splits `a, b (c, d), e` at the commas outside parentheses. */
function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    if (body[i] === '(') depth++;
    else if (body[i] === ')') depth--;
    else if (body[i] === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

/** The text between the parenthesis at `open` and its match. */
function parenthesised(sql: string, open: number): string {
  let depth = 0;
  for (let i = open; i < sql.length; i++) {
    if (sql[i] === '(') depth++;
    else if (sql[i] === ')' && --depth === 0) return sql.slice(open + 1, i);
  }
  throw new Error(`unbalanced parentheses in: ${sql.slice(open, open + 80)}`);
}

function addColumnDefinition(shape: TableShape, definition: string): void {
  const fk = new RegExp(
    `^(?:CONSTRAINT\\s+\\S+\\s+)?FOREIGN\\s+KEY\\s*\\(\\s*${NAME}\\s*\\)\\s*REFERENCES\\s+"?contacts"?\\b`,
    'i',
  ).exec(definition);
  if (fk) shape.contactReferences.add(fk[1]);
  if (NOT_A_COLUMN.test(definition)) return;
  const column = new RegExp(`^${NAME}`).exec(definition)?.[1];
  if (!column) return;
  shape.columns.add(column);
  if (/\bREFERENCES\s+"?contacts"?\s*(\(|\b)/i.test(definition)) shape.contactReferences.add(column);
}

/**
 * The tables the migrations in `dir` create (applied in file-name order, `up()` only): CREATE TABLE, DROP TABLE,
 * ALTER TABLE … RENAME TO / ADD [COLUMN] / DROP [COLUMN] / RENAME COLUMN / ADD [CONSTRAINT …] FOREIGN KEY.
 */
export function readSchema(dir: string): Map<string, TableShape> {
  const tables = new Map<string, TableShape>();
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  for (const f of files) {
    for (const sql of upStatements(f, readFileSync(join(dir, f), 'utf8'))) {
      for (const m of sql.matchAll(
        new RegExp(`\\bCREATE\\s+(?:UNLOGGED\\s+)?TABLE\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?${NAME}\\s*\\(`, 'gi'),
      )) {
        const shape: TableShape = { columns: new Set(), contactReferences: new Set() };
        for (const def of splitTopLevel(parenthesised(sql, m.index + m[0].length - 1))) {
          addColumnDefinition(shape, def);
        }
        tables.set(m[1], shape);
      }
      for (const m of sql.matchAll(new RegExp(`\\bDROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?${NAME}`, 'gi'))) {
        tables.delete(m[1]);
      }
      const alter = new RegExp(
        `^\\s*ALTER\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?${NAME}\\s+([\\s\\S]*)$`,
        'i',
      ).exec(sql);
      const shape = alter && tables.get(alter[1]);
      if (!alter || !shape) continue;
      for (const action of splitTopLevel(alter[2])) {
        const rename = new RegExp(`^RENAME\\s+TO\\s+${NAME}`, 'i').exec(action);
        const renameColumn = new RegExp(`^RENAME\\s+(?:COLUMN\\s+)?${NAME}\\s+TO\\s+${NAME}`, 'i').exec(
          action,
        );
        const add = /^ADD\s+(?:COLUMN\s+)?(?:IF\s+NOT\s+EXISTS\s+)?([\s\S]*)$/i.exec(action);
        const drop = new RegExp(`^DROP\\s+(?:COLUMN\\s+)?(?:IF\\s+EXISTS\\s+)?${NAME}`, 'i').exec(action);
        if (rename) {
          tables.delete(alter[1]);
          tables.set(rename[1], shape);
        } else if (renameColumn) {
          shape.columns.delete(renameColumn[1]);
          shape.columns.add(renameColumn[2]);
          if (shape.contactReferences.delete(renameColumn[1])) shape.contactReferences.add(renameColumn[2]);
        } else if (add) {
          addColumnDefinition(shape, add[1]);
        } else if (drop && !/^DROP\s+CONSTRAINT\b/i.test(action)) {
          shape.columns.delete(drop[1]);
          shape.contactReferences.delete(drop[1]);
        }
      }
    }
  }
  return tables;
}
