import { planRotation, selectActiveKey, type SigningKeyTimeline, signingKeyState } from "@sigil/sessions";

const MIN = 60_000;
const DAY = 86_400_000;
const policy = { publishLeadMs: 10 * MIN, retireAfterMs: 16 * MIN, rotationIntervalMs: 30 * DAY };
const t = (ms: number) => new Date(Date.UTC(2026, 0, 1) + ms);
const key = (kid: string, over: Partial<SigningKeyTimeline> = {}): SigningKeyTimeline => ({
  kid,
  createdAt: t(0),
  activatedAt: t(0),
  retiredAt: null,
  canSign: true,
  ...over,
});

describe("key schedule", () => {
  it("bootstraps an immediately active key when none can sign", () => {
    expect(planRotation({ keys: [], now: t(5), policy })).toEqual({
      reason: "bootstrap",
      activatedAt: t(5),
      retire: [],
    });
    // A key whose private half was dropped cannot sign: it does not count.
    const wiped = key("old", { canSign: false, retiredAt: t(DAY) });
    expect(planRotation({ keys: [wiped], now: t(5), policy })?.reason).toBe("bootstrap");
  });

  it("H1: rotation publishes before use and retires after the longest token lifetime", () => {
    const now = t(MIN);
    const plan = planRotation({ keys: [key("a")], now, policy, force: true })!;
    expect(plan.reason).toBe("on_demand");
    expect(plan.activatedAt).toEqual(t(MIN + 10 * MIN));
    expect(plan.retire).toEqual([{ kid: "a", retiredAt: t(MIN + 10 * MIN + 16 * MIN) }]);

    const keys = [
      key("a", { retiredAt: plan.retire[0]!.retiredAt }),
      key("b", { createdAt: now, activatedAt: plan.activatedAt }),
    ];
    const states = (at: Date) => keys.map((k) => signingKeyState(k, keys, at));
    expect(states(now)).toEqual(["active", "pending"]);
    expect(states(t(MIN + 10 * MIN))).toEqual(["retiring", "active"]);
    expect(states(t(MIN + 26 * MIN))).toEqual(["retired", "active"]);
    expect(selectActiveKey(keys, t(MIN + 10 * MIN - 1))?.kid).toBe("a");
    expect(selectActiveKey(keys, t(MIN + 10 * MIN))?.kid).toBe("b");
  });

  it("does not start a second rotation while a key is pending", () => {
    const keys = [key("a"), key("b", { activatedAt: t(10 * MIN) })];
    expect(planRotation({ keys, now: t(MIN), policy, force: true })).toBeUndefined();
  });

  it("rotates on schedule only once the active key is due, and never with the schedule off", () => {
    const keys = [key("a")];
    expect(planRotation({ keys, now: t(30 * DAY - 1), policy })).toBeUndefined();
    expect(planRotation({ keys, now: t(30 * DAY), policy })?.reason).toBe("scheduled");
    expect(
      planRotation({ keys, now: t(90 * DAY), policy: { ...policy, rotationIntervalMs: 0 } }),
    ).toBeUndefined();
  });

  it("keeps an earlier planned retirement and ignores retired keys", () => {
    const keys = [
      key("old", { retiredAt: t(2 * MIN) }),
      key("gone", { retiredAt: t(MIN) }),
      key("a", { activatedAt: t(MIN) }),
    ];
    const plan = planRotation({ keys, now: t(90 * MIN), policy, force: true })!;
    expect(plan.retire.map((r) => r.kid)).toEqual(["a"]);
  });

  it("falls back to the previous key on an instance that cannot open the newest one", () => {
    const keys = [key("a", { retiredAt: t(DAY) }), key("b", { activatedAt: t(MIN), canSign: false })];
    expect(selectActiveKey(keys, t(2 * MIN))?.kid).toBe("a");
  });
});
