// Columns a detection (Glue sensitive data detection, Macie) reports as sensitive while the model classifies them
// lower: the sanitisation job drops them until the model is updated. The same rule is core.refused_by_detections,
// which the job applies at run time to the records discovery wrote last (glue/sanitise/refusal-vectors.json is
// checked by both). This side is for the plan: what the job would refuse given the records known at plan time.
import { type Dataset, isSensitive } from "../config/datasets";
import type { Detection } from "../contracts/detections";

/** Sorted names of the table's columns that a detection contradicts; a detection on an unknown column is not one (default deny stops the run). */
export function refusedColumns(dataset: Dataset, table: string, detections: readonly Detection[]): string[] {
    const columns = dataset.tables.find(t => t.name === table)?.columns ?? [];
    const byName = new Map(columns.map(c => [c.name.toLowerCase(), c]));
    const refused = new Set<string>();
    for (const d of detections) {
        if (d.database.toLowerCase() !== dataset.database.toLowerCase() || d.table.toLowerCase() !== table.toLowerCase()) continue;
        const column = byName.get(d.column.toLowerCase());
        if (column && !isSensitive(column)) refused.add(column.name);
    }
    return [...refused].sort();
}
