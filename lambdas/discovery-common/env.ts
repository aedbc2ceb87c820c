/** A required Lambda environment variable (set by the DataStoreDiscovery component). */
export function requiredEnv(name: string, allowEmpty = false): string {
    const value = process.env[name];
    if (value === undefined || (value === "" && !allowEmpty)) throw new Error(`${name} is not set`);
    return value;
}
