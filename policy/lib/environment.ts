// The environment's accounts, read from the explicit aws providers of the stack: every account
// has one `pulumi:providers:aws` with `allowedAccountIds: ["<12 digits>"]`.
import type { Resource } from "./define";
import { isAccountId } from "./iam/principals";
import { asList, type Dict } from "./values";

export const AWS_PROVIDER_TYPE = "pulumi:providers:aws";

export function allowedAccountIds(providerProps: Dict | undefined): string[] {
    return asList(providerProps?.allowedAccountIds).filter(isAccountId);
}

/** Accounts the resource is deployed to (its provider's allowedAccountIds). */
export function ownAccounts(resource: Resource): Set<string> {
    if (resource.type === AWS_PROVIDER_TYPE) {
        return new Set(allowedAccountIds(resource.props));
    }
    return new Set(resource.provider?.type === AWS_PROVIDER_TYPE ? allowedAccountIds(resource.provider.props) : []);
}

/** Union of allowedAccountIds over every aws provider in the stack, plus configured trusted accounts. */
export function environmentAccounts(resources: Resource[], trustedAccounts: readonly string[] = []): Set<string> {
    const accounts = new Set<string>(trustedAccounts.filter(isAccountId));
    for (const r of resources) {
        const props = r.type === AWS_PROVIDER_TYPE ? r.props : r.provider?.type === AWS_PROVIDER_TYPE ? r.provider.props : undefined;
        for (const id of allowedAccountIds(props)) {
            accounts.add(id);
        }
    }
    return accounts;
}
