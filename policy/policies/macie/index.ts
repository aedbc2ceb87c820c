export { macieAccountEnabled } from "./account-enabled";
export { macieExportKmsCmk } from "./export-kms-cmk";
