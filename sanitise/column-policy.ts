// The dataset model's table -> the column policy core.parse_policy reads (the job's `--column-policy`).
import { ALLOWED_ACTIONS, actionOf, type Column, DEFAULT_ACTION, type SanitiseAction, type Table } from "../config/datasets";

type Generaliser = { kind: "timestamp"; unit: "day" | "month" } | { kind: "bucket"; width: number } | { kind: "location"; decimals: number };

interface PolicyColumn {
    name: string;
    type: string;
    classification: Column["classification"];
    action: SanitiseAction;
    generalise?: Generaliser;
}

interface ColumnPolicy {
    columns: PolicyColumn[];
    /** Columns a detection contradicts: the job drops them until the model is updated. */
    refused: string[];
}

function policyColumn(column: Column): PolicyColumn {
    const override = column.sanitise;
    const action = override === undefined ? DEFAULT_ACTION[column.classification] : actionOf(override);
    const base = { name: column.name, type: column.type, classification: column.classification, action };
    if (override === undefined || typeof override === "string") return base;
    switch (override.generalise) {
        case "timestamp":
            return { ...base, generalise: { kind: "timestamp", unit: override.unit } };
        case "bucket":
            return { ...base, generalise: { kind: "bucket", width: override.width } };
        case "location":
            return { ...base, generalise: { kind: "location", decimals: override.decimals } };
    }
}

/** Every column with its resolved action (explicit, so the job never falls back on a default of its own). */
export function columnPolicy(table: Table, refused: readonly string[], where: string): ColumnPolicy {
    const names = new Set<string>();
    const columns = table.columns.map(column => {
        if (names.has(column.name)) throw new Error(`${where}: column ${column.name} appears twice`);
        names.add(column.name);
        const policy = policyColumn(column);
        // Config validation already refused these; checked again because a caller may build a Table by hand.
        if (!ALLOWED_ACTIONS[column.classification].includes(policy.action)) {
            throw new Error(`${where}: column ${column.name} is ${column.classification} and may not be ${policy.action}`);
        }
        return policy;
    });
    const unknown = refused.filter(c => !names.has(c));
    if (unknown.length > 0) throw new Error(`${where}: refused columns not in the table: ${unknown.join(", ")}`);
    return { columns, refused: [...new Set(refused)].sort() };
}
