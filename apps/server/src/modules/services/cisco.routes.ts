import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { CISCO_CONTENT_TYPE, refreshHeader, renderCiscoXml } from "./cisco-xml.js";
import type { PhoneRequest, PhoneXmlService } from "./phone-xml.service.js";
import { phoneBaseUrl } from "./services.routes.js";

type Query = Record<string, string | undefined>;

/** First value of a query parameter (a phone may repeat one); anything but a string is ignored. */
function one(v: unknown): string | undefined {
  if (Array.isArray(v)) return one(v[0]);
  return typeof v === "string" ? v : undefined;
}

/**
 * The XML pages phones fetch (no console auth: the phone is identified by the `mac` in the URL). Every
 * answer is 200 `text/xml; charset=utf-8`, errors included, because a phone displays only XML it can parse.
 */
export function ciscoRoutes(phoneXml: PhoneXmlService, baseUrl: string | undefined) {
  return async (app: FastifyInstance) => {
    const phoneRequest = (request: FastifyRequest): PhoneRequest => ({
      mac: one((request.query as Query).mac),
      modelHeader: one(request.headers["x-ciscoipphonemodelname"]),
      base: phoneBaseUrl(baseUrl, request),
    });
    const q = (request: FastifyRequest, name: string) => one((request.query as Query)[name]);

    async function send(reply: FastifyReply, result: Awaited<ReturnType<PhoneXmlService["directoryMenu"]>>) {
      const { page, family } = result;
      if (page.refresh) {
        reply.header("Refresh", refreshHeader(page.refresh));
        // Already expired: "Logged in"/"Logged out" must not stay on the phone's URL stack for "<<".
        reply.header("Expires", "Thu, 01 Jan 1970 00:00:00 GMT");
      }
      return reply.code(200).type(CISCO_CONTENT_TYPE).send(renderCiscoXml(page.object, family));
    }

    const opts = { schema: { hide: true } };
    app.get("/cisco/directory", opts, async (req, reply) =>
      send(reply, await phoneXml.directoryMenu(phoneRequest(req))),
    );
    app.get("/cisco/directory/search", opts, async (req, reply) =>
      send(reply, await phoneXml.directorySearch(phoneRequest(req))),
    );
    app.get("/cisco/directory/results", opts, async (req, reply) =>
      send(
        reply,
        await phoneXml.directoryResults(phoneRequest(req), {
          f: q(req, "f"),
          l: q(req, "l"),
          n: q(req, "n"),
          page: q(req, "page"),
        }),
      ),
    );
    app.get("/cisco/personal", opts, async (req, reply) =>
      send(reply, await phoneXml.personalDirectory(phoneRequest(req), { page: q(req, "page") })),
    );
    app.get("/cisco/services", opts, async (req, reply) => send(reply, await phoneXml.servicesMenu(phoneRequest(req))));
    app.get("/cisco/services/open", opts, async (req, reply) =>
      send(reply, await phoneXml.openService(phoneRequest(req), q(req, "id"))),
    );
    app.get("/cisco/login", opts, async (req, reply) =>
      send(reply, await phoneXml.login(phoneRequest(req), q(req, "next"))),
    );
    app.get("/cisco/login/submit", opts, async (req, reply) =>
      send(
        reply,
        await phoneXml.loginSubmit(phoneRequest(req), {
          user: q(req, "user"),
          pin: q(req, "pin"),
          next: q(req, "next"),
        }),
      ),
    );
    app.get("/cisco/logout", opts, async (req, reply) => send(reply, await phoneXml.logout(phoneRequest(req))));

    // URLs of the original Cisisk, still written in phones' SEP files: answered with the same pages (not a
    // redirect, which older firmware does not follow), never 404 JSON a phone cannot show.
    app.get("/cisco/services/dir", opts, async (req, reply) =>
      send(reply, await phoneXml.directoryMenu(phoneRequest(req))),
    );
    app.get("/cisco/services/cdir", opts, async (req, reply) =>
      send(reply, await phoneXml.directoryMenu(phoneRequest(req))),
    );
    app.get("/cisco/services/pdir", opts, async (req, reply) =>
      send(reply, await phoneXml.personalDirectory(phoneRequest(req), { page: q(req, "page") })),
    );
  };
}
