import { EngineFailure, type JsonSchema } from '@charter/engine-spec';
import type { GbnfJsonSchema } from 'node-llama-cpp';

/** How {@link toGbnfJsonSchema} reports and treats what it cannot turn into a grammar. */
export interface ToGbnfJsonSchemaOptions {
  /** The request parameter named in the error when the schema is refused (`response_format`, `tools`). */
  param: string;
  /** When true, keywords a grammar cannot enforce (`pattern`, `minimum`, …) are refused instead of dropped. */
  isStrict?: boolean;
}

type SchemaNode = { [key: string]: unknown };

// Words that narrow values in ways node-llama-cpp's grammar generator cannot express. Output stays valid
// JSON of the right shape, so they are dropped unless the caller asked for strict adherence.
const unenforceableKeywords = new Set([
  'pattern', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'multipleOf', 'uniqueItems', 'contentEncoding',
  'contentMediaType', 'contentSchema', 'propertyNames', 'contains', 'minContains', 'maxContains', 'unevaluatedItems',
]);
// Words that change which shapes are valid; ignoring them would produce output the schema rejects.
const unsupportedKeywords = new Set([
  'not', 'if', 'then', 'else', 'dependentRequired', 'dependentSchemas', 'dependencies', 'patternProperties', '$dynamicRef',
  '$recursiveRef',
]);
const basicTypes = new Set(['string', 'number', 'integer', 'boolean', 'null']);
const supportedStringFormats = new Set(['date-time', 'time', 'date']);
const maxDepth = 32;

/**
 * Validate a client's JSON Schema and convert it to the subset node-llama-cpp turns into a grammar.
 * node-llama-cpp silently turns schemas it does not understand into a grammar for `null`, so anything
 * outside the subset is refused here with an `invalid_request` {@link EngineFailure} naming `param`.
 * Unknown keywords are ignored, as JSON Schema itself prescribes.
 * `anyOf` becomes `oneOf` (generating one branch satisfies both), `definitions` becomes `$defs`, and an
 * object without `additionalProperties` gets no extra properties when it declares any.
 */
export function toGbnfJsonSchema(schema: JsonSchema, options: ToGbnfJsonSchemaOptions): GbnfJsonSchema {
  const converter = new SchemaConverter(options, collectDefinitions(schema, options));
  const root = converter.convert(schema, '#', 0);
  const definitions = converter.convertDefinitions();
  // node-llama-cpp resolves "#/$defs/…" against the $defs of the enclosing object, array, oneOf or $ref node.
  const result: SchemaNode = Object.keys(definitions).length > 0 ? { ...root, $defs: definitions } : root;
  // The converter only builds nodes of the shapes GbnfJsonSchema describes; TypeScript cannot follow that.
  return result as unknown as GbnfJsonSchema;
}

function collectDefinitions(schema: JsonSchema, options: ToGbnfJsonSchemaOptions): Map<string, SchemaNode> {
  const definitions = new Map<string, SchemaNode>();
  for (const key of ['$defs', 'definitions']) {
    const group = schema[key];
    if (group === undefined) continue;
    if (!isSchemaNode(group)) throw refuse(options, `#/${key}`, 'must be an object of schemas');
    for (const [name, definition] of Object.entries(group)) {
      if (!isSchemaNode(definition) && typeof definition !== 'boolean') throw refuse(options, `#/${key}/${name}`, 'must be a schema');
      definitions.set(name, isSchemaNode(definition) ? definition : booleanSchema(definition, options, `#/${key}/${name}`));
    }
  }
  return definitions;
}

class SchemaConverter {
  readonly #options: ToGbnfJsonSchemaOptions;
  readonly #definitions: Map<string, SchemaNode>;

  constructor(options: ToGbnfJsonSchemaOptions, definitions: Map<string, SchemaNode>) {
    this.#options = options;
    this.#definitions = definitions;
  }

  convertDefinitions(): SchemaNode {
    const converted: SchemaNode = {};
    for (const [name, definition] of this.#definitions) converted[name] = this.convert(definition, `#/$defs/${name}`, 1);
    return converted;
  }

  convert(value: unknown, pointer: string, depth: number): SchemaNode {
    if (depth > maxDepth) throw refuse(this.#options, pointer, `is nested deeper than ${maxDepth} levels`);
    if (typeof value === 'boolean') return this.convert(booleanSchema(value, this.#options, pointer), pointer, depth);
    if (!isSchemaNode(value)) throw refuse(this.#options, pointer, 'is not a schema object');
    this.#checkKeywords(value, pointer);
    const converted = this.#convertShape(value, pointer, depth);
    const description = typeof value.description === 'string' ? { description: value.description } : {};
    const withDescription = { ...converted, ...description };
    return value.nullable === true ? { oneOf: [withDescription, { type: 'null' }] } : withDescription;
  }

  #checkKeywords(node: SchemaNode, pointer: string): void {
    for (const key of Object.keys(node)) {
      if (unsupportedKeywords.has(key)) throw refuse(this.#options, pointer, `uses "${key}", which constrained generation cannot honour`);
      if (unenforceableKeywords.has(key) && this.#options.isStrict === true) {
        throw refuse(this.#options, pointer, `uses "${key}", which constrained generation cannot enforce in strict mode`);
      }
    }
    if (node.unevaluatedProperties !== undefined && node.unevaluatedProperties !== false && this.#options.isStrict === true) {
      throw refuse(this.#options, pointer, 'uses "unevaluatedProperties", which constrained generation cannot enforce in strict mode');
    }
  }

  #convertShape(node: SchemaNode, pointer: string, depth: number): SchemaNode {
    if (node.$ref !== undefined) return this.#convertReference(node.$ref, pointer);
    if (node.const !== undefined) {
      if (!isPrimitive(node.const)) throw refuse(this.#options, `${pointer}/const`, 'must be a string, number, boolean or null');
      return { const: node.const };
    }
    if (node.enum !== undefined) {
      if (!Array.isArray(node.enum) || node.enum.length === 0 || !node.enum.every(isPrimitive)) {
        throw refuse(this.#options, `${pointer}/enum`, 'must be a non-empty list of strings, numbers, booleans or nulls');
      }
      return { enum: [...node.enum] };
    }
    if (node.allOf !== undefined) {
      if (!Array.isArray(node.allOf) || node.allOf.length !== 1) throw refuse(this.#options, `${pointer}/allOf`, 'is supported only with a single schema');
      return this.convert(node.allOf[0], `${pointer}/allOf/0`, depth + 1);
    }
    for (const key of ['oneOf', 'anyOf']) {
      const options = node[key];
      if (options === undefined) continue;
      if (!Array.isArray(options) || options.length === 0) throw refuse(this.#options, `${pointer}/${key}`, 'must be a non-empty list of schemas');
      return { oneOf: options.map((option, index) => this.convert(option, `${pointer}/${key}/${index}`, depth + 1)) };
    }
    const types = this.#declaredTypes(node, pointer);
    if (types.length === 1) return this.#convertTyped(node, types[0]!, pointer, depth);
    if (types.every((type) => basicTypes.has(type)) && !hasStringConstraints(node)) return { type: types };
    return { oneOf: types.map((type) => this.#convertTyped(node, type, pointer, depth)) };
  }

  #declaredTypes(node: SchemaNode, pointer: string): string[] {
    const declared = node.type;
    if (declared === undefined) {
      if (node.properties !== undefined || node.additionalProperties !== undefined || node.required !== undefined) return ['object'];
      if (node.items !== undefined || node.prefixItems !== undefined) return ['array'];
      return ['string', 'number', 'boolean', 'null', 'object', 'array'];
    }
    const types = Array.isArray(declared) ? declared : [declared];
    if (types.length === 0) throw refuse(this.#options, `${pointer}/type`, 'must name at least one type');
    for (const type of types) {
      if (typeof type !== 'string' || !(basicTypes.has(type) || type === 'object' || type === 'array')) {
        throw refuse(this.#options, `${pointer}/type`, `names an unknown type ${JSON.stringify(type)}`);
      }
    }
    return [...new Set(types as string[])];
  }

  #convertTyped(node: SchemaNode, type: string, pointer: string, depth: number): SchemaNode {
    if (type === 'object') return this.#convertObject(node, pointer, depth);
    if (type === 'array') return this.#convertArray(node, pointer, depth);
    if (type !== 'string') return { type };
    const converted: SchemaNode = { type: 'string' };
    if (typeof node.format === 'string') {
      if (supportedStringFormats.has(node.format)) return { type: 'string', format: node.format };
      if (this.#options.isStrict === true) throw refuse(this.#options, `${pointer}/format`, `"${node.format}" cannot be enforced in strict mode`);
    }
    copyCount(node, converted, 'minLength', this.#options, pointer);
    copyCount(node, converted, 'maxLength', this.#options, pointer);
    return converted;
  }

  #convertObject(node: SchemaNode, pointer: string, depth: number): SchemaNode {
    const converted: SchemaNode = { type: 'object' };
    const properties: SchemaNode = {};
    if (node.properties !== undefined) {
      if (!isSchemaNode(node.properties)) throw refuse(this.#options, `${pointer}/properties`, 'must be an object of schemas');
      for (const [name, property] of Object.entries(node.properties)) {
        properties[name] = this.convert(property, `${pointer}/properties/${escapePointer(name)}`, depth + 1);
      }
      converted.properties = properties;
    }
    if (node.required !== undefined) {
      if (!Array.isArray(node.required) || !node.required.every((name) => typeof name === 'string')) {
        throw refuse(this.#options, `${pointer}/required`, 'must be a list of property names');
      }
      const missing = node.required.filter((name) => !(name in properties));
      if (missing.length > 0) throw refuse(this.#options, `${pointer}/required`, `names undeclared properties: ${missing.join(', ')}`);
      converted.required = [...new Set(node.required)];
    }
    const additional = node.additionalProperties;
    if (additional === undefined) converted.additionalProperties = Object.keys(properties).length === 0;
    else if (typeof additional === 'boolean') converted.additionalProperties = additional;
    else converted.additionalProperties = this.convert(additional, `${pointer}/additionalProperties`, depth + 1);
    copyCount(node, converted, 'minProperties', this.#options, pointer);
    copyCount(node, converted, 'maxProperties', this.#options, pointer);
    return converted;
  }

  #convertArray(node: SchemaNode, pointer: string, depth: number): SchemaNode {
    const converted: SchemaNode = { type: 'array' };
    if (node.prefixItems !== undefined) {
      if (!Array.isArray(node.prefixItems)) throw refuse(this.#options, `${pointer}/prefixItems`, 'must be a list of schemas');
      converted.prefixItems = node.prefixItems.map((item, index) => this.convert(item, `${pointer}/prefixItems/${index}`, depth + 1));
    }
    if (node.items !== undefined) {
      if (Array.isArray(node.items)) throw refuse(this.#options, `${pointer}/items`, 'as a list is not supported; use prefixItems');
      if (node.items === false) converted.maxItems = Array.isArray(node.prefixItems) ? node.prefixItems.length : 0;
      else converted.items = this.convert(node.items, `${pointer}/items`, depth + 1);
    }
    copyCount(node, converted, 'minItems', this.#options, pointer);
    if (converted.maxItems === undefined) copyCount(node, converted, 'maxItems', this.#options, pointer);
    return converted;
  }

  #convertReference(reference: unknown, pointer: string): SchemaNode {
    const match = typeof reference === 'string' ? /^#\/(?:\$defs|definitions)\/([^/]+)$/.exec(reference) : null;
    if (!match) throw refuse(this.#options, `${pointer}/$ref`, 'may only point to "#/$defs/<name>" or "#/definitions/<name>"');
    const name = match[1]!;
    if (!this.#definitions.has(name)) throw refuse(this.#options, `${pointer}/$ref`, `points to an undefined schema "${name}"`);
    return { $ref: `#/$defs/${name}` };
  }
}

function booleanSchema(value: boolean, options: ToGbnfJsonSchemaOptions, pointer: string): SchemaNode {
  if (!value) throw refuse(options, pointer, 'is `false`, which no value satisfies');
  return {};
}

function copyCount(from: SchemaNode, to: SchemaNode, key: string, options: ToGbnfJsonSchemaOptions, pointer: string): void {
  const value = from[key];
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw refuse(options, `${pointer}/${key}`, 'must be a non-negative integer');
  to[key] = value;
}

function hasStringConstraints(node: SchemaNode): boolean {
  return node.minLength !== undefined || node.maxLength !== undefined || node.format !== undefined;
}

function isSchemaNode(value: unknown): value is SchemaNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPrimitive(value: unknown): value is string | number | boolean | null {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function escapePointer(name: string): string {
  return name.replaceAll('~', '~0').replaceAll('/', '~1');
}

function refuse(options: ToGbnfJsonSchemaOptions, pointer: string, reason: string): EngineFailure {
  return new EngineFailure('invalid_request', `Unsupported JSON schema: ${pointer} ${reason}.`, { param: options.param });
}
