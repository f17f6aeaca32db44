import { existsSync } from "node:fs";
import http, { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import path from "node:path";
import fastifyCookie from "@fastify/cookie";
import fastifyHelmet from "@fastify/helmet";
import fastifyStatic from "@fastify/static";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyServerOptions } from "fastify";
import {
  jsonSchemaTransform,
  jsonSchemaTransformObject,
  serializerCompiler,
  validatorCompiler,
} from "fastify-type-provider-zod";
import type { Deps } from "./deps.js";
import { apiKeyHeader, bearerToken, createRequirePrincipal } from "./http/authenticate.js";
import { clientIp } from "./http/client-ip.js";
import { accountRoutes } from "./modules/accounts/accounts.routes.js";
import { accountsAdminRoutes, provisioningRoutes } from "./modules/accounts/accounts-admin.routes.js";
import { apiKeysRoutes } from "./modules/api-keys/api-keys.routes.js";
import { createClientIpSource, registerClientIp } from "./http/client-ip.js";
import { clientErrorHandler, errorBody, frameworkErrorHandler, registerErrorHandler } from "./http/error-handler.js";
import { registerNulGuard } from "./http/reject-nul.js";
import { authRoutes } from "./modules/auth/auth.routes.js";
import { securitySettingsRoutes } from "./modules/settings/security-settings.routes.js";
import { extensionsRoutes } from "./modules/extensions/extensions.routes.js";
import { dashboardRoutes, healthRoutes } from "./modules/health/health.routes.js";
import { usersRoutes } from "./modules/users/users.routes.js";
import { deploymentsRoutes } from "./modules/deployments/deployments.routes.js";
import { phonesRoutes } from "./modules/phones/phones.routes.js";
import { firmwareRoutes } from "./modules/firmware/firmware.routes.js";
import { fileStoreRoutes } from "./modules/file-store/file-store.routes.js";
import { profilesRoutes } from "./modules/profiles/profiles.routes.js";
import { directoryRoutes } from "./modules/directory/directory.routes.js";
import { CISCO_CONTENT_TYPE, renderCiscoXml } from "./modules/services/cisco-xml.js";
import { ciscoRoutes } from "./modules/services/cisco.routes.js";
import { errorPage } from "./modules/services/phone-pages.js";
import { servicesRoutes } from "./modules/services/services.routes.js";
import { createProvisionHttp } from "./modules/provisioning/provision-http.js";
import { VERSION } from "./version.js";
import {
  endpointManagerRoutes,
  provisionRoutes,
  provisioningApiRoutes,
} from "./modules/provisioning/provisioning.routes.js";

export const API_PREFIX = "/api/v1";

/** Paths that are never the SPA: unknown ones there answer JSON 404, not index.html. */
const NON_SPA_PREFIXES = ["/api/", "/cisco/", "/provision/", "/provisioning/", "/console/"];

export async function buildApp(deps: Deps): Promise<FastifyInstance> {
  const clientIpOf = createClientIpSource(async () => (await deps.security.policy()).trustedProxies);
  const provisionHttp = createProvisionHttp({
    provisioning: deps.provisioning,
    auth: deps.provisioningAuth,
    clientIp: clientIpOf,
    log: deps.log as FastifyBaseLogger,
  });
  let closing = false;
  const app = Fastify({
    // The app's one logger (deps.log): requests and services log through the same pino instance.
    loggerInstance: deps.log as FastifyBaseLogger,
    // Behind a reverse proxy the operator configures trusted proxies; directly exposed, the socket address is the truth.
    trustProxy: false,
    bodyLimit: 5 * 1024 * 1024,
    // Errors before routing (bad URL, oversized parameter or headers) answer the one error shape too.
    frameworkErrors: frameworkErrorHandler(phoneErrorXml),
    clientErrorHandler,
    // A provisioning storm's plain `GET /provision/<file>` is answered before routing (provision-http.ts); while
    // closing, everything goes to Fastify (which answers 503).
    serverFactory: (handler, options) =>
      phoneFastPathServer(handler, options, (req, res) => !closing && provisionHttp.takeFastPath(req, res)),
  });
  app.addHook("preClose", async () => {
    closing = true;
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest("principal", null);

  registerClientIp(app, clientIpOf);
  await registerSecurityHeaders(app, deps);
  registerErrorHandler(app, phoneErrorXml);
  registerNulGuard(app);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Cisisk API",
        version: VERSION,
        description: "Asterisk IP-phone console: users, extensions, phones, profiles, directory, services.",
      },
      components: {
        securitySchemes: {
          bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
          apiKey: { type: "apiKey", in: "header", name: "X-API-Key" },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  // How each kind of principal is recognised (only console sessions are issued today).
  const requirePrincipal = createRequirePrincipal({
    admin_session: async (request) => {
      const token = bearerToken(request);
      if (token) return deps.auth.authenticate(token, request.clientIp);
      // HTTP Basic with the admin's credentials, only when the security settings allow it.
      return deps.auth.authenticateBasic(request.headers.authorization, {
        ip: request.clientIp,
        userAgent: request.headers["user-agent"] ?? null,
      });
    },
    api_key: async (request) => {
      const key = apiKeyHeader(request);
      return key ? deps.apiKeys.authenticate(key, clientIp(request)) : null;
    },
    account: async (request) => {
      const token = bearerToken(request);
      return token ? deps.accounts.authenticate(token) : null;
    },
  });

  // ── /api/v1: one list of every module, public first, then the console behind the auth hook.
  await app.register(
    async (api) => {
      api.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
      await api.register(healthRoutes(deps.health));
      await api.register(
        authRoutes(
          deps.auth,
          deps.passkeys,
          requirePrincipal,
          async () => (await deps.security.policy()).tokenValidityDays,
        ),
      );
      await api.register(accountRoutes(deps.accounts, requirePrincipal));
      await api.register(async (consoleApi) => {
        consoleApi.addHook("onRequest", requirePrincipal("admin_session", "api_key"));
        await consoleApi.register(accountsAdminRoutes(deps.accounts));
        await consoleApi.register(apiKeysRoutes(deps.apiKeys));
        await consoleApi.register(dashboardRoutes(deps.health));
        await consoleApi.register(usersRoutes(deps.users));
        await consoleApi.register(securitySettingsRoutes(deps.security));
        await consoleApi.register(phonesRoutes(deps.phones));
        await consoleApi.register(firmwareRoutes(deps.firmware));
        await consoleApi.register(fileStoreRoutes(deps.fileStore));
        await consoleApi.register(profilesRoutes(deps.profiles));
        await consoleApi.register(deploymentsRoutes(deps.deployments));
        await consoleApi.register(extensionsRoutes(deps.extensions));
        await consoleApi.register(directoryRoutes(deps.directory));
        await consoleApi.register(servicesRoutes(deps.services, deps.config.phone_services.base_url));
        await consoleApi.register(provisioningApiRoutes(deps.provisioning));
      });
    },
    { prefix: API_PREFIX },
  );

  // ── Phone-facing (no console auth): what each phone vendor's firmware calls back (Cisco: /cisco/authenticate).
  for (const driver of deps.vendors.all) if (driver.routes) await app.register(driver.routes);
  app.addHook("onClose", async () => deps.phoneFiles.close());

  // ── Phone-facing XML services (no console auth: phones are identified by the MAC in the URL).
  await app.register(ciscoRoutes(deps.phoneXml, deps.config.phone_services.base_url));
  // ── Linphone remote provisioning (the single-use token in the URL is the credential).
  await app.register(provisioningRoutes(deps.accounts));

  // ── Zero-touch provisioning: /provision/<file> for phones, the endpoint manager's console API at the seed's paths.
  await app.register(provisionRoutes(provisionHttp));
  app.addHook("onClose", async () => {
    deps.sipNotifier.close();
    await deps.provisioning.flushHits();
  });
  await app.register(async (consoleRoutes) => {
    consoleRoutes.addHook("onRequest", requirePrincipal("admin_session"));
    await consoleRoutes.register(endpointManagerRoutes(deps.provisioning));
  });

  await app.register(fastifySwaggerUi, { routePrefix: "/api/docs" });

  await registerConsole(app, deps.config.server.webDistDir);
  return app;
}

/**
 * Security headers on every answer (@fastify/helmet): a CSP that allows only our own scripts, no plugins, no
 * framing; nosniff; no referrer; HSTS only on TLS connections (a plain-http LAN console must stay reachable).
 * API answers are never cached. With HTTP Basic on, a 401 from the API carries the Basic challenge; off, none.
 */
async function registerSecurityHeaders(app: FastifyInstance, deps: Deps): Promise<void> {
  await app.register(fastifyCookie);
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // Mantine and Swagger UI set styles from scripts.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", "data:", "blob:"],
        fontSrc: ["'self'", "data:"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    strictTransportSecurity: false,
    referrerPolicy: { policy: "no-referrer" },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook("onSend", async (request, reply) => {
    if (request.protocol === "https") reply.header("strict-transport-security", "max-age=31536000; includeSubDomains");
    if (request.url.startsWith(`${API_PREFIX}/`)) {
      reply.header("cache-control", "no-store");
      // The challenge is for API clients: not the console (its calls carry the CSRF header), not the login paths.
      const apiClient =
        request.headers["x-cisisk-csrf"] === undefined && !request.url.startsWith(`${API_PREFIX}/auth/`);
      if (reply.statusCode === 401 && apiClient) {
        const basic = await deps.security
          .policy()
          .then((p) => p.apiBasicAuth)
          .catch(() => false);
        if (basic) reply.header("www-authenticate", 'Basic realm="cisisk", charset="UTF-8"');
      }
    }
  });
}

/**
 * The HTTP server Fastify would create (same timeouts), whose request handler first offers each request to
 * `fastPath`; what it does not take goes to Fastify.
 */
function phoneFastPathServer(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  options: FastifyServerOptions,
  fastPath: (req: IncomingMessage, res: ServerResponse) => boolean,
): Server {
  const server = http.createServer((req, res) => {
    if (!fastPath(req, res)) handler(req, res);
  });
  server.keepAliveTimeout = options.keepAliveTimeout ?? 72_000;
  server.requestTimeout = options.requestTimeout ?? 0;
  server.setTimeout(options.connectionTimeout ?? 0);
  if (options.maxRequestsPerSocket) server.maxRequestsPerSocket = options.maxRequestsPerSocket;
  return server;
}

/** The phone-facing error page (any family renders the same Text object). */
const phoneErrorXml = (message: string) => renderCiscoXml(errorPage(message).object, "79xx");

/** Serves the built console and answers deep links (/users, /phones…) with index.html. */
async function registerConsole(app: FastifyInstance, distDir: string): Promise<void> {
  const indexHtml = path.join(distDir, "index.html");
  const hasConsole = existsSync(indexHtml);
  if (hasConsole) {
    await app.register(fastifyStatic, {
      root: distDir,
      prefix: "/",
      wildcard: false,
      index: ["index.html"],
      // Vite names assets by content hash: they never change, so browsers may keep them.
      setHeaders: (reply, filePath) => {
        if (filePath.includes(`${path.sep}assets${path.sep}`))
          reply.header("cache-control", "public, max-age=31536000, immutable");
      },
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const urlPath = request.url.split("?")[0]!;
    const isSpaRoute =
      hasConsole &&
      request.method === "GET" &&
      !NON_SPA_PREFIXES.some((p) => urlPath.startsWith(p)) &&
      !path.extname(urlPath);
    if (isSpaRoute) return reply.type("text/html; charset=utf-8").sendFile("index.html");
    if (urlPath.startsWith("/cisco/")) return reply.code(200).type(CISCO_CONTENT_TYPE).send(phoneErrorXml("Not found"));
    return reply.code(404).send(errorBody("not_found", `no route ${request.method} ${urlPath}`));
  });
}
