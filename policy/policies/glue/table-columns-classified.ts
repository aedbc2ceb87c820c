import { resourcePolicy } from "../../lib/define";
import { CLASSIFICATION_KEY, TABLE_TYPE } from "../../lib/lakeformation";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, isDict } from "../../lib/values";

const CLASSES = ["public", "internal", "confidential", "pii", "secret"];

export const glueTableColumnsClassified = resourcePolicy({
    name: "glue-table-columns-classified",
    concern: "glue",
    description: `Every column and partition key of a Glue table carries parameters["${CLASSIFICATION_KEY}"] = public, internal, confidential, pii or secret (resource links excepted).`,
    severity: "high",
    remediationSteps: "Classify each column in the dataset model; lf-sensitive-data-requires-filter relies on it to keep pii/secret columns home.",
    anchors: {},
    resourceTypes: [TABLE_TYPE],
    validate(resource, _config, report) {
        if (resource.props.targetTable !== undefined) {
            return; // a resource link carries no columns
        }
        for (const key of ["storageDescriptor.columns", "partitionKeys"]) {
            const value = key === "partitionKeys" ? resource.props.partitionKeys : dig(resource.props, key);
            if (isUnknown(value)) {
                report(`${key} is not known at preview`);
                continue;
            }
            for (const column of asList(value)) {
                const name = isDict(column) ? String(column.name) : "?";
                const parameters = isDict(column) ? column.parameters : column;
                const classification = isUnknown(parameters) ? parameters : dig(parameters, CLASSIFICATION_KEY);
                if (isUnknown(classification)) {
                    report(`column ${name}: classification is not known at preview`);
                } else if (typeof classification !== "string" || !CLASSES.includes(classification)) {
                    report(`column ${name} has no valid ${CLASSIFICATION_KEY} (public, internal, confidential, pii or secret)`);
                }
            }
        }
    },
});
