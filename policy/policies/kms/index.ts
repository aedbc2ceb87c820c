export { kmsGrantScoped } from "./grant-scoped";
export { kmsKeyDeletionSafety } from "./key-deletion-safety";
export { kmsKeyPolicyExplicit } from "./key-policy-explicit";
export { kmsKeyPolicyScoped } from "./key-policy-scoped";
export { kmsKeyRotation } from "./key-rotation";
export { kmsKeyUsable } from "./key-usable";
