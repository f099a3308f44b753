/**
 * A parameterised WHERE clause built up filter by filter: `param(v)` adds a value and returns its placeholder
 * (`$n`), `add(condition)` adds a condition, and `sql` is `WHERE … AND …` (or '' when nothing was added).
 */
export class SqlWhere {
  readonly params: unknown[] = [];
  private readonly conditions: string[] = [];

  readonly param = (value: unknown): string => `$${this.params.push(value)}`;

  /** Adds a condition, ignoring an empty one (e.g. `afterCreated` without a cursor). */
  add(condition: string): this {
    if (condition) this.conditions.push(condition);
    return this;
  }

  get sql(): string {
    return this.conditions.length ? `WHERE ${this.conditions.join(' AND ')}` : '';
  }
}
