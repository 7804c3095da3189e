/** The demo page's settings (part of AppConfig). */
export interface DemoPageConfig {
  /** Serve the demo page at `/` (default: only when SIGIL_ENV=development). */
  enabled: boolean;
  /** The example venue the page calls with the token (cross-origin; the venue allows our origin). */
  venueUrl: string | undefined;
}

/** What `GET /demo/config` tells the page. Dev keys only in development, on the dev chain. */
export interface DemoPageSettings {
  chainId: number;
  venueUrl: string | null;
  /** Hardhat's well-known dev accounts, for a page opened without a browser wallet. */
  devAccounts: { index: number; label: string; address: string; privateKey: string }[];
}
