// Types of http-client.mjs for the TypeScript that imports it (the token broker).
export interface HttpAnswer {
  status: number;
  ok: boolean;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
  json(): Promise<unknown>;
}
export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | URLSearchParams;
  timeoutMs?: number;
}
export function httpRequest(url: string, options?: HttpRequestOptions): Promise<HttpAnswer>;
export function networkReason(error: unknown): string;
