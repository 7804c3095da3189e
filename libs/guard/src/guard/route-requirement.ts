/** What a route requires of its caller, read once from its decorators. */
export interface RouteRequirement {
  /** `@Public()`: no token read or required. */
  public: boolean;
  /** Every scope listed by `@RequireScopes` on the controller and the handler. */
  scopes: readonly string[];
}
