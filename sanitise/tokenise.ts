// Same token as glue/sanitise/core.py tokenise(): tok_ + hex HMAC-SHA256(key, UTF-8 text of the value).
// glue/sanitise/vectors.json holds shared vectors both implementations are tested against.
import { createHmac } from "node:crypto";

const TOKEN_PREFIX = "tok_";

/** Text form shared with Python: booleans lower-case, integral numbers without a fraction. */
function text(value: string | number | boolean): string {
    if (typeof value === "boolean") {
        return value ? "true" : "false";
    }
    return String(value);
}

export function tokenise(key: Buffer, value: string | number | boolean | null): string | null {
    if (value === null) {
        return null;
    }
    if (key.length < 32) {
        throw new Error("tokenisation key must be at least 32 bytes");
    }
    return TOKEN_PREFIX + createHmac("sha256", key).update(text(value), "utf8").digest("hex");
}
