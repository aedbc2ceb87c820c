/**
 * An in-memory DynamoDB table for UpdateItem/GetItem as the Step Functions integration sends
 * them: it parses and evaluates the UpdateExpression and ConditionExpression the builders
 * produce (SET with if_not_exists and +, attribute_exists/not_exists, =, <>, IN, AND, OR, NOT,
 * parentheses) and rejects what DynamoDB rejects (unused or missing placeholders, key updates,
 * reserved words used bare).
 */

export type AttributeValue =
    | { S: string }
    | { N: string }
    | { BOOL: boolean }
    | { NULL: true }
    | { L: AttributeValue[] }
    | { M: Record<string, AttributeValue> };
export type Item = Record<string, AttributeValue>;

export class DynamoDbError extends Error {
    constructor(name: "ConditionalCheckFailedException" | "ValidationException", message: string) {
        super(message);
        this.name = name;
    }
}

const RESERVED = new Set(["state", "size", "key", "bucket", "region", "name", "status", "type", "count", "timestamp", "value"]);

type Token = { kind: "name" | "value" | "word" | "punct"; text: string };

function tokenize(expression: string): Token[] {
    const tokens: Token[] = [];
    const pattern = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(<>|<=|>=|[()=,+<>-]))/y;
    let index = 0;
    while (index < expression.length) {
        if (/^\s*$/.test(expression.slice(index))) break;
        pattern.lastIndex = index;
        const match = pattern.exec(expression);
        if (!match) throw new DynamoDbError("ValidationException", `cannot parse "${expression.slice(index)}"`);
        const [, name, value, word, punct] = match;
        tokens.push(
            name ? { kind: "name", text: name } : value ? { kind: "value", text: value } : word ? { kind: "word", text: word } : { kind: "punct", text: punct },
        );
        index = pattern.lastIndex;
    }
    return tokens;
}

interface Context {
    names: Record<string, string>;
    values: Record<string, AttributeValue>;
    usedNames: Set<string>;
    usedValues: Set<string>;
}

class Parser {
    private position = 0;
    constructor(
        private readonly tokens: Token[],
        private readonly context: Context,
    ) {}

    private peek(): Token | undefined {
        return this.tokens[this.position];
    }
    private next(): Token {
        const token = this.tokens[this.position++];
        if (!token) throw new DynamoDbError("ValidationException", "unexpected end of expression");
        return token;
    }
    private expect(text: string): void {
        const token = this.next();
        if (token.text.toUpperCase() !== text) throw new DynamoDbError("ValidationException", `expected ${text}, got ${token.text}`);
    }
    private atWord(word: string): boolean {
        const token = this.peek();
        return token?.kind === "word" && token.text.toUpperCase() === word;
    }
    done(): boolean {
        return this.position >= this.tokens.length;
    }

    path(): string {
        const token = this.next();
        if (token.kind === "name") {
            const resolved = this.context.names[token.text];
            if (resolved === undefined) throw new DynamoDbError("ValidationException", `name ${token.text} not defined`);
            this.context.usedNames.add(token.text);
            return resolved;
        }
        if (token.kind === "word") {
            if (RESERVED.has(token.text.toLowerCase())) {
                throw new DynamoDbError("ValidationException", `reserved keyword ${token.text} used as an attribute name`);
            }
            return token.text;
        }
        throw new DynamoDbError("ValidationException", `expected an attribute, got ${token.text}`);
    }

    /** operand: value placeholder, path, or if_not_exists(path, operand); optionally + operand. */
    operand(item: Item): AttributeValue | undefined {
        let result = this.single(item);
        while (this.peek()?.text === "+" || this.peek()?.text === "-") {
            const sign = this.next().text === "+" ? 1 : -1;
            const right = this.single(item);
            if (!result || !right || !("N" in result) || !("N" in right)) {
                throw new DynamoDbError("ValidationException", "arithmetic needs two numbers");
            }
            result = { N: String(Number(result.N) + sign * Number(right.N)) };
        }
        return result;
    }

    private single(item: Item): AttributeValue | undefined {
        const token = this.peek();
        if (token?.kind === "value") {
            this.next();
            const value = this.context.values[token.text];
            if (value === undefined) throw new DynamoDbError("ValidationException", `value ${token.text} not defined`);
            this.context.usedValues.add(token.text);
            return value;
        }
        if (token?.kind === "word" && token.text === "if_not_exists") {
            this.next();
            this.expect("(");
            const current = item[this.path()];
            this.expect(",");
            const fallback = this.operand(item);
            this.expect(")");
            return current ?? fallback;
        }
        return item[this.path()];
    }

    condition(item: Item): boolean {
        let result = this.conjunction(item);
        while (this.atWord("OR")) {
            this.next();
            const right = this.conjunction(item);
            result = result || right;
        }
        return result;
    }

    private conjunction(item: Item): boolean {
        let result = this.negation(item);
        while (this.atWord("AND")) {
            this.next();
            const right = this.negation(item);
            result = result && right;
        }
        return result;
    }

    private negation(item: Item): boolean {
        if (this.atWord("NOT")) {
            this.next();
            return !this.negation(item);
        }
        return this.primary(item);
    }

    private primary(item: Item): boolean {
        const token = this.peek();
        if (token?.text === "(") {
            this.next();
            const result = this.condition(item);
            this.expect(")");
            return result;
        }
        if (token?.kind === "word" && (token.text === "attribute_exists" || token.text === "attribute_not_exists")) {
            this.next();
            this.expect("(");
            const present = item[this.path()] !== undefined;
            this.expect(")");
            return token.text === "attribute_exists" ? present : !present;
        }
        const left = this.operand(item);
        if (this.atWord("IN")) {
            this.next();
            this.expect("(");
            const candidates = [this.operand(item)];
            while (this.peek()?.text === ",") {
                this.next();
                candidates.push(this.operand(item));
            }
            this.expect(")");
            return candidates.some((candidate) => equal(left, candidate));
        }
        const operator = this.next().text;
        const right = this.operand(item);
        if (operator === "=") return equal(left, right);
        if (operator === "<>") return left !== undefined && right !== undefined && !equal(left, right);
        throw new DynamoDbError("ValidationException", `operator ${operator} is not supported by the fake`);
    }

    assignments(item: Item): [string, AttributeValue | undefined][] {
        this.expect("SET");
        const result: [string, AttributeValue | undefined][] = [];
        do {
            if (result.length > 0) this.expect(",");
            const target = this.path();
            this.expect("=");
            result.push([target, this.operand(item)]);
        } while (this.peek()?.text === ",");
        return result;
    }
}

function equal(a: AttributeValue | undefined, b: AttributeValue | undefined): boolean {
    if (a === undefined || b === undefined) return false;
    if ("N" in a && "N" in b) return Number(a.N) === Number(b.N);
    return JSON.stringify(a) === JSON.stringify(b);
}

export interface UpdateItemInput {
    TableName: string;
    Key: Record<string, AttributeValue>;
    UpdateExpression: string;
    ConditionExpression?: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
    ReturnValues?: "NONE" | "ALL_NEW";
}

export class FakeDynamoDb {
    private readonly items = new Map<string, Item>();
    /** Every accepted write, in order: tests read the state history of a record from it. */
    readonly writes: { key: string; item: Item }[] = [];

    constructor(
        readonly tableName: string,
        private readonly keyAttributes: readonly string[],
    ) {}

    private keyOf(key: Record<string, AttributeValue>): string {
        const names = Object.keys(key).sort();
        if (names.join() !== [...this.keyAttributes].sort().join()) {
            throw new DynamoDbError("ValidationException", `key must be exactly ${this.keyAttributes.join(", ")}`);
        }
        return this.keyAttributes.map((name) => JSON.stringify(key[name])).join("|");
    }

    get(key: Record<string, AttributeValue>): Item | undefined {
        const item = this.items.get(this.keyOf(key));
        return item && structuredClone(item);
    }

    all(): Item[] {
        return [...this.items.values()].map((item) => structuredClone(item));
    }

    updateItem(input: UpdateItemInput): { Attributes?: Item } {
        if (input.TableName !== this.tableName) {
            throw new DynamoDbError("ValidationException", `no table ${input.TableName}`);
        }
        const storeKey = this.keyOf(input.Key);
        const old: Item = this.items.get(storeKey) ?? {};
        const context: Context = {
            names: input.ExpressionAttributeNames ?? {},
            values: input.ExpressionAttributeValues ?? {},
            usedNames: new Set(),
            usedValues: new Set(),
        };
        // Both expressions see the item as it was before this write.
        const update = new Parser(tokenize(input.UpdateExpression), context);
        const assignments = update.assignments(old);
        if (!update.done()) throw new DynamoDbError("ValidationException", "trailing tokens in UpdateExpression");
        let conditionHolds = true;
        if (input.ConditionExpression) {
            const condition = new Parser(tokenize(input.ConditionExpression), context);
            conditionHolds = condition.condition(old);
            if (!condition.done()) throw new DynamoDbError("ValidationException", "trailing tokens in ConditionExpression");
        }
        const unusedNames = Object.keys(context.names).filter((n) => !context.usedNames.has(n));
        const unusedValues = Object.keys(context.values).filter((v) => !context.usedValues.has(v));
        if (unusedNames.length > 0 || unusedValues.length > 0) {
            throw new DynamoDbError("ValidationException", `unused placeholders: ${[...unusedNames, ...unusedValues].join(", ")}`);
        }
        for (const [target, value] of assignments) {
            if (this.keyAttributes.includes(target)) throw new DynamoDbError("ValidationException", `cannot update key attribute ${target}`);
            if (value === undefined) throw new DynamoDbError("ValidationException", `no value for ${target}`);
            if ("S" in value && typeof value.S !== "string") throw new DynamoDbError("ValidationException", `${target}: S must be a string`);
            if ("N" in value && !/^-?\d+(\.\d+)?$/.test(value.N)) throw new DynamoDbError("ValidationException", `${target}: bad number ${value.N}`);
        }
        if (!conditionHolds) {
            throw new DynamoDbError("ConditionalCheckFailedException", "The conditional request failed");
        }
        const updated: Item = { ...structuredClone(old), ...structuredClone(input.Key) };
        for (const [target, value] of assignments) updated[target] = structuredClone(value as AttributeValue);
        this.items.set(storeKey, updated);
        this.writes.push({ key: storeKey, item: structuredClone(updated) });
        return input.ReturnValues === "ALL_NEW" ? { Attributes: structuredClone(updated) } : {};
    }
}
