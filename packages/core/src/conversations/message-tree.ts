import type { ConversationMessage } from './conversation.js';

/** Ids from the root to `leafId`, following parents; empty when the leaf is unknown. */
export function pathTo(messages: readonly ConversationMessage[], leafId: string | null): string[] {
  const byId = new Map(messages.map((message) => [message.id, message]));
  const path: string[] = [];
  let current = leafId ? byId.get(leafId) : undefined;
  // The bound guards against a cycle in corrupt data.
  while (current && path.length <= messages.length) {
    path.push(current.id);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return path.reverse();
}

/** The newest leaf under `messageId` (itself when it has no children): where a branch switch lands. */
export function newestLeafUnder(messages: readonly ConversationMessage[], messageId: string): string {
  const children = new Map<string, ConversationMessage[]>();
  for (const message of messages) {
    if (message.parentId) children.set(message.parentId, [...(children.get(message.parentId) ?? []), message]);
  }
  let current = messageId;
  for (let depth = 0; depth <= messages.length; depth += 1) {
    const next = children.get(current);
    if (!next || next.length === 0) return current;
    current = next.reduce((newest, candidate) => (candidate.createdAt.getTime() >= newest.createdAt.getTime() ? candidate : newest)).id;
  }
  return current;
}
