/** The part of omggif's API the test fixtures use (the package ships no types). */
export class GifWriter {
  constructor(
    buffer: Uint8Array,
    width: number,
    height: number,
    options?: { palette?: number[]; loop?: number },
  );
  addFrame(
    x: number,
    y: number,
    width: number,
    height: number,
    indexedPixels: number[],
    options?: { delay?: number },
  ): number;
  end(): number;
}
