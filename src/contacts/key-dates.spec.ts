import { addDays, isLeapYear, isUpcoming, isValidKeyDate, nextOccurrence, occurrenceIn } from './key-dates.js';

describe('key dates', () => {
  it('validates real dates', () => {
    expect(isValidKeyDate('02-29')).toBe(true);
    expect(isValidKeyDate('12-31')).toBe(true);
    expect(isValidKeyDate('1984-02-29')).toBe(true);
    expect(isValidKeyDate('1985-02-29')).toBe(false);
    expect(isValidKeyDate('02-30')).toBe(false);
    expect(isValidKeyDate('04-31')).toBe(false);
    expect(isValidKeyDate('13-01')).toBe(false);
    expect(isValidKeyDate('00-10')).toBe(false);
    expect(isValidKeyDate('01-00')).toBe(false);
    expect(isValidKeyDate('1-1')).toBe(false);
    expect(isValidKeyDate('0999-01-01')).toBe(false);
    expect(isValidKeyDate('1990-01-01T00:00:00Z')).toBe(false);
    expect(isValidKeyDate(101)).toBe(false);
  });

  it('knows leap years', () => {
    expect([2024, 2000, 2400].map(isLeapYear)).toEqual([true, true, true]);
    expect([2023, 1900, 2100].map(isLeapYear)).toEqual([false, false, false]);
  });

  it('puts 29 February on 28 February in other years', () => {
    expect(occurrenceIn('02-29', 2027)).toBe('2027-02-28');
    expect(occurrenceIn('1984-02-29', 2028)).toBe('2028-02-29');
    expect(occurrenceIn('1984-02-29', 2100)).toBe('2100-02-28');
    expect(nextOccurrence('02-29', '2027-02-28')).toBe('2027-02-28');
    expect(nextOccurrence('02-29', '2027-03-01')).toBe('2028-02-29');
    expect(nextOccurrence('02-29', '2028-02-29')).toBe('2028-02-29');
  });

  it('counts today itself and turns the year', () => {
    expect(nextOccurrence('1970-05-17', '2026-05-17')).toBe('2026-05-17');
    expect(nextOccurrence('05-17', '2026-05-18')).toBe('2027-05-17');
    expect(nextOccurrence('01-02', '2026-12-20')).toBe('2027-01-02');
    expect(nextOccurrence('12-31', '2026-12-20')).toBe('2026-12-31');
    expect(addDays('2026-12-20', 14)).toBe('2027-01-03');
    expect(isUpcoming('01-02', '2026-12-20', 14)).toBe(true);
    expect(isUpcoming('01-03', '2026-12-20', 14)).toBe(true);
    expect(isUpcoming('01-04', '2026-12-20', 14)).toBe(false);
    expect(isUpcoming('12-19', '2026-12-20', 14)).toBe(false);
    expect(isUpcoming('12-20', '2026-12-20', 1)).toBe(true);
    expect(isUpcoming('03-01', '2028-02-28', 1)).toBe(false);
    expect(isUpcoming('02-29', '2027-02-27', 1)).toBe(true);
    expect(isUpcoming('12-19', '2026-12-20', 366)).toBe(true);
  });
});

describe('key dates in a vCard', () => {
  it('writes the first birthday as BDAY and the first anniversary as ANNIVERSARY', async () => {
    const { toVCard } = await import('./vcard.js');
    const base = { id: 'x', givenName: 'A', familyName: 'B', emails: [], phones: [], tags: [], updatedAt: new Date(0) };
    const card = toVCard({ ...base, keyDates: [{ kind: 'other', date: '01-01' }, { kind: 'birthday', date: '1984-02-29' }, { kind: 'anniversary', date: '06-01' }] });
    expect(card).toContain('BDAY:19840229\r\n');
    expect(card).toContain('ANNIVERSARY:--0601\r\n');
    expect(toVCard(base)).not.toContain('BDAY');
  });
});
