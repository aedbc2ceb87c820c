/**
 * SSM parameters and Secrets Manager secrets through Powertools Parameters, one provider per SDK
 * client (so the caller's client, its retries and its credentials are used). SDK failures arrive
 * wrapped in Powertools' GetParameterError, the SDK error as its `cause`.
 */
import { SecretsProvider } from "@aws-lambda-powertools/parameters/secrets";
import { SSMProvider } from "@aws-lambda-powertools/parameters/ssm";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { SSMClient } from "@aws-sdk/client-ssm";

const ssmProviders = new WeakMap<SSMClient, SSMProvider>();
const secretProviders = new WeakMap<SecretsManagerClient, SecretsProvider>();

function ssmProvider(client: SSMClient): SSMProvider {
    let provider = ssmProviders.get(client);
    if (!provider) ssmProviders.set(client, (provider = new SSMProvider({ awsSdkV3Client: client })));
    return provider;
}

/**
 * The parameter's value as it is now, never from a cache: the callers act on what it names (the
 * AMI to roll out, the OU mapping whose removals must take effect on this run).
 */
export async function currentParameter(client: SSMClient, name: string, options: { decrypt?: boolean } = {}): Promise<string> {
    const value = await ssmProvider(client).get(name, { decrypt: options.decrypt ?? false, forceFetch: true });
    if (value === undefined) throw new Error(`SSM parameter ${name} has no value`);
    return value;
}

/** The secret string, cached per container for `maxAgeSeconds` (a rotation lands within that). */
export async function cachedSecret(client: SecretsManagerClient, secretId: string, maxAgeSeconds: number): Promise<string | undefined> {
    let provider = secretProviders.get(client);
    if (!provider) secretProviders.set(client, (provider = new SecretsProvider({ awsSdkV3Client: client })));
    const value = await provider.get(secretId, { maxAge: maxAgeSeconds });
    return typeof value === "string" ? value : undefined;
}
