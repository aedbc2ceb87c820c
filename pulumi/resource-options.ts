import * as pulumi from "@pulumi/pulumi";

/**
 * A component's `dependsOn` does not reach its children: the engine orders only the resources
 * that name a dependency. Components pass this to each child that must wait.
 */
export function childDependsOn(opts: pulumi.ComponentResourceOptions | undefined, ...more: pulumi.Resource[]): pulumi.Input<pulumi.Resource>[] {
    const own = opts?.dependsOn;
    const list = own === undefined ? [] : Array.isArray(own) ? own : [own as pulumi.Input<pulumi.Resource>];
    return [...list, ...more];
}

/**
 * Aliases for a child that moved into a new component: its URN before the move was `previousName`
 * under the new component's parent, so the engine keeps the resource instead of replacing it.
 */
export function movedFrom(previousParent: pulumi.Resource | undefined, previousName: string | undefined): pulumi.Alias[] {
    // The parent's URN rather than the parent itself: the SDK resolves each alias with output(alias), which walks
    // every value inside it looking for unknowns, and a Resource leads it through the whole component tree
    // (thousands of objects per alias, ~10% of an offline plan). Alias.parent takes either; the URN is the same.
    return previousParent && previousName ? [{ name: previousName, parent: previousParent.urn }] : [];
}

/**
 * A value another account's stack provides once it is constructed (the engine awaits dependsOn inputs), for
 * dependencies that run against construction order: the security account's Macie waits for the management
 * account's delegation, which is constructed after it.
 */
export class Later<T> {
    readonly promise: Promise<T>;
    private settle!: (value: T) => void;

    constructor() {
        this.promise = new Promise<T>(resolve => (this.settle = resolve));
    }

    resolve(value: T): void {
        this.settle(value);
    }
}
