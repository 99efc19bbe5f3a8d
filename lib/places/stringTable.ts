/**
 * Many strings as one: the text of all of them and where each starts. Half a
 * million short strings cost far more as JS objects (memory, and seconds to
 * rebuild from a file) than one string and an Int32Array.
 */
export class StringTable {
  constructor(readonly text: string, readonly start: Int32Array) {}

  static from(strings: readonly string[]): StringTable {
    const start = new Int32Array(strings.length + 1);
    let at = 0;
    strings.forEach((s, i) => {
      start[i] = at;
      at += s.length;
    });
    start[strings.length] = at;
    return new StringTable(strings.join(''), start);
  }

  get count(): number {
    return this.start.length - 1;
  }

  at(i: number): string {
    return this.text.slice(this.start[i], this.start[i + 1]);
  }

  length(i: number): number {
    return this.start[i + 1]! - this.start[i]!;
  }

  /** The char code at `offset` of string i (NaN past its end). */
  charCodeAt(i: number, offset: number): number {
    return offset < this.length(i) ? this.text.charCodeAt(this.start[i]! + offset) : NaN;
  }

  /** Negative, zero or positive as string i sorts before, equal to or after `value` (UTF-16 code units, as `Array.sort`). */
  compare(i: number, value: string): number {
    const from = this.start[i]!;
    const n = this.start[i + 1]! - from;
    const m = Math.min(n, value.length);
    for (let k = 0; k < m; k++) {
      const d = this.text.charCodeAt(from + k) - value.charCodeAt(k);
      if (d !== 0) return d;
    }
    return n - value.length;
  }

  /** First index whose string is not less than `value` (the table is sorted). */
  lowerBound(value: string): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(mid, value) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
