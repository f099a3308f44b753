import { mapHeaders, recordFromCells } from './csv-columns.js';

describe('CSV columns', () => {
  it('should accept common header variants case-insensitively', () => {
    expect(
      mapHeaders([
        'first_name',
        'Last Name',
        'E-Mail',
        'Phone Number',
        'Company',
        'Job Title',
        'Tags',
        'consent',
      ]),
    ).toEqual(['givenName', 'familyName', 'email', 'phone', 'organisation', 'jobTitle', 'tags', undefined]);
    expect(mapHeaders(['givenName', 'familyName', 'email'])).toEqual(['givenName', 'familyName', 'email']);
    expect(mapHeaders(['\uFEFFVorname', 'Nachname'])).toEqual(['givenName', 'familyName']);
  });

  it('should build a record, splitting lists', () => {
    const fields = mapHeaders(['givenName', 'familyName', 'email', 'tags', 'gdprConsent']);
    expect(
      recordFromCells(3, fields, ['Ada', 'Lovelace', ' ada@example.org ; a@b.org', 'vip; math', 'yes']),
    ).toEqual({
      row: 3,
      givenName: 'Ada',
      familyName: 'Lovelace',
      emails: [{ address: 'ada@example.org' }, { address: 'a@b.org' }],
      phones: [],
      tags: ['vip', 'math'],
    });
  });
});
