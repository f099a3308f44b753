import { foldLine, parseVCards, toVCard } from './vcard.js';

describe('vCard', () => {
  const contact = {
    id: '6f1c2f0e-4d1b-4f7e-9a57-3c1b2e1d0a99',
    givenName: 'Ada',
    familyName: 'Lovelace; Countess',
    emails: [{ address: 'ada@example.org', label: 'work' }],
    phones: [{ number: '+442079460958', label: null }],
    organisationName: 'Analytical Engines, Ltd.',
    jobTitle: 'Mathematician',
    notes: 'Line one\nLine two',
    tags: ['vip', 'math'],
    preferredLanguage: 'en',
    linkedinUrl: 'https://www.linkedin.com/in/ada',
    xingUrl: null,
    updatedAt: new Date('2026-01-02T03:04:05.678Z'),
  };

  it('should write a vCard 4.0 with CRLF lines and escaped values', () => {
    const card = toVCard(contact);
    expect(card.startsWith('BEGIN:VCARD\r\nVERSION:4.0\r\n')).toBe(true);
    expect(card).toContain('N:Lovelace\\; Countess;Ada;;;\r\n');
    expect(card).toContain('EMAIL;TYPE=work;PREF=1:ada@example.org\r\n');
    expect(card).toContain('TEL;VALUE=uri;PREF=1:tel:+442079460958\r\n');
    expect(card).toContain('ORG:Analytical Engines\\, Ltd.\r\n');
    expect(card).toContain('NOTE:Line one\\nLine two\r\n');
    expect(card).toContain('REV:20260102T030405Z\r\n');
    expect(card.endsWith('END:VCARD\r\n')).toBe(true);
  });

  it('should read back what it writes', () => {
    const [r] = parseVCards(toVCard(contact));
    expect(r).toMatchObject({
      row: 1,
      givenName: 'Ada',
      familyName: 'Lovelace; Countess',
      organisation: 'Analytical Engines, Ltd.',
      emails: [{ address: 'ada@example.org', label: 'work' }],
      phones: [{ number: '+442079460958' }],
      tags: ['vip', 'math'],
      notes: 'Line one\nLine two',
      linkedinUrl: 'https://www.linkedin.com/in/ada',
    });
  });

  it('should read vCard 3.0 with bare types, groups and folded lines', () => {
    const text = [
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Grace Hopper',
      'N:Hopper;Grace;;;',
      'item1.EMAIL;TYPE=INTERNET;TYPE=WORK:grace@navy.mil',
      'TEL;WORK;VOICE:+1 202 555 0143',
      'NOTE:a long note that was fol',
      ' ded here',
      'END:VCARD',
      'BEGIN:VCARD',
      'VERSION:3.0',
      'FN:Alan Turing',
      'END:VCARD',
    ].join('\r\n');
    const cards = parseVCards(text);
    expect(cards).toHaveLength(2);
    expect(cards[0]).toMatchObject({
      givenName: 'Grace',
      familyName: 'Hopper',
      emails: [{ address: 'grace@navy.mil', label: 'work' }],
      phones: [{ number: '+1 202 555 0143', label: 'work' }],
      notes: 'a long note that was folded here',
    });
    expect(cards[1]).toMatchObject({ row: 2, givenName: 'Alan', familyName: 'Turing' });
  });

  it('should fold long lines at 75 octets', () => {
    const folded = foldLine('NOTE:' + 'ä'.repeat(100));
    for (const l of folded.split('\r\n')) expect(Buffer.byteLength(l, 'utf8')).toBeLessThanOrEqual(75);
  });
});
