// What every transposed-convolution path receives: the resolved geometry and the arena offsets of
// the operands, already copied into wasm memory. A path writes y completely (bias included).
import type { ConvGeometry } from "../../shape.js";
import type { Epilogue } from "../conv-engine/epilogue.js";

export interface TransposedBuffers {
  g: ConvGeometry;
  /** x [N, C, in…] */
  x: number;
  /** w [C, M/group, k…] */
  w: number;
  /** The sub-pixel phase weights packed from w ahead of the call (a resident w keeps them), or 0 */
  phaseWeights?: number;
  /** The Winograd F(2×2,2×2) phase weights U of subpixel-winograd packed ahead of the call (a resident w or a Net plan keeps them), or 0 */
  winogradWeights?: number;
  /** w packed for the GEMM of GEMM + col2im ahead of the call (packGemmWeights: a resident w or a Net plan keeps them), or 0 */
  gemmWeights?: number;
  /** b [M], or 0 for none */
  b: number;
  /** y [N, M, out…] */
  y: number;
  /** An activation fused into the output pass (after the bias), or null/absent for none. */
  epilogue?: Epilogue | null;
  /** Whether x / w hold only finite values (ops/finite.ts operandFinite: a resident operand's kept answer); default: scan them. */
  xFinite?: () => boolean;
  wFinite?: () => boolean;
}
