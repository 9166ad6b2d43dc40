// The shape of a resolved Resize (resize.ts computes it, resize-kernel.ts turns it into the
// kernels' tables): its output shape and, per spatial axis, the two source taps and weights of
// every output index.

/** One spatial axis's sampling: output o reads w0[o]·x[i0[o]] + w1[o]·x[i1[o]] (nearest: x[i0[o]]). */
export interface AxisSampling {
  inSize: number;
  outSize: number;
  i0: Int32Array;
  i1: Int32Array;
  w0: Float64Array;
  w1: Float64Array;
}

/** A resolved resize: the output shape and one sampling per spatial axis. */
export interface ResizePlan {
  linear: boolean;
  outShape: number[];
  axes: AxisSampling[];
}
