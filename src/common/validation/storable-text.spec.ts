import { lowerUuid } from './transforms.js';
import { plainlyStorable, unstorableText } from './storable-text.js';

describe('unstorableText', () => {
  it('names every field holding a NUL, at any depth, in document order', () => {
    const found = unstorableText({ givenName: 'An\u0000na', emails: [{ address: 'a@b.org', label: 'w\u0000' }], tags: ['ok', '\u0000'] }, 'body');
    expect(found.map((e) => e.field)).toEqual(['givenName', 'emails.0.label', 'tags.1']);
    expect(found[0].message).toBe('givenName must not contain NUL characters (\\u0000)');
  });

  it('refuses lone surrogates but accepts paired ones (emoji) and ordinary text', () => {
    expect(unstorableText({ a: 'x\ud800', b: '\udc00y', c: '😀 Müller', d: 'ok' }, 'body').map((e) => e.field)).toEqual(['a', 'b']);
  });

  it('checks object keys and shows them escaped', () => {
    expect(unstorableText({ evidence: { 'form\u0000': 1 } }, 'body')).toEqual([
      { field: 'evidence.form\\u0000', message: 'evidence.form\\u0000: the field name must not contain NUL characters (\\u0000)' },
    ]);
  });

  it('reports a raw text body under its root name, and objects of any prototype (query objects)', () => {
    expect(unstorableText('a,b\n\u0000', 'body').map((e) => e.field)).toEqual(['body']);
    const query = Object.assign(Object.create(Object.create(null) as object) as Record<string, unknown>, { q: '\u0000' });
    expect(unstorableText(query, 'query').map((e) => e.field)).toEqual(['q']);
  });

  it('ignores clean and non-text input, stops at the limit, and survives deep nesting', () => {
    expect(unstorableText({ n: 1, b: true, z: null, s: 'fine' }, 'body')).toEqual([]);
    expect(unstorableText(undefined, 'body')).toEqual([]);
    expect(unstorableText(Buffer.from([0, 1]), 'body')).toEqual([]);
    expect(unstorableText(Array.from({ length: 100 }, () => '\u0000'), 'body', 5)).toHaveLength(5);
    let deep: unknown = '\u0000';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(unstorableText(deep, 'body')).toHaveLength(1);
  });
});

describe('plainlyStorable', () => {
  it('passes what unstorableText finds nothing in, and sends anything with a NUL or surrogate to it', () => {
    const query = Object.assign(Object.create(Object.create(null) as object) as Record<string, unknown>, { q: '\u0000' });
    const clean = [{ n: 1, b: true, z: null, s: 'fine', a: ['x', { y: 'Müller' }] }, undefined, 'text', Buffer.from([0, 1]), []];
    for (const v of clean) expect([plainlyStorable(v), unstorableText(v, 'body')]).toEqual([true, []]);
    const suspect = [{ a: { b: ['ok', 'x\u0000'] } }, { 'k\u0000': 1 }, 'a\udc00', query, { emoji: '😀' }];
    for (const v of suspect) expect(plainlyStorable(v)).toBe(false);
    // A paired surrogate is fine text: the exact check (which runs then) finds nothing.
    expect(unstorableText({ emoji: '😀' }, 'body')).toEqual([]);
  });
});

describe('lowerUuid', () => {
  const id = '5AF048B0-3E33-4E8C-BAD1-902F8722224E';
  it('lower-cases UUIDs, alone or in arrays, and leaves anything else to the validators', () => {
    expect(lowerUuid({ value: id })).toBe(id.toLowerCase());
    expect(lowerUuid({ value: [id, 'x', 3] })).toEqual([id.toLowerCase(), 'x', 3]);
    expect(lowerUuid({ value: 'NOT-A-UUID' })).toBe('NOT-A-UUID');
    expect(lowerUuid({ value: null })).toBeNull();
    expect(lowerUuid({ value: undefined })).toBeUndefined();
  });
});
