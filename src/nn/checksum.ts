// A 32-bit fingerprint of a list of float arrays, bit for bit (−0, NaN payloads included): an
// evicted Net plan keeps the fingerprint of the parameters its last run used, so a replay can
// tell whether the parameters have changed since (then it would compute other numbers).
// Not cryptographic: a change goes unnoticed with probability about 2⁻³².

/** Fingerprint of `arrays` in order (their bits and lengths). */
export function floatsChecksum(arrays: Iterable<Float32Array>): number {
  let h = 0x811c9dc5;
  for (const a of arrays) {
    const words = new Uint32Array(a.buffer, a.byteOffset, a.length);
    h = Math.imul(h ^ a.length, 0x01000193);
    // h ← (h ⊕ word)·prime, then a rotate, so a word's position matters as well as its bits
    for (let i = 0; i < words.length; i++) {
      h = Math.imul(h ^ words[i], 0x9e3779b1);
      h = (h << 13) | (h >>> 19);
    }
  }
  return h >>> 0;
}
