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

const stackAccounts = new WeakMap<readonly Resource[], readonly string[]>();

/**
 * Union of allowedAccountIds over every aws provider in the stack, plus configured trusted accounts.
 * The stack's part is worked out once per stack and shared by the stack policies that ask.
 */
export function environmentAccounts(resources: readonly Resource[], trustedAccounts: readonly string[] = []): Set<string> {
    let fromProviders = stackAccounts.get(resources);
    if (fromProviders === undefined) {
        const found = new Set<string>();
        for (const r of resources) {
            const props = r.type === AWS_PROVIDER_TYPE ? r.props : r.provider?.type === AWS_PROVIDER_TYPE ? r.provider.props : undefined;
            for (const id of allowedAccountIds(props)) {
                found.add(id);
            }
        }
        fromProviders = [...found];
        stackAccounts.set(resources, fromProviders);
    }
    return new Set<string>([...trustedAccounts.filter(isAccountId), ...fromProviders]);
}
