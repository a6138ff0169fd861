import fc from "fast-check";
import { z } from "zod";

/** The part of JSON Schema that zod's request schemas turn into. */
interface JsonSchema {
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
}

/** Values a careless or hostile client sends where something else is expected. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "名字\u0000",
    "\ud800",
    '\'; DROP TABLE "Case"; --',
    "<script>alert(1)</script>",
    "../../../etc/passwd",
    "%00",
    "__proto__",
    "constructor",
    "null",
    "NaN",
    "-1",
    "1e309",
    "9".repeat(40),
    "2026-02-30",
    "0000-00-00T00:00:00Z",
    "\u202e\u0645",
    "𠀀𠀁𠀂",
    "x".repeat(5000),
  ),
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1.5,
    -0,
    2 ** 53,
    -(2 ** 63),
    1e308,
    [],
    {},
    [null],
    JSON.parse('{"__proto__":{"x":1}}'),
  ),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);

export interface SchemaArbitraryOptions {
  /** Values real requests carry, by property name: they get past checks a random string never passes. */
  samples?: Record<string, readonly unknown[]>;
  /** How often a part of the value is replaced by a hostile one (0: values of the right shape only). */
  wrongness?: number;
}

/**
 * Values for a request schema: of the schema's shape (so that many pass
 * validation and reach the service), of its shape with wrong parts, and
 * anything at all.
 */
export function requestValues(schema: z.ZodType, samples: SchemaArbitraryOptions["samples"] = {}): fc.Arbitrary<unknown> {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema;
  const defs = json.$defs ?? {};
  return fc.oneof(
    { weight: 4, arbitrary: build(json, defs, { samples, wrongness: 0 }, 0, "") },
    { weight: 4, arbitrary: build(json, defs, { samples, wrongness: 0.1 }, 0, "") },
    { weight: 1, arbitrary: hostileValue },
  );
}

function build(
  node: JsonSchema,
  defs: Record<string, JsonSchema>,
  options: Required<SchemaArbitraryOptions>,
  depth: number,
  name: string,
): fc.Arbitrary<unknown> {
  const shaped = shapedBy(node, defs, options, depth, name);
  const known = options.samples[name];
  const right = known?.length ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: shaped }) : shaped;
  if (options.wrongness === 0) return right;
  const wrong = Math.round(options.wrongness * 100);
  return fc.oneof({ weight: 100 - wrong, arbitrary: right }, { weight: wrong, arbitrary: hostileValue });
}

function shapedBy(
  node: JsonSchema,
  defs: Record<string, JsonSchema>,
  options: Required<SchemaArbitraryOptions>,
  depth: number,
  name: string,
): fc.Arbitrary<unknown> {
  const next = (child: JsonSchema, childName = name) => build(child, defs, options, depth + 1, childName);
  if (depth > 8) return fc.constant(null);
  if (node.$ref) return shapedBy(defs[node.$ref.replace("#/$defs/", "")] ?? {}, defs, options, depth + 1, name);
  const alternatives = node.anyOf ?? node.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((alternative) => next(alternative)));
  if (node.allOf?.length)
    return fc
      .tuple(...node.allOf.map((part) => next(part)))
      .map((parts) => (parts.every(isPlainObject) ? Object.assign({}, ...parts) : parts[0]));
  if (node.const !== undefined) return fc.constant(node.const);
  if (node.enum?.length) return fc.constantFrom(...node.enum);
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => shapedBy({ ...node, type }, defs, options, depth, name)));
  switch (types[0]) {
    case "string":
      return stringFor(node, options.wrongness > 0);
    case "integer":
      return fc.integer({ min: lower(node), max: upper(node) });
    case "number":
      return fc.double({ min: node.minimum ?? -1e6, max: node.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array":
      if (node.prefixItems) return fc.tuple(...node.prefixItems.map((item) => next(item)));
      return fc.array(next(node.items ?? {}), {
        minLength: node.minItems ?? 0,
        maxLength: Math.max(node.minItems ?? 0, Math.min(node.maxItems ?? 4, 4)),
      });
    case "object": {
      const properties = node.properties ?? {};
      if (Object.keys(properties).length === 0) {
        const values = typeof node.additionalProperties === "object" ? next(node.additionalProperties) : fc.jsonValue({ maxDepth: 2 });
        return fc.dictionary(fc.string({ maxLength: 12 }), values, { maxKeys: 4 });
      }
      const model = Object.fromEntries(Object.entries(properties).map(([key, child]) => [key, next(child, key)]));
      const required = (node.required ?? []).filter((key) => key in model);
      // Every optional field is one more chance to miss a rule: often send only what is required.
      const bare = fc.record(Object.fromEntries(required.map((key) => [key, model[key]!])));
      return fc.oneof(bare, fc.record(model, { requiredKeys: required }));
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function stringFor(node: JsonSchema, taint: boolean): fc.Arbitrary<string> {
  switch (node.format) {
    case "uuid":
      return fc.uuid();
    case "date-time":
      return fc
        .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true })
        .map((date) => date.toISOString());
    case "date":
      return fc
        .date({ min: new Date("2020-01-01T00:00:00Z"), max: new Date("2030-12-31T00:00:00Z"), noInvalidDate: true })
        .map((date) => date.toISOString().slice(0, 10));
    case "email":
      return fc.emailAddress();
  }
  const text = fc.string({
    unit: "grapheme",
    minLength: node.minLength ?? 0,
    maxLength: Math.max(node.minLength ?? 0, Math.min(node.maxLength ?? 40, 80)),
  });
  // Text of the right length with one character no database stores (NUL) or that is no text at all (half a surrogate pair).
  const tainted = fc.tuple(text, fc.constantFrom("\u0000", "\ud800", "\udfff"), fc.nat()).map(([s, bad, at]) => {
    const chars = [...s];
    if (chars.length === 0) return bad;
    chars[at % chars.length] = bad;
    return chars.join("");
  });
  const free = taint ? fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: tainted }) : text;
  if (!node.pattern) return free;
  try {
    return fc.oneof(fc.stringMatching(new RegExp(node.pattern)), free);
  } catch {
    // A pattern fast-check cannot generate from: free text still exercises the check.
    return free;
  }
}

/** fast-check's integers are 32-bit; the hostile values bring the larger ones. */
const int32 = 2 ** 31 - 1;

function lower(node: JsonSchema): number {
  const min = node.minimum ?? (node.exclusiveMinimum !== undefined ? Math.floor(node.exclusiveMinimum) + 1 : -1000);
  return Math.max(-int32, Math.ceil(min));
}

function upper(node: JsonSchema): number {
  const max = node.maximum ?? (node.exclusiveMaximum !== undefined ? Math.ceil(node.exclusiveMaximum) - 1 : 1_000_000);
  return Math.min(int32, Math.floor(max));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
