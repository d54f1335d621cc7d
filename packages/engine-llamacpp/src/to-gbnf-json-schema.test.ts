import { EngineFailure, type JsonSchema } from '@charter/engine-spec';
import { describe, expect, it } from 'vitest';
import { toGbnfJsonSchema } from './to-gbnf-json-schema.js';

function refusal(schema: JsonSchema, isStrict = false): EngineFailure {
  try {
    toGbnfJsonSchema(schema, { param: 'response_format', isStrict });
  } catch (error) {
    expect(error).toBeInstanceOf(EngineFailure);
    return error as EngineFailure;
  }
  throw new Error('expected the schema to be refused');
}

describe('toGbnfJsonSchema', () => {
  it('API-1 converts objects, arrays, enums, anyOf, nullable and $defs to the grammar subset', () => {
    const converted = toGbnfJsonSchema(
      {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        title: 'Person',
        type: 'object',
        properties: {
          name: { type: 'string', maxLength: 20, description: 'Full name' },
          tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
          pet: { anyOf: [{ $ref: '#/definitions/pet' }, { type: 'null' }] },
          age: { type: ['integer', 'null'] },
          nickname: { type: 'string', nullable: true },
        },
        required: ['name'],
        definitions: { pet: { type: 'object', properties: { kind: { const: 'cat' } } } },
      },
      { param: 'response_format' },
    );
    expect(converted).toEqual({
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 20, description: 'Full name' },
        tags: { type: 'array', items: { enum: ['a', 'b'] }, maxItems: 3 },
        pet: { oneOf: [{ $ref: '#/$defs/pet' }, { type: 'null' }] },
        age: { type: ['integer', 'null'] },
        nickname: { oneOf: [{ type: 'string' }, { type: 'null' }] },
      },
      required: ['name'],
      additionalProperties: false,
      $defs: { pet: { type: 'object', properties: { kind: { const: 'cat' } }, additionalProperties: false } },
    });
  });

  it('API-1 an empty schema means any JSON value, and a bare object allows any properties', () => {
    expect(toGbnfJsonSchema({ type: 'object' }, { param: 'response_format' })).toEqual({ type: 'object', additionalProperties: true });
    expect(toGbnfJsonSchema({}, { param: 'response_format' })).toEqual({
      oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'null' }, { type: 'object', additionalProperties: true }, { type: 'array' }],
    });
  });

  it('API-1 drops value constraints a grammar cannot enforce, unless strict', () => {
    expect(toGbnfJsonSchema({ type: 'integer', minimum: 1 }, { param: 'response_format' })).toEqual({ type: 'integer' });
    expect(toGbnfJsonSchema({ type: 'string', format: 'email' }, { param: 'response_format' })).toEqual({ type: 'string' });
    expect(refusal({ type: 'integer', minimum: 1 }, true).message).toContain('"minimum"');
    expect(refusal({ type: 'string', format: 'email' }, true).kind).toBe('invalid_request');
  });

  it('API-1 refuses what would change the shape of valid output, naming the parameter', () => {
    for (const schema of [
      { not: { type: 'string' } },
      { allOf: [{ type: 'string' }, { maxLength: 3 }] },
      { type: 'object', patternProperties: { '^x': { type: 'string' } } },
      { type: 'date' },
      { $ref: 'https://example.com/schema.json' },
      { $ref: '#/$defs/missing' },
      { enum: [{ a: 1 }] },
      { type: 'object', properties: { a: { type: 'string' } }, required: ['b'] },
      { type: 'object', properties: { a: false } },
    ]) {
      const failure = refusal(schema);
      expect(failure.kind).toBe('invalid_request');
      expect(failure.param).toBe('response_format');
      expect(failure.message).toMatch(/^Unsupported JSON schema: #/);
    }
  });
});
