import * as assert from "node:assert/strict";
import { parseEnvironment } from "../../config/environment";
import { ConfigError } from "../../config/errors";
import { readStackConfig } from "../../tools/offline/stack-config";

export type Raw = Record<string, unknown>;

export function rawOf(stack: string): Raw {
    return Object.fromEntries(
        Object.entries(readStackConfig(stack))
            .filter(([k]) => k.startsWith("lakewarden:"))
            .map(([k, v]) => [k.slice("lakewarden:".length), v.startsWith("{") || v.startsWith("[") ? JSON.parse(v) : v]),
    );
}

export function problemsOf(raw: Raw): { key: string; message: string }[] {
    try {
        parseEnvironment("dev", raw);
    } catch (error) {
        assert.ok(error instanceof ConfigError, `expected ConfigError, got ${error}`);
        return error.problems;
    }
    assert.fail("expected the configuration to be rejected");
}

export function expectProblem(raw: Raw, key: string, message: RegExp): void {
    const problems = problemsOf(raw);
    assert.ok(
        problems.some(p => p.key === key && message.test(p.message)),
        `expected ${key}: ${message}, got:\n${problems.map(p => `${p.key}: ${p.message}`).join("\n")}`,
    );
}

export function mutate(stack: string, change: (raw: Raw & { accounts: Raw[]; shares: Raw[]; datasets: Raw[]; consumerAccess: Raw[] }) => void): Raw {
    const raw = structuredClone(rawOf(stack)) as Raw & { accounts: Raw[]; shares: Raw[]; datasets: Raw[]; consumerAccess: Raw[] };
    change(raw);
    return raw;
}
