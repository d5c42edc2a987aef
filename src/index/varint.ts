/**
 * Where the last `readVarint` stopped. A shared slot instead of a returned
 * pair, so decoding allocates nothing: it runs once per posting on hot paths.
 */
export const varintAt = { end: 0 };

/** Reads the LEB128 varint at `p`; the position after it is left in `varintAt.end`. */
export function readVarint(buf: Uint8Array, p: number): number {
  let b = buf[p++];
  let v = b & 0x7f;
  let shift = 7;
  while (b & 0x80) {
    b = buf[p++];
    v += (b & 0x7f) * 2 ** shift;
    shift += 7;
  }
  varintAt.end = p;
  return v;
}

/** A growable list of unsigned integers stored as LEB128 varints: postings lists that stay near their final size while built. */
export class VarintList {
  buf = new Uint8Array(8);
  len = 0;

  push(v: number): void {
    if (this.len + 5 > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    while (v >= 0x80) {
      this.buf[this.len++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    this.buf[this.len++] = v;
  }

  /** Appends raw bytes. */
  append(bytes: Uint8Array): void {
    if (this.len + bytes.length > this.buf.length) {
      let cap = this.buf.length * 2;
      while (cap < this.len + bytes.length) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
  }

  /** Decodes the list as consecutive pairs. */
  forEachPair(fn: (a: number, b: number) => void): void {
    const buf = this.buf;
    let p = 0;
    let first = -1;
    while (p < this.len) {
      const v = readVarint(buf, p);
      p = varintAt.end;
      if (first < 0) first = v;
      else {
        fn(first, v);
        first = -1;
      }
    }
  }

  bytes(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }
}

/** A growable typed array of numbers (tables written at the end of a file). */
export class GrowArray<T extends Uint32Array | Uint16Array | Float64Array> {
  len = 0;
  constructor(
    public arr: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.len === this.arr.length) {
      const next = this.make(this.arr.length * 2);
      next.set(this.arr);
      this.arr = next;
    }
    this.arr[this.len++] = v;
  }
  bytes(): Uint8Array {
    return new Uint8Array(this.arr.buffer, 0, this.len * this.arr.BYTES_PER_ELEMENT);
  }
}
