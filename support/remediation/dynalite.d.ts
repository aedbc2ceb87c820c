/** dynalite ships no types: it returns a Node http.Server serving the DynamoDB API. */
declare module "dynalite" {
    function dynalite(options?: { createTableMs?: number; deleteTableMs?: number; updateTableMs?: number; path?: string }): import("node:http").Server;
    export = dynalite;
}
