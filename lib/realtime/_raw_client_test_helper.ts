/**
 * Test helper: a WebSocket client over a bare TCP connection, so a test can
 * stop reading (which a `WebSocket` object never does) and inspect raw frames.
 * Every read has a deadline, so a server that never answers fails the test.
 */
import {
  DEFAULT_DEADLINE_MS,
  withDeadline,
} from "../../tests/helpers/deadline.ts";

/** One frame as it came off the wire. */
export interface RawFrame {
  opcode: number;
  payload: Uint8Array;
}

/** A hand-rolled client: handshake by hand, then read frames only when asked. */
export class RawWebSocketClient {
  #conn: Deno.TcpConn;
  #pending = new Uint8Array(0);

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects to `url` (ws://host:port/path?query) and completes the handshake within `timeoutMs`. */
  static connect(
    url: string,
    timeoutMs = DEFAULT_DEADLINE_MS,
  ): Promise<RawWebSocketClient> {
    return withDeadline(
      RawWebSocketClient.#connect(url),
      timeoutMs,
      `The WebSocket handshake with ${url}`,
    );
  }

  static async #connect(url: string): Promise<RawWebSocketClient> {
    const target = new URL(url);
    const conn = await Deno.connect({
      hostname: target.hostname,
      port: Number(target.port),
    });
    const client = new RawWebSocketClient(conn);
    const key = btoa(
      String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))),
    );
    await client.#write(
      new TextEncoder().encode(
        `GET ${target.pathname}${target.search} HTTP/1.1\r\n` +
          `Host: ${target.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    // Read the response head only, leaving any frames after it buffered.
    while (true) {
      const end = findHeadEnd(client.#pending);
      if (end >= 0) {
        const head = new TextDecoder().decode(client.#pending.subarray(0, end));
        client.#pending = client.#pending.slice(end + 4);
        if (!head.startsWith("HTTP/1.1 101")) {
          conn.close();
          throw new Error(`Handshake refused: ${head.split("\r\n")[0]}`);
        }
        return client;
      }
      await client.#fill(client.#pending.length + 1);
    }
  }

  /** Reads the next frame, waiting for it up to `timeoutMs`. */
  readFrame(timeoutMs = DEFAULT_DEADLINE_MS): Promise<RawFrame> {
    return withDeadline(this.#readFrame(), timeoutMs, "The next frame");
  }

  async #readFrame(): Promise<RawFrame> {
    await this.#fill(2);
    const opcode = this.#pending[0] & 0x0f;
    let length = this.#pending[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      await this.#fill(4);
      length = (this.#pending[2] << 8) | this.#pending[3];
      offset = 4;
    } else if (length === 127) {
      await this.#fill(10);
      const view = new DataView(this.#pending.buffer, this.#pending.byteOffset);
      length = Number(view.getBigUint64(2));
      offset = 10;
    }
    await this.#fill(offset + length);
    const payload = this.#pending.slice(offset, offset + length);
    this.#pending = this.#pending.slice(offset + length);
    return { opcode, payload };
  }

  /** Reads frames until a close frame (within `timeoutMs` in all); returns its code, reason and the text frames before it. */
  readUntilClose(
    timeoutMs = DEFAULT_DEADLINE_MS,
  ): Promise<{ code: number; reason: string; texts: string[] }> {
    return withDeadline(this.#readUntilClose(), timeoutMs, "A close frame");
  }

  async #readUntilClose(): Promise<
    { code: number; reason: string; texts: string[] }
  > {
    const texts: string[] = [];
    const decoder = new TextDecoder();
    while (true) {
      const frame = await this.#readFrame();
      if (frame.opcode === 0x1) texts.push(decoder.decode(frame.payload));
      if (frame.opcode === 0x8) {
        const code = (frame.payload[0] << 8) | frame.payload[1];
        return {
          code,
          reason: decoder.decode(frame.payload.subarray(2)),
          texts,
        };
      }
    }
  }

  /** Sends a close with `code` (masked, as a client must) if it still can, then drops the connection. */
  async closeWith(code: number): Promise<void> {
    try {
      // Mask of zeros leaves the payload as is; RFC 6455 only requires the mask bit.
      await this.#write(
        new Uint8Array([0x88, 0x82, 0, 0, 0, 0, code >> 8, code & 0xff]),
      );
    } catch {
      // The server may already have dropped the connection.
    }
    this.#conn.close();
  }

  async #write(bytes: Uint8Array): Promise<void> {
    let written = 0;
    while (written < bytes.length) {
      written += await this.#conn.write(bytes.subarray(written));
    }
  }

  async #fill(size: number): Promise<void> {
    while (this.#pending.length < size) {
      const chunk = new Uint8Array(256 * 1024);
      const n = await this.#conn.read(chunk);
      if (n === null) throw new Error("Connection closed by the server");
      const joined = new Uint8Array(this.#pending.length + n);
      joined.set(this.#pending);
      joined.set(chunk.subarray(0, n), this.#pending.length);
      this.#pending = joined;
    }
  }
}

function findHeadEnd(bytes: Uint8Array): number {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (
      bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 &&
      bytes[i + 3] === 10
    ) return i;
  }
  return -1;
}
