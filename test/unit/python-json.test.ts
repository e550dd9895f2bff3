import { describe, expect, it } from 'vitest';
import { parsePythonJson, PyFloat, type ParseHints } from '../../src/check/python-json.js';

const parse = (text: string, hints?: ParseHints) => parsePythonJson(text, hints);

describe("Python's constants (NaN, Infinity) parse like json.loads, on the fast path too", () => {
  for (const hints of [undefined, { constantsSeen: false }, { constantsSeen: true }]) {
    const label = hints === undefined ? 'no hints' : `constantsSeen ${hints.constantsSeen}`;

    it(`accepts bare constants where a value starts (${label})`, () => {
      expect(parse('{"a": NaN, "b": [Infinity, -Infinity], "c":NaN}', hints && { ...hints })).toEqual({
        ok: true,
        value: { a: expect.any(Number) as unknown, b: [Infinity, -Infinity], c: expect.any(Number) as unknown },
      });
    });

    it(`leaves the words inside strings alone, escaped quotes included (${label})`, () => {
      const parsed = parse('{"a": "NaN and \\"Infinity\\" NaN", "b": NaN}', hints && { ...hints });
      expect(parsed).toMatchObject({ ok: true, value: { a: 'NaN and "Infinity" NaN' } });
    });

    it(`refuses what Python refuses: -NaN, 1NaN, NaNx (${label})`, () => {
      for (const text of ['{"a": -NaN}', '{"a": 1NaN}', '{"a": NaNx}', '{"a": Infinity.5}'])
        expect(parse(text, hints && { ...hints }), text).toMatchObject({ ok: false });
    });
  }

  it('learns from the first line with a constant, and keeps weights exact (NaN is a float there)', () => {
    const hints = { constantsSeen: false };
    expect(parse('{"x": NaN}', hints)).toMatchObject({ ok: true });
    expect(hints.constantsSeen).toBe(true);
    const weighted = parse('{"weight": NaN, "x": Infinity}', hints);
    expect(weighted.ok && (weighted.value as { weight: PyFloat }).weight).toBeInstanceOf(PyFloat);
    expect(weighted.ok && Number.isNaN((weighted.value as { weight: PyFloat }).weight.value)).toBe(true);
  });
});
