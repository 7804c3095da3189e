/** The request fields the guard reads, on Express and on Fastify. */
export interface HttpRequest {
  method: string;
  url: string;
  originalUrl?: string;
  protocol?: string;
  headers: { authorization?: string; dpop?: string | string[]; host?: string };
  id?: unknown;
}

/** An Express response or a Fastify reply: both have `header` and `status`. */
export interface HttpResponse {
  header(name: string, value: string): unknown;
  status(code: number): HttpResponse;
  /** Express. */
  json?(body: unknown): unknown;
  /** Fastify. */
  send?(body: unknown): unknown;
  /** Express. */
  headersSent?: boolean;
  /** Fastify. */
  sent?: boolean;
}

/** Sets a response header unless the response has gone out. */
export function setHeaderOn(response: HttpResponse, name: string, value: string): void {
  if (response.headersSent !== true && response.sent !== true) response.header(name, value);
}

/** Answers `status` with a JSON `body` unless the response has gone out. */
export function sendJson(response: HttpResponse, status: number, body: unknown): void {
  if (response.headersSent === true || response.sent === true) return;
  const answer = response.status(status);
  if (typeof answer.json === "function") answer.json(body);
  else answer.send?.(body);
}
