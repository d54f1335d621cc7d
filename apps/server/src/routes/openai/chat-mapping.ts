import type { ChatCompletionRequestBody, CompletionRequestBody } from '@charter/contracts';
import type { ChatInput, TextCompletionInput } from '@charter/core';
import type { ChatMessage, ResponseFormat, ToolChoice, ToolDefinition } from '@charter/engine-spec';

type WireMessage = ChatCompletionRequestBody['messages'][number];
type WireContent = Extract<WireMessage, { role: 'user' }>['content'];

function contentText(content: WireContent | null | undefined): string | null {
  if (content === null || content === undefined) return null;
  if (typeof content === 'string') return content;
  return content.map((part) => part.text).join('');
}

function toMessage(message: WireMessage): ChatMessage {
  switch (message.role) {
    case 'assistant':
      return {
        role: 'assistant',
        content: contentText(message.content),
        name: message.name,
        toolCalls: message.tool_calls?.map((call) => ({ id: call.id, name: call.function.name, argumentsJson: call.function.arguments })),
      };
    case 'tool':
      return { role: 'tool', content: contentText(message.content), toolCallId: message.tool_call_id };
    default:
      return { role: message.role, content: contentText(message.content), name: message.name };
  }
}

function toToolChoice(choice: ChatCompletionRequestBody['tool_choice']): ToolChoice | undefined {
  if (choice === undefined || typeof choice === 'string') return choice;
  return { functionName: choice.function.name };
}

function toResponseFormat(format: ChatCompletionRequestBody['response_format']): ResponseFormat | undefined {
  if (!format || format.type !== 'json_schema') return format;
  return { type: 'json_schema', name: format.json_schema.name, schema: format.json_schema.schema ?? {}, strict: format.json_schema.strict ?? undefined };
}

function toTools(tools: ChatCompletionRequestBody['tools']): ToolDefinition[] | undefined {
  return tools?.map((tool) => ({
    name: tool.function.name,
    description: tool.function.description,
    parameters: tool.function.parameters ?? { type: 'object', properties: {} },
    strict: tool.function.strict ?? undefined,
  }));
}

function toStop(stop: ChatCompletionRequestBody['stop']): string[] | undefined {
  if (stop === null || stop === undefined) return undefined;
  return typeof stop === 'string' ? [stop] : stop;
}

/** OpenAI chat body (snake_case) → domain chat input (camelCase). */
export function toChatInput(body: ChatCompletionRequestBody): ChatInput {
  return {
    model: body.model,
    messages: body.messages.map(toMessage),
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    maxTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
    stop: toStop(body.stop),
    seed: body.seed ?? undefined,
    presencePenalty: body.presence_penalty ?? undefined,
    frequencyPenalty: body.frequency_penalty ?? undefined,
    tools: body.tool_choice === 'none' ? undefined : toTools(body.tools),
    toolChoice: toToolChoice(body.tool_choice),
    responseFormat: toResponseFormat(body.response_format),
    endUser: body.user,
  };
}

/** Legacy completion body → domain text completion input. OpenAI's default of 16 tokens applies. */
export function toTextCompletionInput(body: CompletionRequestBody): TextCompletionInput {
  return {
    model: body.model,
    prompt: typeof body.prompt === 'string' ? body.prompt : (body.prompt[0] ?? ''),
    maxTokens: body.max_tokens ?? 16,
    temperature: body.temperature ?? undefined,
    topP: body.top_p ?? undefined,
    stop: toStop(body.stop),
    seed: body.seed ?? undefined,
    echo: body.echo ?? undefined,
    presencePenalty: body.presence_penalty ?? undefined,
    frequencyPenalty: body.frequency_penalty ?? undefined,
  };
}
