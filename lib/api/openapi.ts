import { z } from "zod";
import { policy, type PolicyKey } from "@/lib/access/policy";
import { fieldIndexBody } from "@/lib/segments/field-index-body";
import { SHOW_LIMIT } from "@/lib/segments/selection";
import {
  accessGroupSchema,
  addMemberBody,
  createDatabaseBody,
  createMailingBody,
  createSegmentBody,
  databaseSchema,
  errorSchema,
  eventsBody,
  explainBody,
  explainQuery,
  explanationSchema,
  exportQuery,
  funnelSchema,
  idParam,
  impactBody,
  impactSchema,
  mailingSchema,
  memberSchema,
  previewBody,
  profileSchema,
  profilesBody,
  segmentListQuery,
  segmentSchema,
  updateSegmentBody,
  versionSchema,
} from "./schemas";

/**
 * The OpenAPI 3.1 document of API v1, generated from the same zod schemas the endpoints parse with by
 * zod's own `z.toJSONSchema()` (OpenAPI 3.1 uses JSON Schema 2020-12 as it is), so it cannot drift
 * from them. Requests are described by the schemas' input, responses by their output; a schema with a
 * `.meta({ id })` becomes a component that every use refers to.
 */
type Content = Record<string, { schema: z.ZodType }>;
type Response = { description: string; content?: Content };
type Responses = Record<string, Response>;
type Operation = {
  operationId?: string;
  summary: string;
  description?: string;
  requestParams?: { path?: z.ZodObject; query?: z.ZodObject };
  requestBody?: { content: Content };
  responses: Responses;
};
type JsonSchema = Record<string, unknown>;

const jsonContent = (schema: z.ZodType) => ({ content: { "application/json": { schema } } });

const errors = (...statuses: number[]): Responses =>
  Object.fromEntries(
    statuses.map((s) => [
      String(s),
      {
        description:
          { 400: "Bad input (issues say where)", 401: "No or bad token", 403: "Your role does not allow this", 404: "Absent, or not visible to you", 409: "Conflict", 413: "Body too large", 429: "Rate limited (see Retry-After)" }[s] ??
          "Error",
        ...jsonContent(errorSchema),
      },
    ]),
  );

const common = [401, 429];

function op(key: PolicyKey, operation: Operation, errorStatuses: number[]): Operation {
  const entry = policy[key];
  const roles = entry.roles === "public" ? "anyone" : entry.roles.join(", ");
  return {
    ...operation,
    operationId: operation.operationId ?? key,
    description: [operation.description, `Permission: \`${key}\` — roles: ${roles}.`].filter(Boolean).join("\n\n"),
    responses: { ...operation.responses, ...errors(...common, ...errorStatuses) },
  };
}

/** Renders zod schemas as JSON Schema, collecting the ones with an id into `components.schemas`. */
class SchemaRenderer {
  readonly components: Record<string, JsonSchema> = {};

  render(schema: z.ZodType, io: "input" | "output"): JsonSchema {
    const { $schema: _dialect, $defs, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
    for (const [id, def] of Object.entries(($defs ?? {}) as Record<string, JsonSchema>)) {
      const component = this.toComponentRefs(def);
      if (id in this.components && JSON.stringify(this.components[id]) !== JSON.stringify(component)) {
        throw new Error(`The schema "${id}" differs between its uses (its input and output differ?): give each its own id.`);
      }
      this.components[id] = component;
    }
    return this.toComponentRefs(json);
  }

  private toComponentRefs(json: JsonSchema): JsonSchema {
    return JSON.parse(JSON.stringify(json).replaceAll('"#/$defs/', '"#/components/schemas/'));
  }

  content(content: Content, io: "input" | "output") {
    return Object.fromEntries(Object.entries(content).map(([type, { schema }]) => [type, { schema: this.render(schema, io) }]));
  }

  parameters(params: Operation["requestParams"]) {
    return (["path", "query"] as const).flatMap((place) => {
      const object = params?.[place];
      if (!object) return [];
      const json = this.render(object, "input") as { properties: Record<string, JsonSchema>; required?: string[] };
      return Object.entries(json.properties).map(([name, schema]) => ({
        in: place,
        name,
        schema,
        ...(json.required?.includes(name) ? { required: true } : {}),
        ...(typeof schema.description === "string" ? { description: schema.description } : {}),
      }));
    });
  }

  operation({ requestParams, requestBody, responses, ...rest }: Operation) {
    const parameters = this.parameters(requestParams);
    return {
      ...rest,
      ...(parameters.length ? { parameters } : {}),
      ...(requestBody ? { requestBody: { content: this.content(requestBody.content, "input") } } : {}),
      responses: Object.fromEntries(
        Object.entries(responses).map(([status, { description, content }]) => [status, { description, ...(content ? { content: this.content(content, "output") } : {}) }]),
      ),
    };
  }
}

function createDocument({ paths, components, ...document }: { paths: Record<string, Record<string, Operation>>; components: { securitySchemes: Record<string, unknown> } } & Record<string, unknown>) {
  const renderer = new SchemaRenderer();
  const renderedPaths = Object.fromEntries(
    Object.entries(paths).map(([path, methods]) => [path, Object.fromEntries(Object.entries(methods).map(([method, operation]) => [method, renderer.operation(operation)]))]),
  );
  return { ...document, paths: renderedPaths, components: { schemas: renderer.components, ...components } };
}

const segmentAnswer = (description: string) => ({ description, ...jsonContent(segmentSchema) });
const path = { path: idParam };

export function openApiDocument() {
  return createDocument({
    openapi: "3.1.0",
    info: {
      title: "Dynamic Segments API",
      version: "1.0.0",
      description:
        "JSON over HTTPS. Authenticate with `Authorization: Bearer <token>` (Settings → API tokens, or `npm run token`). A token acts as its user, with the same access. Errors: `{ error: { code, message, issues: [{ path, message }] } }`.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", description: "An API token (ds_…)." } } },
    paths: {
      "/databases": {
        get: op("databases.list", { summary: "List profile databases", responses: { 200: { description: "Visible databases", ...jsonContent(z.object({ data: z.array(databaseSchema) })) } } }, []),
        post: op("databases.create", { summary: "Create a profile database", requestBody: jsonContent(createDatabaseBody), responses: { 201: { description: "Created", ...jsonContent(databaseSchema) } } }, [400, 403, 409, 413]),
      },
      "/databases/{id}/profiles": {
        post: op(
          "profiles.import",
          { summary: "Insert profiles (all or nothing)", requestParams: path, requestBody: jsonContent(profilesBody), responses: { 201: { description: "New ids in input order", ...jsonContent(z.object({ ids: z.array(z.int()) })) } } },
          [400, 403, 404, 413],
        ),
      },
      "/databases/{id}/events": {
        post: op(
          "events.import",
          { summary: "Insert events (all or nothing)", requestParams: path, requestBody: jsonContent(eventsBody), responses: { 201: { description: "Inserted", ...jsonContent(z.object({ inserted: z.int() })) } } },
          [400, 403, 404, 413],
        ),
      },
      "/databases/{id}/fields/{key}/index": {
        put: op(
          "databases.indexField",
          {
            summary: "Mark a custom field as indexed or not (its conditions then use an expression index)",
            requestParams: { path: z.object({ id: z.string(), key: z.string() }) },
            requestBody: jsonContent(fieldIndexBody),
            responses: { 200: { description: "The field's new state", ...jsonContent(z.object({ key: z.string(), indexed: z.boolean() })) } },
          },
          [400, 403, 404, 413],
        ),
      },
      "/mailings": {
        post: op("mailings.create", { summary: "Create a mailing", requestBody: jsonContent(createMailingBody), responses: { 201: { description: "Created", ...jsonContent(mailingSchema) } } }, [400, 403, 404, 413]),
      },
      "/segments/preview": {
        post: op(
          "segments.show",
          {
            summary: "Preview a rule (quick segment)",
            description: `The count and the first ${SHOW_LIMIT} profiles in id order.`,
            requestBody: jsonContent(previewBody),
            responses: { 200: { description: "Count and first profiles", ...jsonContent(z.object({ count: z.int(), profiles: z.array(profileSchema) })) } },
          },
          [400, 403, 404, 413],
        ),
      },
      "/segments/explain": {
        post: op(
          "segments.explain",
          {
            summary: "Why is this profile in or out? (a rule that is not saved)",
            description:
              "The rule evaluated by the database for one profile of its database, with the selection's own predicates: the range key and bounds, each group's and condition's verdict with its evidence, the rank under the limit, and the final verdict, which always equals membership in the selection.",
            requestBody: jsonContent(explainBody),
            responses: { 200: { description: "The evaluated tree", ...jsonContent(explanationSchema) } },
          },
          [400, 403, 404, 413],
        ),
      },
      "/segments/funnel": {
        post: op(
          "segments.funnel",
          {
            summary: "Condition funnel of a rule that is not saved",
            description:
              "One statement over the database's profiles: its size, inside the range, each group (inside an and group after each condition in order, inside an or group each condition alone), the groups combined, after the limit. `count` (the last step) equals Calculate.",
            requestBody: jsonContent(previewBody),
            responses: { 200: { description: "Steps and the final count", ...jsonContent(funnelSchema) } },
          },
          [400, 403, 404, 413],
        ),
      },
      "/segments/{id}/explain": {
        get: op(
          "segments.explain",
          {
            operationId: "segments.explain.saved",
            summary: "Why is this profile in or out of a saved segment?",
            requestParams: { path: idParam, query: explainQuery },
            responses: { 200: { description: "The evaluated tree", ...jsonContent(explanationSchema) } },
          },
          [400, 404],
        ),
      },
      "/segments/{id}/funnel": {
        get: op(
          "segments.funnel",
          { operationId: "segments.funnel.saved", summary: "Condition funnel of a saved segment", requestParams: path, responses: { 200: { description: "Steps and the final count", ...jsonContent(funnelSchema) } } },
          [404],
        ),
      },
      "/segments": {
        get: op(
          "segments.list",
          {
            summary: "List dynamic segments",
            requestParams: { query: segmentListQuery },
            responses: { 200: { description: "One page", ...jsonContent(z.object({ data: z.array(segmentSchema), page: z.int(), page_size: z.int(), total: z.int() })) } },
          },
          [400],
        ),
        post: op("segments.create", { summary: "Save a segment (calculated once)", requestBody: jsonContent(createSegmentBody), responses: { 201: segmentAnswer("Created, with count") } }, [400, 403, 404, 413]),
      },
      "/segments/{id}": {
        get: op("segments.read", { summary: "Read a segment", requestParams: path, responses: { 200: segmentAnswer("The segment") } }, [404]),
        patch: op(
          "segments.update",
          { summary: "Change a segment (not its database)", requestParams: path, requestBody: jsonContent(updateSegmentBody), responses: { 200: segmentAnswer("Changed and recalculated") } },
          [400, 403, 404, 413],
        ),
        delete: op("segments.bin", { summary: "Move a segment to the bin", requestParams: path, responses: { 200: segmentAnswer("Binned (deleted_at set)") } }, [404]),
      },
      "/segments/{id}/calculate": {
        post: op(
          "segments.calculate",
          { summary: "Calculate a saved segment", requestParams: path, responses: { 200: { description: "Count", ...jsonContent(z.object({ count: z.int(), calculated_at: z.string() })) } } },
          [404],
        ),
      },
      "/segments/{id}/profiles": {
        get: op(
          "segments.exportProfiles",
          {
            summary: "Export the whole selection (streamed, id order)",
            description: "CSV per RFC 4180 (header row; a text cell starting with =, +, -, @, tab or CR gets a leading '; numbers stay numbers) or NDJSON (one profile per line).",
            requestParams: { path: idParam, query: exportQuery },
            responses: {
              200: {
                description: "The profiles",
                content: { "text/csv": { schema: z.string() }, "application/x-ndjson": { schema: z.string() } },
              },
            },
          },
          [400, 404],
        ),
      },
      "/segments/{id}/versions": {
        get: op(
          "segments.read",
          {
            operationId: "segments.versions.list",
            summary: "The versions of a segment's definition, oldest first",
            description: "Every save that changes the range, conditions or limit (compared by meaning) writes version n = 1, 2, …; versions are immutable.",
            requestParams: path,
            responses: { 200: { description: "Versions", ...jsonContent(z.object({ data: z.array(versionSchema) })) } },
          },
          [404],
        ),
      },
      "/segments/{id}/versions/{n}": {
        get: op(
          "segments.read",
          {
            operationId: "segments.versions.read",
            summary: "One version of a segment's definition",
            requestParams: { path: z.object({ id: idParam.shape.id, n: idParam.shape.id }) },
            responses: { 200: { description: "The version", ...jsonContent(versionSchema) } },
          },
          [404],
        ),
      },
      "/segments/{id}/versions/{n}/restore": {
        post: op(
          "segments.restoreVersion",
          {
            summary: "Restore a version: save its definition as a new version",
            requestParams: { path: z.object({ id: idParam.shape.id, n: idParam.shape.id }) },
            responses: { 201: { description: "The new version", ...jsonContent(versionSchema) } },
          },
          [400, 404, 409],
        ),
      },
      "/segments/{id}/impact": {
        post: op(
          "segments.impact",
          {
            summary: "Preview the impact of a draft definition",
            description:
              "How many profiles would enter (draft ∖ saved), leave (saved ∖ draft) and stay, with the first 20 ids of entering and leaving, computed in one statement on one snapshot. Absent fields of the draft keep their saved values.",
            requestParams: path,
            requestBody: jsonContent(impactBody),
            responses: { 200: { description: "Entering, leaving, staying", ...jsonContent(impactSchema) } },
          },
          [400, 404, 413],
        ),
      },
      "/segments/{id}/clone": {
        post: op("segments.clone", { summary: "Clone a segment", requestParams: path, responses: { 201: segmentAnswer("The clone") } }, [404]),
      },
      "/access-groups": {
        get: op("accessGroups.list", { summary: "Your access groups (admins: all)", responses: { 200: { description: "Groups", ...jsonContent(z.object({ data: z.array(accessGroupSchema) })) } } }, []),
      },
      "/access-groups/{id}/members": {
        post: op(
          "accessGroups.manageMembers",
          { operationId: "accessGroups.manageMembers.add", summary: "Add a member by email (leads of the group, admins)", requestParams: path, requestBody: jsonContent(addMemberBody), responses: { 201: { description: "Added", ...jsonContent(memberSchema) } } },
          [400, 403, 404, 409, 413],
        ),
      },
      "/access-groups/{id}/members/{userId}": {
        delete: op(
          "accessGroups.manageMembers",
          {
            operationId: "accessGroups.manageMembers.remove",
            summary: "Remove a member (leads of the group: not leads; admins: anyone)",
            requestParams: { path: z.object({ id: idParam.shape.id, userId: idParam.shape.id }) },
            responses: { 204: { description: "Removed" } },
          },
          [403, 404],
        ),
      },
      "/segments/{id}/restore": {
        post: op("segments.restore", { summary: "Restore a segment from the bin", requestParams: path, responses: { 200: segmentAnswer("Restored") } }, [404]),
      },
    },
  });
}
