import { publicRoute } from "@/lib/api/handler";
import { openApiDocument } from "@/lib/api/openapi";

let cached: unknown;

export const GET = publicRoute("api.openapi", async () => Response.json((cached ??= openApiDocument())));
