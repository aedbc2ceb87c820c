export { imagebuilderComponentKmsCmk } from "./component-kms-cmk";
export { imagebuilderDistributionKmsCmk } from "./distribution-kms-cmk";
export { imagebuilderInfrastructureHardening } from "./infrastructure-hardening";
export { imagebuilderRecipeEbsEncrypted } from "./recipe-ebs-encrypted";
