import { SqlWhere } from './sql-where.js';

describe('SqlWhere', () => {
  it('should be empty without conditions', () => {
    const w = new SqlWhere();
    expect(w.sql).toBe('');
    expect(w.params).toEqual([]);
  });

  it('should number placeholders in the order values are added and join conditions with AND', () => {
    const w = new SqlWhere();
    w.add(`a = ${w.param('x')}`).add('').add(`b < ${w.param(2)}`);
    expect(w.sql).toBe('WHERE a = $1 AND b < $2');
    expect(`LIMIT ${w.param(51)}`).toBe('LIMIT $3');
    expect(w.params).toEqual(['x', 2, 51]);
  });
});
