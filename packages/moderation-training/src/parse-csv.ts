/**
 * Parses RFC 4180 CSV (quoted fields may hold commas, doubled quotes and newlines) into records keyed by
 * the header row. Small on purpose: the datasets need nothing more and core rules out dependencies here too.
 */
export function parseCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let isQuoted = false;
  const length = text.length;
  for (let index = 0; index < length; index += 1) {
    const character = text[index] as string;
    if (isQuoted) {
      if (character === '"') {
        if (text[index + 1] === '"') {
          field += '"';
          index += 1;
        } else {
          isQuoted = false;
        }
      } else {
        field += character;
      }
    } else if (character === '"') {
      isQuoted = true;
    } else if (character === ',') {
      row.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text[index + 1] === '\n') index += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else {
      field += character;
    }
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...records] = rows;
  if (header === undefined) return [];
  return records
    .filter((record) => record.length > 1 || (record[0] ?? '') !== '')
    .map((record) => Object.fromEntries(header.map((name, column) => [name, record[column] ?? ''])));
}
