import { z } from "zod";
import type { Account, AccountRole } from "./accounts";

/**
 * Checks a reference from one config section to an account by name, so that a typo in
 * `lakewarden:shares[3].consumer` is reported there rather than as a missing resource later.
 */
export function checkAccountRef(
    accounts: readonly Account[],
    ctx: z.RefinementCtx,
    path: PropertyKey[],
    name: string,
    roles?: readonly AccountRole[],
): Account | undefined {
    const account = accounts.find(a => a.name === name);
    if (!account) {
        ctx.addIssue({
            code: "custom",
            path,
            message: `unknown account "${name}" (known: ${accounts.map(a => a.name).join(", ")})`,
        });
        return undefined;
    }
    if (roles && !roles.includes(account.role)) {
        ctx.addIssue({
            code: "custom",
            path,
            message: `account "${name}" has role ${account.role}, expected ${roles.join(" or ")}`,
        });
        return undefined;
    }
    return account;
}

export function checkUnique<T>(
    ctx: z.RefinementCtx,
    items: readonly T[],
    key: (item: T) => string,
    path: (index: number) => PropertyKey[],
    label: string,
): void {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
        const value = key(item);
        const seen = first.get(value);
        if (seen === undefined) {
            first.set(value, index);
        } else {
            ctx.addIssue({ code: "custom", path: path(index), message: `duplicate ${label} "${value}" (first at index ${seen})` });
        }
    });
}
