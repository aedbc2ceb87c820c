export { pulumiNoDefaultProvider } from "./no-default-provider";
export { pulumiProviderAccountGuard } from "./provider-account-guard";
export { pulumiProviderInputLimits } from "./provider-input-limits";
