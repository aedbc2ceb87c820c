/** The scan-stage Lambdas' environment, read once per container; a missing variable is an error naming it. */
import { InvalidScanRequest } from "./errors";

export function required(name: string): string {
    const value = process.env[name];
    if (!value) {
        throw new InvalidScanRequest(`environment variable ${name} is not set`);
    }
    return value;
}

export function requiredInteger(name: string): number {
    const value = Number(required(name));
    if (!Number.isInteger(value) || value <= 0) {
        throw new InvalidScanRequest(`environment variable ${name} must be a positive integer, got "${process.env[name]}"`);
    }
    return value;
}
