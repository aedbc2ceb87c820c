// The subset of JSON Schema that policy config schemas use, enough to reject a config the CLI
// would reject (wrong types, enum, pattern, bounds, required, unexpected properties).
import type { PolicyConfigJSONSchema, PolicyConfigJSONSchemaDefinition } from "@pulumi/policy/schema";

function typeOf(value: unknown): string {
    if (value === null) {
        return "null";
    }
    if (Array.isArray(value)) {
        return "array";
    }
    return typeof value;
}

function matchesType(value: unknown, type: string): boolean {
    const actual = typeOf(value);
    if (type === "integer") {
        return actual === "number" && Number.isInteger(value);
    }
    return actual === type;
}

export function validateJsonSchema(schema: PolicyConfigJSONSchemaDefinition, value: unknown, path: string): string[] {
    if (typeof schema === "boolean") {
        return schema ? [] : [`${path || "(root)"}: not allowed`];
    }
    const at = path || "(root)";
    const problems: string[] = [];
    const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
    if (types.length > 0 && !types.some(t => matchesType(value, t))) {
        return [`${at}: expected ${types.join(" or ")}, got ${typeOf(value)}`];
    }
    if (schema.enum && !schema.enum.some(e => JSON.stringify(e) === JSON.stringify(value))) {
        problems.push(`${at}: must be one of ${JSON.stringify(schema.enum)}`);
    }
    if (typeof value === "string") {
        problems.push(...stringProblems(schema, value, at));
    }
    if (typeof value === "number") {
        if (schema.minimum !== undefined && value < schema.minimum) {
            problems.push(`${at}: must be >= ${schema.minimum}`);
        }
        if (schema.maximum !== undefined && value > schema.maximum) {
            problems.push(`${at}: must be <= ${schema.maximum}`);
        }
    }
    if (Array.isArray(value) && schema.items !== undefined && !Array.isArray(schema.items)) {
        const items = schema.items;
        value.forEach((item, i) => problems.push(...validateJsonSchema(items, item, `${path}[${i}]`)));
    }
    if (typeOf(value) === "object") {
        problems.push(...objectProblems(schema, value as Record<string, unknown>, path));
    }
    return problems;
}

function stringProblems(schema: PolicyConfigJSONSchema, value: string, at: string): string[] {
    const problems: string[] = [];
    if (schema.minLength !== undefined && value.length < schema.minLength) {
        problems.push(`${at}: must be at least ${schema.minLength} characters`);
    }
    if (schema.pattern !== undefined && !new RegExp(schema.pattern).test(value)) {
        problems.push(`${at}: does not match ${schema.pattern}`);
    }
    return problems;
}

function objectProblems(schema: PolicyConfigJSONSchema, value: Record<string, unknown>, path: string): string[] {
    const problems: string[] = [];
    const properties = schema.properties ?? {};
    for (const key of schema.required ?? []) {
        if (!(key in value)) {
            problems.push(`${path || "(root)"}: ${key} is required`);
        }
    }
    for (const [key, item] of Object.entries(value)) {
        const child = path ? `${path}.${key}` : key;
        if (key in properties) {
            problems.push(...validateJsonSchema(properties[key], item, child));
        } else if (schema.additionalProperties === false) {
            problems.push(`${child}: additional property not allowed`);
        }
    }
    return problems;
}
