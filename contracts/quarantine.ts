/** The quarantine prefix as the remediation model, the workflows and the object Lambdas all read it. */
import { z } from "zod";

/** One path segment ending in "/", starting with a letter or digit ("quarantine/"). */
export const quarantinePrefixSchema = z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}\/$/, { error: 'expected one path segment ending in "/", e.g. "quarantine/"' });
