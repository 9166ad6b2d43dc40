// The protobuf wire format, write-only: the mirror of wire.ts. Fields are appended in the order
// they are written; an embedded message is written into its own writer first and then appended
// with its length, so no size has to be known in advance. Only what ModelProto needs: varints
// (int64 two's complement for negatives), float32, packed repeated int64, bytes and strings.
import { I32, LEN, VARINT } from "./wire.js";

/** A growable byte buffer that appends protobuf fields. */
export class WireWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.buf.subarray(0, this.len));
    this.buf = grown;
  }

  /**
   * A raw varint. A negative number is int64 two's complement (10 bytes, as protobuf writes int64),
   * so −1 reads back as −1 through WireReader.int64().
   */
  private rawVarint(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`protobuf varint: ${value} is not a safe integer`);
    let v = BigInt.asUintN(64, BigInt(value));
    this.reserve(10);
    // 7 bits per byte, low bits first; the high bit says "more follows"
    while (v >= 0x80n) {
      this.buf[this.len++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.len++] = Number(v);
  }

  private tag(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire); // tag = field number << 3 | wire type
  }

  /** An integer field (int32, int64, enum, bool) as a varint. */
  varint(field: number, value: number): this {
    this.tag(field, VARINT);
    this.rawVarint(value);
    return this;
  }

  /** A float field (fixed 32-bit, little-endian). */
  float32(field: number, value: number): this {
    this.tag(field, I32);
    this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(this.len, value, true);
    this.len += 4;
    return this;
  }

  /** A length-delimited field: raw bytes. */
  bytes(field: number, data: Uint8Array): this {
    this.tag(field, LEN);
    this.rawVarint(data.length);
    this.reserve(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
    return this;
  }

  /** A string field (UTF-8). */
  string(field: number, value: string): this {
    return this.bytes(field, encoder.encode(value));
  }

  /** An embedded message, written by `write` into a fresh writer. */
  message(field: number, write: (w: WireWriter) => void): this {
    const inner = new WireWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A repeated integer field, packed (one LEN field of varints; proto3's default, read by every ONNX reader). */
  packedVarints(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const inner = new WireWriter();
    for (const v of values) inner.rawVarint(v);
    return this.bytes(field, inner.finish());
  }

  /** A repeated float field, packed (one LEN field of little-endian float32s). */
  packedFloats(field: number, values: readonly number[]): this {
    if (values.length === 0) return this;
    const raw = new Uint8Array(values.length * 4), view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setFloat32(4 * i, v, true));
    return this.bytes(field, raw);
  }

  /** The bytes written so far (a copy sized to fit). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

const encoder = new TextEncoder();
