import {
  createUserSchema,
  errorBodySchema,
  idParamsSchema,
  listUsersQuerySchema,
  updateUserSchema,
  userListSchema,
  userSchema,
} from "@cisisk/contract";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import { principalOf } from "../../http/authenticate.js";
import type { UsersService } from "./users.service.js";

/** Who acts: the console user, or an API key (which is never a user, so never "yourself"). */
function actorOf(request: FastifyRequest): string {
  const p = principalOf(request, "admin_session", "api_key");
  return p.kind === "admin_session" ? p.user.id : `api-key:${p.keyId}`;
}

const errors = {
  400: errorBodySchema,
  401: errorBodySchema,
  403: errorBodySchema,
  404: errorBodySchema,
  409: errorBodySchema,
};

export function usersRoutes(users: UsersService) {
  return async (app: FastifyInstance) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const tags = ["users"];

    r.get(
      "/users",
      {
        schema: {
          tags,
          summary: "List users",
          querystring: listUsersQuerySchema,
          response: { 200: userListSchema, ...errors },
        },
      },
      async (request) => users.list(request.query),
    );
    r.post(
      "/users",
      { schema: { tags, summary: "Create a user", body: createUserSchema, response: { 201: userSchema, ...errors } } },
      async (request, reply) => reply.code(201).send(await users.create(request.body)),
    );
    r.get(
      "/users/:id",
      { schema: { tags, summary: "Get a user", params: idParamsSchema, response: { 200: userSchema, ...errors } } },
      async (request) => users.get(request.params.id),
    );
    r.patch(
      "/users/:id",
      {
        schema: {
          tags,
          summary: "Update a user",
          params: idParamsSchema,
          body: updateUserSchema,
          response: { 200: userSchema, ...errors },
        },
      },
      async (request) => users.update(request.params.id, request.body, actorOf(request)),
    );
    r.delete(
      "/users/:id",
      { schema: { tags, summary: "Delete a user", params: idParamsSchema, response: { 204: z.null(), ...errors } } },
      async (request, reply) => {
        await users.delete(request.params.id, actorOf(request));
        return reply.code(204).send(null);
      },
    );
  };
}
