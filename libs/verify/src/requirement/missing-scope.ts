/** The first scope of `required` missing from `granted`, or undefined when all are granted. */
export function missingScope(granted: ReadonlySet<string>, required: readonly string[]): string | undefined {
  for (let i = 0; i < required.length; i += 1) if (!granted.has(required[i]!)) return required[i];
  return undefined;
}
