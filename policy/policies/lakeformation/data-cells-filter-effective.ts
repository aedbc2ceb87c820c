import { resourcePolicy } from "../../lib/define";
import { FILTER_TYPE } from "../../lib/lakeformation";
import { isUnknown } from "../../lib/unknown";
import { asList, dig, isDict } from "../../lib/values";

export const lfDataCellsFilterEffective = resourcePolicy({
    name: "lf-data-cells-filter-effective",
    concern: "lakeformation",
    description: "A data cells filter must filter something: not all rows together with all columns, and its row filter must be known.",
    severity: "high",
    remediationSteps: "Give the filter a rowFilter.filterExpression, or columnNames / columnWildcard.excludedColumnNames that drop columns.",
    anchors: {},
    resourceTypes: [FILTER_TYPE],
    validate(resource, _config, report) {
        const data = resource.props.tableData;
        if (isUnknown(data)) {
            report("tableData is not known at preview");
            return;
        }
        const rowFilter = dig(data, "rowFilter");
        const expression = dig(rowFilter, "filterExpression");
        if (isUnknown(rowFilter) || isUnknown(expression)) {
            report("the row filter is not known at preview");
            return;
        }
        const allRows = isDict(rowFilter) && rowFilter.allRowsWildcard !== undefined && rowFilter.allRowsWildcard !== null;
        const columnWildcard = dig(data, "columnWildcard");
        const excluded = dig(columnWildcard, "excludedColumnNames");
        const columnNames = dig(data, "columnNames");
        if (isUnknown(columnWildcard) || isUnknown(excluded) || isUnknown(columnNames)) {
            report("the column selection is not known at preview");
            return;
        }
        const allColumns =
            (columnWildcard !== undefined && asList(excluded).length === 0) || (columnWildcard === undefined && asList(columnNames).length === 0);
        if ((allRows || expression === "TRUE" || expression === "true") && allColumns) {
            report("selects all rows and all columns, so it filters nothing");
        }
    },
});
