// Host feature probes: tiny hand-assembled modules given to WebAssembly.validate, so choosing a
// build costs no download. Each is `(func (result v128) …)`.

const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const TYPE_AND_FUNC = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
const V128_CONST_ZERO = [0xfd, 0x0c, ...new Array<number>(16).fill(0)];

function moduleWithBody(code: number[]): Uint8Array<ArrayBuffer> {
  const body = [0x00, ...code, 0x0b]; // no locals, code, end
  return new Uint8Array([...HEADER, ...TYPE_AND_FUNC, 0x0a, body.length + 2, 0x01, body.length, ...body]);
}

/** v128.const 0 */
const SIMD_PROBE = moduleWithBody(V128_CONST_ZERO);
/** f32x4.relaxed_madd(0, 0, 0): opcode 0xfd 0x105 (LEB128 0x85 0x02) */
const RELAXED_PROBE = moduleWithBody([...V128_CONST_ZERO, ...V128_CONST_ZERO, ...V128_CONST_ZERO, 0xfd, 0x85, 0x02]);

export function hasWebAssembly(): boolean {
  return typeof WebAssembly === "object" && typeof WebAssembly.validate === "function";
}

export function hasSimd(): boolean {
  return hasWebAssembly() && WebAssembly.validate(SIMD_PROBE);
}

export function hasRelaxedSimd(): boolean {
  return hasWebAssembly() && WebAssembly.validate(RELAXED_PROBE);
}
