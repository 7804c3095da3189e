// E1/A10 in `npm test`: a few hundred cases each; `npm run fuzz` runs the same properties ≥ 10⁵ times.
import {
  checkArbitrarySignedRequests,
  checkSignedRequestMutations,
  checkSignedRequestsVerifyOnce,
} from "../../scripts/fuzz/signed-request-properties.js";

describe("bots: signed-request verification (fast-check)", () => {
  it("E1: every correctly signed request inside the window verifies, exactly once", async () => {
    await checkSignedRequestsVerifyOnce({ numRuns: 300 });
  });

  it("E1: any alteration of method, path, query, body, timestamp, nonce, key id or signature is refused", async () => {
    await checkSignedRequestMutations({ numRuns: 500 });
  });

  it("E1: arbitrary headers and requests never verify and never throw anything but request_signature_invalid", async () => {
    await checkArbitrarySignedRequests({ numRuns: 500 });
  });
});
