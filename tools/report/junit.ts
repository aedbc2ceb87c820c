import type { Violation } from "../../policy/runner";
import type { PlanResult } from "../plan";
import { enabledPolicies, ruleOf } from "./rules";

// JUnit XML as CI test reporters read it: <testsuites> of one <testsuite> per policy that ran, one
// <testcase> per resource it reported on. A mandatory violation is a <failure>; an advisory one does
// not fail the gate, so its testcase passes and carries the finding in <system-out>.

/** XML 1.0 text and attribute escaping; characters XML 1.0 cannot hold at all are dropped. */
export function xmlEscape(text: string): string {
    return text
        .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, "")
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&apos;");
}

const attr = (text: string) => xmlEscape(text).replace(/\n/g, "&#10;").replace(/\r/g, "&#13;").replace(/\t/g, "&#9;");

export function planJunit(result: PlanResult): string {
    const violations = result.policy?.violations ?? [];
    const names = new Set([...enabledPolicies(result), ...violations.map(v => v.policyName)]);
    const suites = [...names].map(name => {
        // One testcase per resource: several findings of a policy on one resource are one failure.
        const cases = new Map<string, Violation[]>();
        for (const v of violations.filter(x => x.policyName === name)) {
            const key = v.urn ?? "stack";
            cases.set(key, [...(cases.get(key) ?? []), v]);
        }
        const failures = [...cases.values()].filter(vs => vs.some(v => v.enforcementLevel === "mandatory")).length;
        const body = [...cases.entries()].map(([urn, vs]) => testcase(name, urn, vs));
        const xml = [
            `  <testsuite name="${attr(name)}" tests="${cases.size}" failures="${failures}" errors="0" skipped="0">`,
            `    <properties><property name="description" value="${attr(ruleOf(name).description)}"/></properties>`,
            ...body,
            "  </testsuite>",
        ].join("\n");
        return { xml, tests: cases.size, failures };
    });
    const tests = suites.reduce((sum, s) => sum + s.tests, 0);
    const failures = suites.reduce((sum, s) => sum + s.failures, 0);
    return [
        '<?xml version="1.0" encoding="UTF-8"?>',
        `<testsuites name="lakewarden plan ${attr(result.stack)}${result.preview ? " (preview)" : ""}" tests="${tests}" failures="${failures}" errors="0" time="${result.seconds.toFixed(3)}">`,
        ...suites.map(s => s.xml),
        "</testsuites>",
        "",
    ].join("\n");
}

function testcase(policy: string, urn: string, vs: Violation[]): string {
    const first = vs[0];
    const anchors = ruleOf(policy).anchorIds;
    const text = [
        ...vs.map(v => `[${v.enforcementLevel}] ${v.message}`),
        `resource: ${urn}`,
        ...(anchors.length > 0 ? [`anchors: ${anchors.join(", ")}`] : []),
    ].join("\n");
    const open = `    <testcase classname="lakewarden.${attr(policy)}" name="${attr(`${first.resourceType ?? "stack"} ${first.resourceName ?? ""}`.trim())}">`;
    const mandatory = vs.find(v => v.enforcementLevel === "mandatory");
    const inner = mandatory
        ? `      <failure message="${attr(mandatory.message.split("\n")[0])}" type="mandatory">${xmlEscape(text)}</failure>`
        : `      <system-out>${xmlEscape(text)}</system-out>`;
    return [open, inner, "    </testcase>"].join("\n");
}
