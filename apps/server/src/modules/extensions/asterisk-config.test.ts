import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../config.js";

const env = {
  JWT_SECRET: "test-secret-test-secret-test-secret-0123456789",
  CISISK_SECRET_KEY: "test-key-test-key-test-key-test-key-0123456789",
  CISISK_CONFIG: "/dev/null/none.toml",
};
const load = (asterisk: Record<string, unknown>) =>
  loadConfig(env, { toml: { asterisk }, allowMissingConfigFile: true });

describe("[asterisk] configuration", () => {
  it("defaults to mode none with no AMI", () => {
    const c = load({});
    expect(c.asterisk).toMatchObject({ mode: "none", ami_port: 5038, default_context: "from-internal" });
    expect(c.asterisk.ami_host).toBeUndefined();
  });

  it("reports every inconsistent Asterisk setting at start-up", () => {
    let error: unknown;
    try {
      load({ mode: "files", ami_host: "127.0.0.1", realtime_database_url: "oracle://x" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'cisisk.toml asterisk.config_dir: required when mode = "files"',
      "cisisk.toml asterisk.realtime_database_url: must start with sqlite:, postgres:// or mysql://",
      "cisisk.toml asterisk.ami_username / ami_secret: required when ami_host is set",
    ]);
    expect(() => load({ mode: "realtime", realtime_database_url: "postgres://a@b/c" })).not.toThrow();
    expect(() => load({ mode: "sometimes" })).toThrow(ConfigError);
  });
});
