import ts from 'typescript';

/** A place where a source file names a table: in SQL text or as the table of a TypeORM entity. */
export interface TableReference {
  table: string;
  line: number;
  /** `sql` for a keyword followed by the name in a string or template literal, `entity` for `@Entity('name')`. */
  kind: 'sql' | 'entity';
}

// After one of these keywords, the next word is a table: FROM, JOIN, INTO, UPDATE, DELETE FROM, USING (DELETE …
// USING, MERGE … USING), REFERENCES, TABLE (CREATE/ALTER/DROP/LOCK/TRUNCATE TABLE). Case-insensitive, an optional
// ONLY / IF [NOT] EXISTS / schema `public.` / double quotes in between. A comma-separated FROM list names each table.
const KEYWORD =
  /\b(?:FROM|JOIN|INTO|UPDATE|USING|REFERENCES|TABLE)\s+(?:ONLY\s+)?(?:IF\s+(?:NOT\s+)?EXISTS\s+)?(?:"?public"?\.)?"?([A-Za-z_][A-Za-z0-9_]*)"?/gi;
// `FROM a x, b y` / `FROM a, b`: the names after the commas of a FROM list (up to the next keyword or parenthesis).
const ITEM = '(?:"?public"?\\.)?"?[A-Za-z_][A-Za-z0-9_]*"?';
const FROM_LIST = new RegExp(
  `\\bFROM\\s+((?:${ITEM}(?:\\s+(?:AS\\s+)?[A-Za-z_][A-Za-z0-9_]*)?\\s*,\\s*)+${ITEM})`,
  'gi',
);

/**
 * The tables (among `tables`) that the string and template literals of a TypeScript source name as SQL tables, and
 * the table names given to `@Entity(…)`. Comments are not read; `${…}` substitutions count as a blank.
 */
export function tableReferences(
  fileName: string,
  source: string,
  tables: ReadonlySet<string>,
): TableReference[] {
  const file = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const found: TableReference[] = [];
  const lineOf = (node: ts.Node) => file.getLineAndCharacterOfPosition(node.getStart(file)).line + 1;
  const add = (table: string, node: ts.Node, kind: TableReference['kind']) => {
    if (tables.has(table)) found.push({ table, line: lineOf(node), kind });
  };
  const scanText = (text: string, node: ts.Node) => {
    for (const m of text.matchAll(KEYWORD)) add(m[1], node, 'sql');
    for (const m of text.matchAll(FROM_LIST)) {
      for (const item of m[1].split(',').slice(1)) {
        add(
          item
            .trim()
            .split(/\s+/)[0]
            .replace(/"/g, '')
            .replace(/^public\./, ''),
          node,
          'sql',
        );
      }
    }
  };

  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      scanText(node.text, node);
    } else if (ts.isTemplateExpression(node)) {
      scanText([node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ? '), node);
    }
    if (ts.isDecorator(node) && ts.isCallExpression(node.expression)) {
      const call = node.expression;
      if (ts.isIdentifier(call.expression) && call.expression.text === 'Entity') {
        const [arg] = call.arguments;
        if (arg && ts.isStringLiteral(arg)) add(arg.text, arg, 'entity');
        if (arg && ts.isObjectLiteralExpression(arg)) {
          for (const p of arg.properties) {
            if (
              ts.isPropertyAssignment(p) &&
              p.name.getText(file) === 'name' &&
              ts.isStringLiteral(p.initializer)
            ) {
              add(p.initializer.text, p.initializer, 'entity');
            }
          }
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}
