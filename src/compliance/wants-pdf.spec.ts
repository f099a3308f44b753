import { wantsPdf } from './compliance.controller.js';

describe('wantsPdf (export content negotiation)', () => {
  it.each([
    [undefined, undefined, false],
    [undefined, 'application/json', false],
    [undefined, '*/*', false],
    [undefined, 'application/pdf', true],
    [undefined, 'application/json, application/pdf;q=0.9', true],
    [undefined, 'Application/PDF', true],
    [undefined, 'application/pdf;q=0', false],
    [undefined, 'application/pdf; q=0.0, application/json', false],
    ['pdf', undefined, true],
    ['pdf', 'application/json', true],
    ['json', 'application/pdf', false],
  ])('format=%s, Accept: %s → %s', (format, accept, expected) => {
    expect(wantsPdf(format, accept)).toBe(expected);
  });
});
