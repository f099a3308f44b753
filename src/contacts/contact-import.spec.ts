import { guessDelimiter, validateRecord } from './contact-import.service.js';

const rec = (extra: Record<string, unknown> = {}) => ({ row: 1, emails: [], phones: [], tags: [], ...extra });

describe('import rows', () => {
  it('should normalise a valid row', () => {
    expect(
      validateRecord(
        rec({
          givenName: ' Ada ',
          familyName: 'Lovelace',
          emails: [{ address: 'ADA@Example.org' }, { address: 'ada@example.org' }],
          phones: [{ number: '030 1234567' }],
          tags: ['a', 'a', ' b '],
        }),
      ),
    ).toMatchObject({
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ address: 'ada@example.org', label: null }],
      phones: [{ number: '+49301234567', label: null }],
      tags: ['a', 'b'],
    });
  });
  it('should split a full name when given and family names are missing', () => {
    expect(validateRecord(rec({ fullName: 'Grace Brewster Hopper' }))).toMatchObject({
      givenName: 'Grace Brewster',
      familyName: 'Hopper',
    });
    expect(validateRecord(rec({ fullName: 'Hopper, Grace' }))).toMatchObject({
      givenName: 'Grace',
      familyName: 'Hopper',
    });
  });
  it('should give a reason for each kind of bad row', () => {
    expect(validateRecord(rec({ familyName: 'X' }))).toMatch(/givenName/);
    expect(validateRecord(rec({ givenName: 'X' }))).toMatch(/familyName/);
    expect(validateRecord(rec({ givenName: 'X', familyName: 'Y', emails: [{ address: 'nope' }] }))).toMatch(
      /e-mail/,
    );
    expect(validateRecord(rec({ givenName: 'X', familyName: 'Y', phones: [{ number: 'call me' }] }))).toMatch(
      /phone/,
    );
    expect(
      validateRecord(rec({ givenName: 'X', familyName: 'Y', linkedinUrl: 'https://example.org/ada' })),
    ).toMatch(/linkedin/);
    expect(
      validateRecord(rec({ givenName: 'X', familyName: 'Y', preferredLanguage: 'english please' })),
    ).toMatch(/language/);
  });
  it('should take the CSV separator from the header line', () => {
    expect(guessDelimiter('a,b,c\n1;2;3')).toBe(',');
    expect(guessDelimiter('Vorname;Nachname;E-Mail\r\n')).toBe(';');
    expect(guessDelimiter('a\tb\n')).toBe('\t');
    expect(guessDelimiter('name\n')).toBe(',');
  });
});
