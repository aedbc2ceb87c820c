// Small checks on settings that must hold a given value; an unknown setting is a violation
// because it could be anything.
import { isUnknown } from "./unknown";
import { isFalseOrAbsent, show } from "./values";

export function requireFlags(props: Record<string, unknown>, flags: readonly string[], label: string, report: (m: string) => void): void {
    for (const flag of flags) {
        const value = props[flag];
        if (isUnknown(value)) {
            report(`${label}: ${flag} is not known at preview`);
        } else if (value !== true && value !== "true") {
            report(`${label}: ${flag} is ${show(value)}, must be true`);
        }
    }
}

/** Reports unless `value` is one of `allowed`; `what` names the setting. */
export function requireOneOf(value: unknown, allowed: readonly unknown[], what: string, report: (m: string) => void): boolean {
    if (isUnknown(value)) {
        report(`${what} is not known at preview`);
        return false;
    }
    if (!allowed.includes(value)) {
        report(`${what} is ${show(value)}, must be ${allowed.map(a => show(a)).join(" or ")}`);
        return false;
    }
    return true;
}

/** Reports a switch that must stay off: `message` when it is on, "not known" when it is unknown. */
export function requireOff(value: unknown, what: string, message: string, report: (m: string) => void): void {
    if (isUnknown(value)) {
        report(`${what} is not known at preview`);
    } else if (!isFalseOrAbsent(value)) {
        report(message);
    }
}
