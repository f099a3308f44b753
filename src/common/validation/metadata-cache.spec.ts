import { IsInt, IsString, MaxLength, validate } from 'class-validator';
import { cacheValidationMetadata } from './metadata-cache.js';

class Base {
  @IsString()
  name!: string;
}

describe('cacheValidationMetadata', () => {
  beforeAll(() => cacheValidationMetadata());

  it('gives the same answers as before, on every call', async () => {
    const ok = Object.assign(new Base(), { name: 'x' });
    const bad = Object.assign(new Base(), { name: 1 });
    for (let i = 0; i < 3; i++) {
      expect(await validate(ok)).toHaveLength(0);
      expect((await validate(bad)).map((e) => e.property)).toEqual(['name']);
    }
  });

  it('sees rules registered after a lookup (a class declared later, inheriting)', async () => {
    expect(await validate(Object.assign(new Base(), { name: 'long name' }))).toHaveLength(0);
    class Later extends Base {
      @IsInt()
      n!: number;
    }
    class Stricter extends Base {
      @MaxLength(3)
      declare name: string;
    }
    const later = Object.assign(new Later(), { name: 'a', n: 'no' });
    expect((await validate(later)).map((e) => e.property)).toEqual(['n']);
    const errors = await validate(Object.assign(new Stricter(), { name: 'long name' }));
    expect(errors.map((e) => Object.keys(e.constraints ?? {}))).toEqual([['maxLength']]);
  });

  it('is installed once', () => {
    cacheValidationMetadata();
    cacheValidationMetadata();
  });
});
