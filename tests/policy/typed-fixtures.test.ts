// Policy fixtures are typed against the resource's own Args, so a misspelled property does not compile. The
// compiler checks an object literal's keys only where the literal meets the declared type (excess property
// check): not in the value a function without a return type returns, nor in a write to `resource.props`. This
// spec reads the fixture files (those that import ./helpers) and lists every place where that check is lost.
import * as assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const DIR = __dirname;
const HELPERS = "helpers.ts";

/** Calls whose argument at the index is a resource's inputs, typed FixtureProps<...>. */
const PROPS_ARGUMENT: Record<string, number> = { typed: 2, set: 2, setProps: 2, bucketPart: 3, encrypted: 3, awsProvider: 2, setProviderInputs: 1 };

/** Reviewed exceptions: file, enclosing function, why the check is not lost there. */
const EXCEPTIONS: { file: string; inFunction: string; why: string }[] = [
    {
        file: "fixtures.ts",
        inFunction: "bucketPart",
        why: "its props are checked at every call site as Omit<FixtureProps<A>, 'bucket'>; the cast only adds the bucket name",
    },
];

const parse = (file: string) => ts.createSourceFile(file, readFileSync(path.join(DIR, file), "utf8"), ts.ScriptTarget.ES2022, true);

/** Names bound, somewhere in these files, to a declaration with an explicit type (or a function with a return type). */
function annotatedNames(sources: ts.SourceFile[]): Set<string> {
    const names = new Set<string>();
    const visit = (node: ts.Node): void => {
        if ((ts.isFunctionDeclaration(node) || ts.isMethodSignature(node) || ts.isPropertySignature(node)) && node.name && node.type) {
            names.add(node.name.getText());
        }
        if (ts.isParameter(node) && node.type && ts.isIdentifier(node.name)) {
            names.add(node.name.text);
        }
        if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
            const init = node.initializer;
            const typedFunction = init !== undefined && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) && init.type !== undefined;
            if (node.type || typedFunction) {
                names.add(node.name.text);
            }
        }
        ts.forEachChild(node, visit);
    };
    sources.forEach(visit);
    return names;
}

/** Whether an inputs expression keeps the compiler's excess property check. */
function checked(expr: ts.Expression, annotated: Set<string>): boolean {
    if (ts.isParenthesizedExpression(expr)) {
        return checked(expr.expression, annotated);
    }
    if (ts.isObjectLiteralExpression(expr)) {
        return expr.properties.every(p => !ts.isSpreadAssignment(p) || checked(p.expression, annotated));
    }
    if (ts.isCallExpression(expr)) {
        return ts.isIdentifier(expr.expression) && annotated.has(expr.expression.text);
    }
    if (ts.isIdentifier(expr)) {
        return annotated.has(expr.text);
    }
    // `c.props` of a typed parameter `c`; the member itself must be declared with a type.
    if (ts.isPropertyAccessExpression(expr)) {
        return annotated.has(expr.name.text) && checked(expr.expression, annotated);
    }
    return false;
}

function enclosingFunction(node: ts.Node): string | undefined {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
        if (ts.isFunctionDeclaration(n) && n.name) {
            return n.name.text;
        }
        if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name)) {
            return n.name.text;
        }
    }
    return undefined;
}

/** `x.props`, `x.props.y`, `x.props[k]`: an expression reaching into a resource's inputs. */
function reachesProps(expr: ts.Expression): boolean {
    if (ts.isPropertyAccessExpression(expr)) {
        return expr.name.text === "props" || reachesProps(expr.expression);
    }
    if (ts.isElementAccessExpression(expr) || ts.isParenthesizedExpression(expr) || ts.isAsExpression(expr)) {
        return reachesProps(expr.expression);
    }
    return false;
}

/** Every place in one fixture file where inputs bypass the Args check. */
function lostChecks(source: ts.SourceFile, annotated: Set<string>): string[] {
    const found: string[] = [];
    const file = path.basename(source.fileName);
    const where = (node: ts.Node) => `${file}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
    const excepted = (node: ts.Node) => EXCEPTIONS.some(e => e.file === file && e.inFunction === enclosingFunction(node));
    const visit = (node: ts.Node): void => {
        if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text in PROPS_ARGUMENT) {
            const arg = node.arguments[PROPS_ARGUMENT[node.expression.text]] as ts.Expression | undefined;
            if (arg && !checked(arg, annotated) && !excepted(node)) {
                found.push(
                    `${where(arg)} ${node.expression.text}(): inputs \`${arg.getText().replace(/\s+/g, " ").slice(0, 60)}\` are not checked against the Args`,
                );
            }
        }
        const write =
            (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
                ? node.left
                : undefined) ??
            (ts.isDeleteExpression(node) ? node.expression : undefined) ??
            (ts.isCallExpression(node) && node.expression.getText() === "Object.assign" ? node.arguments[0] : undefined);
        if (write && reachesProps(write)) {
            found.push(`${where(node)} writes \`${write.getText().replace(/\s+/g, " ").slice(0, 60)}\` directly (use set(), setProps() or unset())`);
        }
        ts.forEachChild(node, visit);
    };
    visit(source);
    return found;
}

describe("typed policy fixtures", () => {
    const files = readdirSync(DIR).filter(f => f.endsWith(".ts") && f !== HELPERS);
    const sources = files.map(parse);
    const fixtureFiles = sources.filter(s => /from "\.\/helpers"/.test(s.text));
    const shared = [parse(HELPERS), parse("fixtures.ts")];

    it("finds the fixture files", () => {
        assert.ok(fixtureFiles.length >= 20, `only ${fixtureFiles.length} files import ./helpers`);
    });

    it("checks every fixture's inputs against the resource's Args (no untyped factories, no writes into props)", () => {
        const lost = fixtureFiles.flatMap(s => lostChecks(s, annotatedNames([s, ...shared])));
        assert.deepEqual(lost, []);
    });

    it("reports an untyped factory, a spread of one, and a write into props", () => {
        const sample = ts.createSourceFile(
            "sample.test.ts",
            [
                'import { find, set, typed } from "./helpers";',
                'const topic = () => ({ name: "lw", kmsMasterKeyID: "k" });',
                "const queue = (): FixtureProps<aws.sqs.QueueArgs> => ({ name: 'q' });",
                'typed(aws.sns.Topic, "a", topic());',
                'typed(aws.sns.Topic, "b", { ...topic(), displayName: "x" });',
                'typed(aws.sqs.Queue, "c", { ...queue(), delaySeconds: 1 });',
                'set("c", aws.sqs.Queue, { name: "q2" });',
                'const mutate = r => { find(r, "a").props.kmsMasterKeyID = "k"; delete find(r, "c").props.nam; };',
            ].join("\n"),
            ts.ScriptTarget.ES2022,
            true,
        );
        const lost = lostChecks(sample, annotatedNames([sample]));
        assert.deepEqual(
            lost.map(l => l.split(" ")[0]),
            ["sample.test.ts:4", "sample.test.ts:5", "sample.test.ts:8", "sample.test.ts:8"],
        );
    });
});
