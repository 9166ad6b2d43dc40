// The protobuf wire format, read-only: varints, 32/64-bit fixed fields, length-delimited bytes,
// packed and unpacked repeated scalars, and skipping unknown fields. Every read is bounds-checked
// and a bad byte becomes an OnnxFormatError naming the message path and the byte offset, so a
// truncated or corrupted file never surfaces as a TypeError or RangeError, and never loops.
import { OnnxFormatError } from "../errors.js";

/** Wire types of protobuf (groups, 3 and 4, are obsolete and refused). */
export const VARINT = 0, I64 = 1, LEN = 2, I32 = 5;

/** A cursor over one message's bytes [offset, end) of a shared buffer; `path` names the message in errors. */
export class WireReader {
  pos: number;
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array, readonly path: string, start = 0, readonly end = bytes.length) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /** An OnnxFormatError at the current (or given) offset. */
  fail(what: string, at = this.pos): OnnxFormatError {
    return new OnnxFormatError(`${this.path}: ${what} at byte offset ${at}`);
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  /**
   * An unsigned varint as a number. Up to 10 bytes of 7 bits each; values above 2^53 lose their
   * low bits (no ONNX field we use is that large except negative int64, see int64()).
   */
  varint(): number {
    const start = this.pos;
    let value = 0, scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.fail("truncated varint", start);
      const b = this.bytes[this.pos++];
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
    throw this.fail("varint longer than 10 bytes", start);
  }

  /**
   * A signed int64 varint: 64-bit two's complement (a negative number takes 10 bytes), read as two
   * 32-bit halves so that −1 (2^64 − 1) is exact; magnitudes above 2^53 round.
   */
  int64(): number {
    const start = this.pos;
    let lo = 0, hi = 0; // bits 0–31 and 32–63; byte i carries bits 7i … 7i + 6
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw this.fail("truncated varint", start);
      const b = this.bytes[this.pos++] & 0x7f;
      if (i < 4) lo |= b << (7 * i);
      else if (i === 4) { lo |= b << 28; hi |= b >> 4; }
      else hi |= b << (7 * i - 32);
      if (this.bytes[this.pos - 1] < 0x80) {
        lo >>>= 0; hi >>>= 0;
        // negative: v − 2^64 = −(~v + 1) = −(~hi·2^32 + ~lo + 1)
        return hi >= 0x80000000 ? -((~hi >>> 0) * 2 ** 32 + (~lo >>> 0) + 1) : hi * 2 ** 32 + lo;
      }
    }
    throw this.fail("varint longer than 10 bytes", start);
  }

  /** A tag: [field number, wire type]. */
  tag(): [number, number] {
    const at = this.pos;
    const t = this.varint();
    const field = Math.floor(t / 8), wire = t % 8;
    if (field < 1) throw this.fail(`invalid field number 0 (tag ${t})`, at);
    if (wire !== VARINT && wire !== I64 && wire !== LEN && wire !== I32) throw this.fail(`unsupported wire type ${wire} for field ${field}`, at);
    return [field, wire];
  }

  private need(n: number, what: string): number {
    const at = this.pos;
    if (n > this.end - at) throw this.fail(`truncated ${what}: ${n} bytes needed, ${this.end - at} left`, at);
    this.pos += n;
    return at;
  }

  float32(): number {
    return this.view.getFloat32(this.need(4, "float"), true);
  }

  float64(): number {
    return this.view.getFloat64(this.need(8, "double"), true);
  }

  /** The [start, end) of a length-delimited field's payload. */
  span(): [number, number] {
    const n = this.varint();
    const at = this.need(n, "length-delimited field");
    return [at, at + n];
  }

  /** A length-delimited field's payload as a view (no copy). */
  bytesField(): Uint8Array {
    const [a, b] = this.span();
    return this.bytes.subarray(a, b);
  }

  string(): string {
    return decoder.decode(this.bytesField());
  }

  /** A reader over an embedded message; `path` names it in errors. */
  message(path: string): WireReader {
    const [a, b] = this.span();
    return new WireReader(this.bytes, path, a, b);
  }

  /**
   * Appends a repeated scalar field to `out`, packed (wire type LEN: many values) or unpacked
   * (one value per tag); `read` reads one value. Real files use both encodings.
   */
  repeated(wire: number, single: number, out: number[], read: (r: WireReader) => number): void {
    if (wire === LEN) {
      const inner = this.message(this.path);
      while (!inner.done()) out.push(read(inner));
      return;
    }
    this.expect(wire, single);
    out.push(read(this));
  }

  /** Throws unless the field has the wire type its declaration gives. */
  expect(wire: number, want: number): void {
    if (wire !== want) throw this.fail(`wire type ${wire} where ${want} was expected`);
  }

  /** Skips a field this reader does not know (forward compatibility). */
  skip(wire: number): void {
    if (wire === VARINT) this.varint();
    else if (wire === I64) this.need(8, "fixed64");
    else if (wire === I32) this.need(4, "fixed32");
    else this.span();
  }
}

const decoder = new TextDecoder("utf-8");
