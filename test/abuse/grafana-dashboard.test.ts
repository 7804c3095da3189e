// The sample Grafana dashboard (docs/grafana/sigil.json) must only query metrics the auth-api
// registers, so renaming a metric without updating the dashboard fails here.
import { readFileSync } from "node:fs";
import path from "node:path";
import { MetricsService } from "../../apps/auth-api/src/platform/metrics/metrics.service.js";

interface Panel {
  type: string;
  title: string;
  targets?: { expr: string }[];
  panels?: Panel[];
}

const DASHBOARD = path.resolve(import.meta.dirname, "../../docs/grafana/sigil.json");
/** Series a histogram `h` exposes besides its own name. */
const HISTOGRAM_SUFFIXES = ["_bucket", "_sum", "_count"];
/** PromQL words that are neither functions (followed by "(") nor metric names. */
const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "and", "or"]);
const MODIFIERS = new Set(["unless", "offset", "bool", "inf", "nan"]);

/** The metric names a PromQL expression selects: what remains after labels, ranges, strings and calls. */
function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, "")
    .replace(/\{[^}]*\}/g, "")
    .replace(/\[[^\]]*\]/g, "")
    .replace(/\b\d[\w.]*/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "")
    .replace(/[A-Za-z_][A-Za-z0-9_]*\s*\(/g, "(");
  const words = bare.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? [];
  return words.filter((word) => !KEYWORDS.has(word) && !MODIFIERS.has(word.toLowerCase()));
}

function allPanels(panels: Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

async function exposedNames(): Promise<Set<string>> {
  const metrics = await new MetricsService().registry.getMetricsAsJSON();
  return new Set(
    metrics.flatMap((metric) =>
      String(metric.type) === "histogram"
        ? [metric.name, ...HISTOGRAM_SUFFIXES.map((suffix) => metric.name + suffix)]
        : [metric.name],
    ),
  );
}

describe("docs/grafana/sigil.json", () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { uid: string; panels: Panel[] };
  const queries = allPanels(dashboard.panels).flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );

  it("the expression parser finds metric names and nothing else", () => {
    expect(
      metricNamesOf(
        'histogram_quantile(0.95, sum by (le, route) (rate(sigil_a_bucket{status=~"5..",x="y"}[$__rate_interval])))',
      ),
    ).toEqual(["sigil_a_bucket"]);
    expect(metricNamesOf("sum(rate(a_total[5m])) / ignoring (x) sum(b) offset 1h")).toEqual(["a_total", "b"]);
  });

  it("every panel query selects at least one metric, and only metrics the auth-api registers", async () => {
    const known = await exposedNames();
    expect(queries.length).toBeGreaterThanOrEqual(15);
    const unknown = queries.flatMap(({ panel, expr }) => {
      const names = metricNamesOf(expr);
      if (names.length === 0) return [`${panel}: selects no metric`];
      return names.filter((name) => !known.has(name)).map((name) => `${panel}: ${name}`);
    });
    expect(unknown).toEqual([]);
  });

  it("covers every sigil_ metric of the service (process metrics aside)", async () => {
    const used = new Set(queries.flatMap(({ expr }) => metricNamesOf(expr)));
    const metrics = await new MetricsService().registry.getMetricsAsJSON();
    const missing = metrics
      .map((metric) => metric.name)
      .filter((name) => !name.startsWith("sigil_process_"))
      .filter(
        (name) => ![name, ...HISTOGRAM_SUFFIXES.map((suffix) => name + suffix)].some((n) => used.has(n)),
      );
    expect(missing).toEqual([]);
  });
});
