import { stringify } from 'csv-stringify/sync';
import { describe, expect, it } from 'vitest';
import { csvRecordCounter } from './csv-records.ts';

const encode = (text: string) => new TextEncoder().encode(text);

describe('csvRecordCounter', () => {
  it('counts records, not the line breaks inside quoted cells', () => {
    const csv = stringify(
      [
        ['id', 'text'],
        ['1', 'two\nlines'],
        ['2', 'a "quoted"\r\nword, and a comma'],
        ['3', 'plain'],
      ],
      { record_delimiter: 'windows', quote_record_delimiter: true },
    );
    expect(csvRecordCounter()(encode(csv))).toBe(4);
  });

  it('counts across chunks split anywhere, inside a quoted cell or a multi-byte character', () => {
    const csv = encode(
      stringify(
        [
          ['Zoë', 'é\n"ß"'],
          ['🙂', 'x'],
        ],
        { record_delimiter: 'windows', quote_record_delimiter: true },
      ),
    );
    for (let cut = 0; cut <= csv.length; cut++) {
      const count = csvRecordCounter();
      count(csv.subarray(0, cut));
      expect(count(csv.subarray(cut))).toBe(2);
    }
  });
});
