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
