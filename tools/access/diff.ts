// What a change does to access: the access report of this plan against the one in a base plan's
// JSON (`npm run plan -- --against base.json`). A reviewer reads one list instead of grant resources.
import { type AccessEntry, type AccessReport, type Column, describeCrossing, describeEntry, type SensitiveCrossing } from "./report";

interface AccessChange {
    change: "added" | "removed" | "widened" | "narrowed";
    holder: string;
    line: string;
}

export interface AccessDiff {
    changes: AccessChange[];
    /** pii/secret columns that cross an account boundary in this plan and did not in the base. */
    newCrossings: SensitiveCrossing[];
    /** Crossings the base had and this plan no longer has. */
    endedCrossings: SensitiveCrossing[];
}

interface Held {
    holder: string;
    entry: AccessEntry;
}

function held(report: AccessReport): Map<string, Held> {
    const all: Held[] = [
        ...report.consumers.flatMap(c => c.entries.map(entry => ({ holder: `consumer ${c.account}`, entry }))),
        ...report.roles.flatMap(r => r.entries.map(entry => ({ holder: `role ${r.role}`, entry }))),
    ];
    // The grant name is part of the key: a table can be held through several grants (a filter and a
    // metadata DESCRIBE), each compared with its own base.
    return new Map(all.map(h => [`${h.holder} ${h.entry.kind} ${h.entry.resource} ${h.entry.filter ?? ""} ${h.entry.grant.name}`, h]));
}

const names = (columns: Column[] | undefined) => new Set((columns ?? []).map(c => c.name));

export function diffAccess(base: AccessReport, head: AccessReport): AccessDiff {
    const before = held(base);
    const after = held(head);
    const changes: AccessChange[] = [];
    for (const [key, h] of after) {
        const old = before.get(key);
        if (!old) {
            changes.push({ change: "added", holder: h.holder, line: describeEntry(h.entry) });
            continue;
        }
        const was = old.entry;
        const now = h.entry;
        const gained = [...names(now.columns)].filter(c => !names(was.columns).has(c));
        const lost = [...names(was.columns)].filter(c => !names(now.columns).has(c));
        const permsGained = now.permissions.filter(p => !was.permissions.includes(p));
        const permsLost = was.permissions.filter(p => !now.permissions.includes(p));
        const parts: string[] = [];
        let widened = false;
        if (gained.length > 0) (parts.push(`columns +${gained.join(", +")}`), (widened = true));
        if (lost.length > 0) parts.push(`columns -${lost.join(", -")}`);
        if (permsGained.length > 0) (parts.push(`permissions +${permsGained.join(", +")}`), (widened = true));
        if (permsLost.length > 0) parts.push(`permissions -${permsLost.join(", -")}`);
        if (now.grantable && !was.grantable) (parts.push("now grantable"), (widened = true));
        if (was.rowFilter !== now.rowFilter) {
            parts.push(`rows: ${was.rowFilter ? `where ${was.rowFilter}` : "all"} -> ${now.rowFilter ? `where ${now.rowFilter}` : "all"}`);
            // Whether a new expression admits more rows cannot be decided in general; a removed filter surely does.
            widened ||= now.rowFilter === undefined || was.rowFilter !== undefined;
        }
        if (parts.length > 0) {
            changes.push({
                change: widened ? "widened" : "narrowed",
                holder: h.holder,
                line: `${now.resource}${now.filter ? ` filter ${now.filter}` : ""}: ${parts.join("; ")}`,
            });
        }
    }
    for (const [key, h] of before) {
        if (!after.has(key)) changes.push({ change: "removed", holder: h.holder, line: describeEntry(h.entry) });
    }
    const crossingKey = (c: SensitiveCrossing) => `${c.column} ${c.principal}`;
    const baseCrossings = new Set(base.crossings.map(crossingKey));
    const headCrossings = new Set(head.crossings.map(crossingKey));
    return {
        changes: changes.sort((a, b) => `${a.holder} ${a.line}`.localeCompare(`${b.holder} ${b.line}`)),
        newCrossings: head.crossings.filter(c => !baseCrossings.has(crossingKey(c))),
        endedCrossings: base.crossings.filter(c => !headCrossings.has(crossingKey(c))),
    };
}

const SIGN: Record<AccessChange["change"], string> = { added: "+", removed: "-", widened: "~ widened", narrowed: "~ narrowed" };

export function renderAccessDiff(diff: AccessDiff, against: string): string {
    const lines = [`access diff against ${against}: ${diff.changes.length} change(s), ${diff.newCrossings.length} new pii/secret crossing(s)`];
    for (const c of diff.changes) lines.push(`  ${SIGN[c.change]} ${c.holder}: ${c.line}`);
    for (const c of diff.newCrossings) lines.push(`  ! starts crossing: ${describeCrossing(c)}`);
    for (const c of diff.endedCrossings) lines.push(`  ended crossing: ${describeCrossing(c)}`);
    return lines.join("\n");
}
