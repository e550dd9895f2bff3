/**
 * The layout of a review record, one per hashed sample in a Uint32Array: the sample's hash (2 words), its prompt's
 * hash (2), its line, its flags.
 */
export const RECORD_WORDS = 6;
export const SAMPLE_HASH = 0;
export const PROMPT_HASH = 2;
export const LINE = 4;
export const FLAGS = 5;

/** Flag: the sample has a prompt (its prompt hash is meaningful). */
export const HAS_PROMPT = 1;

/**
 * With the head's lines hashed (for the base version's check to reuse): per hashed sample, beside its record, the
 * xxHash64 of its line's bytes (2 words), then its statistics as two numbers and a word of bits (FACT_*).
 */
export const LINE_FACT_WORDS = 5;
export const LINE_HASH = 0;
/** Characters: a conversation's or a text's; an instruction's or preference sample's prompt. */
export const FACT_A = 2;
/** A conversation's messages; an instruction's or preference sample's answer characters. */
export const FACT_B = 3;
/** The counters' bits (FACT_WITHOUT_SYSTEM…), and the format's code (FORMAT_CODES) from bit 8. */
export const FACT_BITS = 4;
export const FACT_WITHOUT_SYSTEM = 1;
export const FACT_WITHOUT_USER = 2;
export const FACT_WITH_TOOL_CALLS = 4;
export const FACT_WITH_WEIGHTS = 8;
export const FACT_FORMAT_SHIFT = 8;
