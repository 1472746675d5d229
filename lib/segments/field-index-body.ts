import { z } from "zod";

/** `PUT /api/v1/databases/{id}/fields/{key}/index`: whether the field is to be indexed. */
export const fieldIndexBody = z.strictObject({ indexed: z.boolean() });
