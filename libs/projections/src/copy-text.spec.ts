import { copyField, copyLine } from './copy-text';

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

  it("joins a row's fields with tabs and ends the line, each field escaped on its own", () => {
    expect(copyLine(['a', null, 3, 'b\tc', undefined])).toBe('a\t\\N\t3\tb\\tc\t\\N\n');
    expect(copyLine([])).toBe('\n');
    expect(copyLine(['only'])).toBe('only\n');
  });
});
