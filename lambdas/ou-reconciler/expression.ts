/** Row filter expressions `<column> IN ('111111111111',...)`: the only text the reconciler puts in a filter. */

// Lake Formation requires the expression to be shorter than 2,048 characters.
export const MAX_EXPRESSION_LENGTH = 2047;

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const ACCOUNT_LITERAL = /^'\d{12}'$/;
// PartiQL words that would change the meaning of an unquoted column reference.
const KEYWORDS = new Set([
    "all",
    "and",
    "any",
    "as",
    "at",
    "between",
    "by",
    "case",
    "cast",
    "date",
    "distinct",
    "else",
    "end",
    "exists",
    "false",
    "from",
    "group",
    "having",
    "in",
    "is",
    "like",
    "limit",
    "missing",
    "not",
    "null",
    "or",
    "order",
    "select",
    "some",
    "then",
    "time",
    "timestamp",
    "true",
    "union",
    "value",
    "values",
    "when",
    "where",
]);

/** A top-level or nested (dotted) column reference that can stand unquoted in an expression. */
export function isValidColumn(column: string): boolean {
    if (column.length === 0 || column.length > 255) return false;
    return column.split(".").every(segment => SEGMENT.test(segment) && !KEYWORDS.has(segment.toLowerCase()));
}

function assertColumn(column: string): void {
    if (!isValidColumn(column)) throw new Error(`invalid account column ${JSON.stringify(column)}`);
}

const PREFIX_TAIL = " IN (";

/** How many account ids fit in one expression on this column. */
export function chunkCapacity(column: string): number {
    assertColumn(column);
    // column + " IN (" + n * "'<12 digits>'" + (n - 1) * "," + ")"
    return Math.floor((MAX_EXPRESSION_LENGTH - column.length - PREFIX_TAIL.length) / 15);
}

export function renderExpression(column: string, accountIds: readonly string[]): string {
    assertColumn(column);
    if (accountIds.length === 0) throw new Error("an expression needs at least one account id");
    const literals = accountIds.map(id => {
        const literal = `'${id}'`;
        if (!ACCOUNT_LITERAL.test(literal)) throw new Error(`not a 12-digit account id: ${JSON.stringify(id)}`);
        return literal;
    });
    const expression = `${column}${PREFIX_TAIL}${literals.join(",")})`;
    if (expression.length > MAX_EXPRESSION_LENGTH) {
        throw new Error(`expression of ${expression.length} characters exceeds ${MAX_EXPRESSION_LENGTH}`);
    }
    return expression;
}

/** The account ids of an expression in the canonical form on this column, or undefined for anything else. */
export function parseExpression(column: string, expression: string): string[] | undefined {
    const head = `${column}${PREFIX_TAIL}`;
    if (!expression.startsWith(head) || !expression.endsWith(")")) return undefined;
    const literals = expression.slice(head.length, -1).split(",");
    if (!literals.every(literal => ACCOUNT_LITERAL.test(literal))) return undefined;
    return literals.map(literal => literal.slice(1, -1));
}
