import { contactFieldValue } from '../contacts/contacts.repository.js';
import { disclosableFields } from './disclosable-fields.js';

describe('disclosableFields', () => {
  const categories = ['givenName', 'familyName', 'emails'];
  it('without fields: every data category', () => {
    expect(disclosableFields(categories, undefined)).toEqual(categories);
  });
  it('only fields both asked for and in the categories, in the purpose order; others silently dropped', () => {
    expect(disclosableFields(categories, ['emails', 'notes', 'givenName', 'shoeSize'])).toEqual(['givenName', 'emails']);
  });
  it('an empty request discloses nothing', () => {
    expect(disclosableFields(categories, [])).toEqual([]);
  });
});

describe('contactFieldValue', () => {
  it('shows e-mails and phones with a null label when none is stored', () => {
    expect(contactFieldValue('emails', [{ address: 'a@b.test' }])).toEqual([{ address: 'a@b.test', label: null }]);
    expect(contactFieldValue('phones', [{ number: '+4930123', label: 'work' }])).toEqual([{ number: '+4930123', label: 'work' }]);
    expect(contactFieldValue('tags', null)).toEqual([]);
    expect(contactFieldValue('jobTitle', undefined)).toBeNull();
  });
});
