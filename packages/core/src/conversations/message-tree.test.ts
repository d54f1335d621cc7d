import { describe, expect, it } from 'vitest';
import type { ConversationMessage } from './conversation.js';
import { newestLeafUnder, pathTo } from './message-tree.js';

const message = (id: string, parentId: string | null, at: number): ConversationMessage => ({
  id, conversationId: 'c', parentId, role: 'user', content: id, model: null, status: 'complete', finishReason: null, notices: [], promptTokens: null, completionTokens: null, createdAt: new Date(at),
});

describe('message tree', () => {
  // q1 → a1 → q2 → a2 ; q1 → a1' (regenerated) ; a1 → q2' (edited) → a2'
  const messages = [message('q1', null, 1), message('a1', 'q1', 2), message('q2', 'a1', 3), message('a2', 'q2', 4), message('a1b', 'q1', 5), message('q2b', 'a1', 6), message('a2b', 'q2b', 7)];

  it('CON-1 follows parents from a leaf to the root', () => {
    expect(pathTo(messages, 'a2')).toEqual(['q1', 'a1', 'q2', 'a2']);
    expect(pathTo(messages, 'a2b')).toEqual(['q1', 'a1', 'q2b', 'a2b']);
    expect(pathTo(messages, 'a1b')).toEqual(['q1', 'a1b']);
    expect(pathTo(messages, 'missing')).toEqual([]);
    expect(pathTo(messages, null)).toEqual([]);
  });

  it('CON-1 switching to a branch lands on its newest leaf', () => {
    expect(newestLeafUnder(messages, 'a1')).toBe('a2b');
    expect(newestLeafUnder(messages, 'q2')).toBe('a2');
    expect(newestLeafUnder(messages, 'a1b')).toBe('a1b');
  });
});
