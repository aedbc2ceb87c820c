// Environment variable names that suggest a secret value rather than a reference to one.
const SECRET_NAME = /(SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE_?KEY|ACCESS_?KEY|API_?KEY|CREDENTIAL)/i;
const REFERENCE_SUFFIX = /_(ARN|NAME|ID)$/i;

export function looksLikeSecretName(name: string): boolean {
    return SECRET_NAME.test(name) && !REFERENCE_SUFFIX.test(name);
}
