/** The JSON response every API Gateway proxy Lambda of lakewarden returns; never cached. */
export interface ProxyResult {
    statusCode: number;
    headers: Record<string, string>;
    body: string;
}

export function respond(statusCode: number, body: object): ProxyResult {
    return { statusCode, headers: { "content-type": "application/json", "cache-control": "no-store" }, body: JSON.stringify(body) };
}
