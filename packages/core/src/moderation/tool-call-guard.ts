import type { ToolCallDelta } from '@charter/engine-spec';
import type { OutputGuard } from './output-guard.js';

/** What the tool-call guard lets through for one set of deltas. */
export interface ToolCallGuardDecision {
  /** Tool-call deltas that may be sent to the client now. */
  release: ToolCallDelta[];
  /** True when the policy blocks: send nothing more and end with finish_reason `content_filter`. */
  isBlocked: boolean;
}

interface PendingCall {
  guard: OutputGuard;
  /** Id and name not yet sent: they go out with the first released arguments, or at the end. */
  header: { id?: string; name?: string } | undefined;
}

/**
 * Moderates the function-call arguments a model generates (AUP-2), like any other output: each call's
 * argument JSON goes through an `OutputGuard` of its own, so it is held until scored, released as it
 * passes, redacted where the policy redacts, and a block ends the answer. A call's id and name are held
 * with its arguments, so a call blocked before any of its arguments passed never reaches the client.
 */
export class ToolCallGuard {
  readonly #createGuard: () => OutputGuard;
  readonly #calls = new Map<number, PendingCall>();
  #isBlocked = false;

  constructor(createGuard: () => OutputGuard) {
    this.#createGuard = createGuard;
  }

  get isBlocked(): boolean {
    return this.#isBlocked;
  }

  /** Add generated tool-call deltas; returns what may be released now. */
  async push(deltas: readonly ToolCallDelta[]): Promise<ToolCallGuardDecision> {
    if (this.#isBlocked) return { release: [], isBlocked: true };
    const release: ToolCallDelta[] = [];
    for (const delta of deltas) {
      const call = this.#call(delta.index);
      if (delta.id !== undefined || delta.name !== undefined) call.header = { ...call.header, ...definedHeader(delta) };
      if (!delta.argumentsJsonDelta) continue;
      const decision = await call.guard.push(delta.argumentsJsonDelta);
      if (decision.isBlocked) return this.#block();
      if (decision.release) release.push(this.#released(delta.index, call, decision.release));
    }
    return { release, isBlocked: false };
  }

  /** The generation ended: score every call's whole arguments and release the rest if they pass. */
  async finish(): Promise<ToolCallGuardDecision> {
    if (this.#isBlocked) return { release: [], isBlocked: true };
    const release: ToolCallDelta[] = [];
    for (const index of [...this.#calls.keys()].sort((left, right) => left - right)) {
      const call = this.#calls.get(index) as PendingCall;
      const decision = await call.guard.finish();
      if (decision.isBlocked) return this.#block();
      if (decision.release || call.header !== undefined) release.push(this.#released(index, call, decision.release));
    }
    return { release, isBlocked: false };
  }

  #call(index: number): PendingCall {
    let call = this.#calls.get(index);
    if (call === undefined) {
      call = { guard: this.#createGuard(), header: undefined };
      this.#calls.set(index, call);
    }
    return call;
  }

  #released(index: number, call: PendingCall, argumentsJsonDelta: string): ToolCallDelta {
    const header = call.header ?? {};
    call.header = undefined;
    return { index, ...header, argumentsJsonDelta };
  }

  #block(): ToolCallGuardDecision {
    this.#isBlocked = true;
    return { release: [], isBlocked: true };
  }
}

function definedHeader(delta: ToolCallDelta): { id?: string; name?: string } {
  return { ...(delta.id !== undefined ? { id: delta.id } : {}), ...(delta.name !== undefined ? { name: delta.name } : {}) };
}

/**
 * The text of JSON arguments as the moderator should read it, with the same length so that personal-data
 * spans found in it are spans of the JSON itself: two-character escapes (`\n`, `\"`, `\\` …) become two
 * spaces, so `line\nbreak` reads as two words and no span can start or end inside an escape. `\uXXXX`
 * escapes stay as they are (engines rarely emit them for ordinary text).
 */
export function readableJsonArguments(json: string): string {
  return json.replace(/\\["\\/bfnrt]/g, '  ');
}
