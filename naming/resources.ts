/**
 * Deterministic physical names derived from the environment model, so that a producer's grant
 * and a consumer's link agree by construction and policies see names at preview.
 */
export interface AccountScope {
    environment: string;
    accountId: string;
    region: string;
}

/** Globally unique bucket name: the account id and region make it unique, the purpose says what it holds. */
export function bucketName(scope: AccountScope, purpose: string): string {
    const name = `lw-${scope.environment}-${scope.accountId}-${scope.region}-${purpose}`;
    if (name.length > 63) {
        throw new Error(`bucket name ${name} is longer than 63 characters; shorten the purpose "${purpose}"`);
    }
    return name;
}

export function resourceName(environment: string, ...parts: string[]): string {
    return ["lakewarden", environment, ...parts].join("-");
}

export function kmsAlias(environment: string, purpose: string): string {
    return `alias/lakewarden/${environment}/${purpose}`;
}

export function bucketArn(name: string): string {
    return `arn:aws:s3:::${name}`;
}

/** macie-findings -> MacieFindings (statement ids allow letters and digits only). */
export function pascal(name: string): string {
    return name.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
}

/** The SSM parameter the image pipeline writes each new hardened image id to, in every fleet account. */
export function imageParameterName(environment: string): string {
    return `/lakewarden/${environment}/ami/ecs-hardened`;
}
