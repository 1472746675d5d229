import "server-only";
import type { Db } from "@/db/client";
import { requireVisibleDatabase } from "@/lib/access/guards";
import type { ActingUser } from "@/lib/access/acting-user";
import { listDatabases } from "@/lib/databases/queries";
import { listScenarios } from "@/lib/scenarios/queries";
import type { FieldDefinition } from "@/lib/segments/fields";
import { listStaticSegments } from "@/lib/static-segments/queries";

/** What the action dialogs of one source database offer this user (only what they may see). */
export type ActionTargets = {
  databaseId: number;
  fields: FieldDefinition[];
  databases: { id: number; name: string; fields: FieldDefinition[] }[];
  staticSegments: { id: number; name: string; memberCount: number }[];
  scenarios: { id: number; name: string; participantCount: number }[];
};

export async function actionTargets(db: Db, user: ActingUser, databaseId: number): Promise<ActionTargets> {
  await requireVisibleDatabase(db, user, databaseId);
  const [databases, staticSegments, scenarios] = await Promise.all([
    listDatabases(db, user),
    listStaticSegments(db, user, { databaseId }),
    listScenarios(db, user, { databaseId }),
  ]);
  return {
    databaseId,
    fields: databases.find((d) => d.id === databaseId)?.fields ?? [],
    databases: databases.filter((d) => d.id !== databaseId).map((d) => ({ id: d.id, name: d.name, fields: d.fields })),
    staticSegments: staticSegments.map((s) => ({ id: s.id, name: s.name, memberCount: s.memberCount })),
    scenarios: scenarios.map((s) => ({ id: s.id, name: s.name, participantCount: s.participantCount })),
  };
}
