export { glueCatalogResourcePolicyScoped } from "./catalog-resource-policy-scoped";
export { glueDataCatalogEncryption } from "./data-catalog-encryption";
export { glueJobCrawlerSecurityConfiguration } from "./job-crawler-security-configuration";
export { glueSecurityConfigurationEncrypted } from "./security-configuration-encrypted";
export { glueTableColumnsClassified } from "./table-columns-classified";
export { glueTriggerNoOverrides } from "./trigger-no-overrides";
