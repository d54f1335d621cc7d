import type { ChatMessage } from '@charter/engine-spec';
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelResponse } from 'node-llama-cpp';

/**
 * Convert an OpenAI-style transcript to node-llama-cpp's chat history, so the model's chat wrapper renders
 * it with the model's own template. Tool results are attached to the assistant call they answer, which is
 * how chat wrappers render function calls; a tool message that answers no known call becomes user text so
 * its content is not lost. The history always ends with a model turn: an empty one to generate, or the
 * caller's trailing assistant message, which the model then continues.
 */
export function toChatHistory(messages: readonly ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const openCalls = new Map<string, ChatModelFunctionCall>();
  for (const message of messages) {
    const text = message.content ?? '';
    switch (message.role) {
      case 'system':
      case 'developer':
        history.push({ type: 'system', text });
        break;
      case 'user':
        history.push({ type: 'user', text });
        break;
      case 'assistant': {
        const response: ChatModelResponse['response'] = text === '' ? [] : [text];
        for (const toolCall of message.toolCalls ?? []) {
          const call: ChatModelFunctionCall = { type: 'functionCall', name: toolCall.name, params: parseArguments(toolCall.argumentsJson), result: undefined };
          openCalls.set(toolCall.id, call);
          response.push(call);
        }
        history.push({ type: 'model', response });
        break;
      }
      case 'tool': {
        const call = message.toolCallId === undefined ? undefined : openCalls.get(message.toolCallId);
        if (call) {
          call.result = text;
          openCalls.delete(message.toolCallId!);
        } else {
          history.push({ type: 'user', text });
        }
        break;
      }
    }
  }
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

// Chat wrappers print parameters as JSON; arguments that are not valid JSON are kept as the raw string.
function parseArguments(argumentsJson: string): unknown {
  try {
    return JSON.parse(argumentsJson) as unknown;
  } catch {
    return argumentsJson;
  }
}
