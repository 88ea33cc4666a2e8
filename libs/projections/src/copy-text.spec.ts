import { copyField } from './copy-text';

describe('COPY text fields', () => {
  it('writes null and a missing field as \\N, and plain text as it is', () => {
    expect(copyField(null)).toBe('\\N');
    expect(copyField(undefined)).toBe('\\N');
    expect(copyField('Netværkssamråd, barnets lov § 57')).toBe('Netværkssamråd, barnets lov § 57');
    expect(copyField(42)).toBe('42');
  });

  it('escapes what would end a field or a line, and the backslash itself', () => {
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField('\\N')).toBe('\\\\N');
  });
});
