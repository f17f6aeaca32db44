// The server's dependency rules (docs/ARCHITECTURE.md names each rule by the name below).
// `npm run lint` runs `depcruise` with this file; the console's own rules live in eslint.config.js.
const server = "^apps/server/src/";
const tests = ["\\.test\\.ts$", "^apps/server/src/test/"];

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    {
      name: "no-circular",
      comment: "Modules wire each other in deps.ts; an import cycle means a layer reaches back up.",
      severity: "error",
      from: { path: server },
      to: { circular: true },
    },
    {
      name: "module-uses-other-modules-services",
      comment: "A module reaches another module through its service (or pure helpers), never its repository or routes.",
      severity: "error",
      from: { path: `${server}modules/([^/]+)/`, pathNot: tests },
      to: { path: `${server}modules/[^/]+/[^/]+\\.(repository|routes)\\.ts$`, pathNot: `${server}modules/$1/` },
    },
    {
      name: "routes-call-services",
      comment: "Routes validate, authorise and call one service method; SQL stays behind the service.",
      severity: "error",
      from: { path: "\\.routes\\.ts$" },
      to: { path: "\\.repository\\.ts$" },
    },
    {
      name: "repositories-built-in-deps",
      comment:
        "A repository is used by its own folder (a module, jobs/, throttle/); elsewhere only the composition " +
        "root (deps.ts) and tests build one.",
      severity: "error",
      from: { path: `(${server}(?:modules/[^/]+|[^/]+)/)`, pathNot: [`${server}deps\\.ts$`, ...tests] },
      to: { path: "\\.repository\\.ts$", pathNot: "^$1" },
    },
    {
      name: "only-repositories-build-queries",
      comment:
        "Kysely (query building, SQL) only in repositories, db/ (connection, migrations, transaction helper), " +
        "the list-query helpers, Asterisk's realtime table writer and tests.",
      severity: "error",
      from: {
        path: server,
        pathNot: [
          "\\.repository\\.ts$",
          `${server}db/`,
          `${server}lib/list-query\\.ts$`,
          // The lease SQL shared by the tables that hold work (jobs, the Asterisk outbox).
          `${server}jobs/lease-table\\.ts$`,
          `${server}adapters/asterisk/realtime-writer\\.ts$`,
          ...tests,
        ],
      },
      to: { path: "node_modules/kysely/" },
    },
    {
      name: "services-without-http",
      comment: "Services are plain factories: no Fastify, no HTTP plugins (the principal types excepted).",
      severity: "error",
      from: { path: `${server}modules/.+\\.(service|repository)\\.ts$` },
      to: { path: ["node_modules/(fastify|@fastify)/", `${server}http/`], pathNot: `${server}http/principals\\.ts$` },
    },
    {
      name: "modules-use-adapter-ports",
      comment:
        "Network adapters (AMI, FTP, SIP, CGI) reach modules as types only; deps.ts picks the real one or a no-op.",
      severity: "error",
      from: { path: `${server}modules/`, pathNot: tests },
      to: {
        path: `${server}adapters/(ami|ftp|sip|cgi)/`,
        dependencyTypesNot: ["type-only"],
      },
    },
    {
      name: "adapters-import-no-module",
      comment: "Adapters speak a protocol; they know no feature module, no HTTP and no composition root.",
      severity: "error",
      from: { path: `${server}adapters/` },
      to: { path: `${server}(modules|http|vendors)/|${server}(deps|app|main)\\.ts$` },
    },
    {
      name: "vendors-import-no-module",
      comment: "A vendor driver knows its phones' files and restarts through adapter ports, and no feature module.",
      severity: "error",
      from: { path: `${server}vendors/` },
      to: { path: `${server}modules/|${server}(deps|app|main)\\.ts$` },
    },
    {
      name: "foundations-import-no-feature",
      comment: "lib/, db/, errors.ts and config.ts sit below every module and adapter.",
      severity: "error",
      from: { path: `${server}(lib/|db/|errors\\.ts$|config\\.ts$)` },
      to: { path: `${server}(modules|adapters|http|vendors)/` },
    },
    {
      name: "production-code-not-to-tests",
      comment: "Test harnesses, peers and fakes are for tests only.",
      severity: "error",
      from: { path: "^apps/server/(src|bench)/", pathNot: [...tests, "^apps/server/bench/"] },
      to: { path: [...tests, "\\.fake\\.ts$"] },
    },
    {
      name: "contract-depends-on-zod-only",
      comment: "The contract package is shared by server and console and depends on zod alone.",
      severity: "error",
      from: { path: "^packages/contract/src/", pathNot: "\\.test\\.ts$" },
      to: {
        dependencyTypes: ["npm", "npm-dev", "npm-optional", "npm-peer", "npm-no-pkg"],
        pathNot: "node_modules/zod/",
      },
    },
    {
      name: "server-not-from-console",
      comment: "The console talks to the server over HTTP only.",
      severity: "error",
      from: { path: "^(packages|apps/server)/" },
      to: { path: "^apps/web/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
