// Small deterministic integer hashing: the only source of "randomness" in the data set.

/** A 32-bit avalanche hash of a non-negative integer index, mixed with a salt (lowbias32). */
export function hash32(index: number, salt: number): number {
  let h = (index ^ Math.imul(salt + 1, 0x9e3779b9)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A deterministic pick from a small constant list. */
export function pick<T>(list: readonly T[], index: number, salt: number): T {
  return list[hash32(index, salt) % list.length];
}

/** Distinct salts, so that the properties of one entity are independent of each other. */
export const Salt = {
  firstName: 1,
  lastName: 2,
  middleName: 3,
  sex: 4,
  birthDay: 5,
  grade: 6,
  sections: 7,
  staffHire: 8,
  newStudent: 9,
  newStudentSchool: 10,
} as const;

/** Zero-padded decimal, fixed width. */
export function pad(n: number, width: number): string {
  const s = String(n);
  return s.length >= width ? s : '0'.repeat(width - s.length) + s;
}
