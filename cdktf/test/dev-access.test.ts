import { devApiAccessCidrs } from "../src/config/environments";
import { removeSynthesized, type SynthesizedApp, type synthesizeApp } from "./support/synthesized-app";
import { moduleCalls } from "./support/terraform-json";

/** The app synthesized with PARLEY_DEV_API_ACCESS_CIDRS set, as a developer would run it. */
function synthesizeWith(cidrs: string): SynthesizedApp {
  const saved = process.env.PARLEY_DEV_API_ACCESS_CIDRS;
  process.env.PARLEY_DEV_API_ACCESS_CIDRS = cidrs;
  try {
    let app: SynthesizedApp | undefined;
    // The environments read the variable when they are loaded: load them again, with it set.
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const fresh = require("./support/synthesized-app") as { synthesizeApp: typeof synthesizeApp };
      app = fresh.synthesizeApp();
    });
    return app!;
  } finally {
    if (saved === undefined) delete process.env.PARLEY_DEV_API_ACCESS_CIDRS;
    else process.env.PARLEY_DEV_API_ACCESS_CIDRS = saved;
  }
}

describe("dev's way in to the private cluster API", () => {
  it("when PARLEY_DEV_API_ACCESS_CIDRS is set before synth, then dev's API admits those CIDRs and no other environment's does", () => {
    const app = synthesizeWith("203.0.113.7/32, 198.51.100.0/28");
    try {
      const allowed = Object.fromEntries(
        app.stacks
          .filter((stack) => stack.component === "cluster")
          .map((stack) => [
            stack.environment,
            moduleCalls(stack.document).find(({ address }) => address === "module.kubernetes")?.body
              .endpoint_public_access_cidrs,
          ]),
      );
      expect(allowed).toEqual({ dev: ["203.0.113.7/32", "198.51.100.0/28"], staging: [], production: [] });
    } finally {
      removeSynthesized(app);
    }
  });

  it("keeps the endpoint private when the variable is unset, and refuses what is no narrow IPv4 CIDR by name", () => {
    expect(devApiAccessCidrs("")).toEqual([]);
    for (const bad of ["0.0.0.0/0", "203.0.113.7", "300.1.1.1/32", "10.0.0.0/4"])
      expect(() => devApiAccessCidrs(bad)).toThrow(`PARLEY_DEV_API_ACCESS_CIDRS: ${bad} is not an IPv4 CIDR`);
  });
});
