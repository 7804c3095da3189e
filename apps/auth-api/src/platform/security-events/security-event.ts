/** Kinds of security event (SECURITY-TESTS I1): each is audited, counted and may raise an alert. */
export const SECURITY_EVENT_TYPES = [
  "login_failed",
  "nonce_replay",
  "signature_failed",
  "refresh_reuse",
  "scope_escalation",
  "ban",
  "alert",
] as const;

export type SecurityEventType = (typeof SECURITY_EVENT_TYPES)[number];

/** One security event, as written to the audit log (type `security.<type>`) and the metrics. */
export interface SecurityEvent {
  type: SecurityEventType;
  /** Stable error code or detector name: why it happened. */
  reason: string;
  /** CAIP-10 subject or wallet address, when known. */
  subject?: string | null;
  chainId?: number | null;
  clientAddress?: string | null;
  requestId?: string | null;
  /** Small structured details; never tokens, signatures or secrets. */
  data?: Record<string, unknown>;
  occurredAt: Date;
}
