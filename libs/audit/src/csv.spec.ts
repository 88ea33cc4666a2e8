import { csvCell, toCsv, UTF8_BOM } from './csv';

describe('csv for Danish spreadsheets', () => {
  it.each([
    ['=SUM(A1:A2)', "'=SUM(A1:A2)"],
    ['+4512345678', "'+4512345678"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tindented', "'\tindented"],
  ])('neutralises the formula start of %j', (text, written) => {
    expect(csvCell(text)).toBe(written);
  });

  it('quotes a cell holding the separator, a quote or a line break, after neutralising it', () => {
    expect(csvCell('a;b')).toBe('"a;b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('=HYPERLINK("x";"y")')).toBe(`"'=HYPERLINK(""x"";""y"")"`);
  });

  it('writes numbers with a decimal comma, negative numbers as numbers, and empty for null', () => {
    expect(csvCell(0.756)).toBe('0,756');
    expect(csvCell(-3)).toBe('-3');
    expect(csvCell(12)).toBe('12');
    expect(csvCell(null)).toBe('');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(Number.NaN)).toBe('');
    expect(csvCell(true)).toBe('true');
  });

  it('joins cells with ; and rows with CRLF, and begins with a BOM only when asked', () => {
    expect(toCsv(['a', 'b'], [[1.5, 'æøå']])).toBe('a;b\r\n1,5;æøå\r\n');
    expect(toCsv(['a'], [], { bom: true })).toBe(`${UTF8_BOM}a\r\n`);
  });
});
