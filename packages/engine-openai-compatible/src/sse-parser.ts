const LINE_FEED = 10;
const COLON = 58;
const SPACE = 32;
const LOWERCASE_D = 100;

// Hoisted so decoding a chunk allocates no options object.
const STREAM_DECODE = { stream: true } as const;

/**
 * Incremental parser for a `text/event-stream` body (WHATWG server-sent events), fed raw bytes as they
 * arrive from the socket.
 *
 * - A streaming `TextDecoder` keeps an incomplete multi-byte UTF-8 sequence at the end of a chunk until
 *   the next chunk completes it, so no text ever contains half a character.
 * - Lines may end in `\n`, `\r\n` or `\r`, and a `\r\n` pair may be split across two chunks.
 * - Comment lines (`: ping` keep-alives) and the `event`, `id` and `retry` fields are ignored: OpenAI-
 *   compatible servers put everything, errors included, in `data`.
 * - Multiple `data` lines of one event are joined with `\n`, as the specification says.
 *
 * `push` returns the data payloads of the events completed by that chunk in an array the parser reuses on
 * the next call, so the hot path allocates no per-chunk arrays; consume it before pushing again.
 */
export class SseParser {
  private readonly decoder = new TextDecoder('utf-8');
  private readonly completed: string[] = [];
  /** Text after the last line terminator, waiting for the rest of its line. */
  private partialLine = '';
  /** Data of the event being assembled; `undefined` while it has no data line. */
  private eventData: string | undefined = undefined;
  /** The previous chunk ended with `\r`: a `\n` at the start of the next one belongs to that terminator. */
  private isLineFeedSkipped = false;

  /** Parse the next bytes of the body; returns the data of every event they complete. */
  push(bytes: Uint8Array): string[] {
    this.completed.length = 0;
    this.scan(this.decoder.decode(bytes, STREAM_DECODE));
    return this.completed;
  }

  /**
   * The body ended: flush the decoder and dispatch a last event even without its blank line. The
   * specification discards such an event, but some upstreams end with `data: [DONE]` and no blank line,
   * and dropping it would turn a complete answer into a truncated one.
   */
  end(): string[] {
    this.completed.length = 0;
    this.scan(this.decoder.decode());
    if (this.partialLine.length > 0) {
      const line = this.partialLine;
      this.partialLine = '';
      this.processLine(line);
    }
    this.dispatch();
    return this.completed;
  }

  private scan(text: string): void {
    const length = text.length;
    let start = 0;
    if (this.isLineFeedSkipped) {
      this.isLineFeedSkipped = false;
      if (length > 0 && text.charCodeAt(0) === LINE_FEED) start = 1;
    }
    // Most upstreams use bare `\n`; only look for `\r` when the chunk has one.
    const hasCarriageReturn = text.indexOf('\r', start) !== -1;
    while (start < length) {
      let end = text.indexOf('\n', start);
      let terminatorLength = 1;
      if (hasCarriageReturn) {
        const carriageReturn = text.indexOf('\r', start);
        if (carriageReturn !== -1 && (end === -1 || carriageReturn < end)) {
          end = carriageReturn;
          if (carriageReturn + 1 < length) {
            if (text.charCodeAt(carriageReturn + 1) === LINE_FEED) terminatorLength = 2;
          } else {
            this.isLineFeedSkipped = true;
          }
        }
      }
      if (end === -1) {
        this.partialLine = this.partialLine.length === 0 ? text.slice(start) : this.partialLine + text.slice(start);
        return;
      }
      let line = text.slice(start, end);
      if (this.partialLine.length > 0) {
        line = this.partialLine + line;
        this.partialLine = '';
      }
      this.processLine(line);
      start = end + terminatorLength;
    }
  }

  private processLine(line: string): void {
    const length = line.length;
    if (length === 0) {
      this.dispatch();
      return;
    }
    const first = line.charCodeAt(0);
    if (first === COLON) return;
    // Fast path for the line every chunk has.
    if (first === LOWERCASE_D && length >= 5 && line.charCodeAt(4) === COLON && line.startsWith('data')) {
      this.appendData(line.slice(line.charCodeAt(5) === SPACE ? 6 : 5));
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    if (field !== 'data') return;
    if (colon === -1) {
      this.appendData('');
      return;
    }
    this.appendData(line.slice(line.charCodeAt(colon + 1) === SPACE ? colon + 2 : colon + 1));
  }

  private appendData(value: string): void {
    this.eventData = this.eventData === undefined ? value : `${this.eventData}\n${value}`;
  }

  private dispatch(): void {
    if (this.eventData === undefined) return;
    this.completed.push(this.eventData);
    this.eventData = undefined;
  }
}
