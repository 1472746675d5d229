import type { FieldDefinition } from "@/lib/segments/fields";

/** Everything the builder offers in its pickers, loaded by the page for the acting user. */
export type BuilderOptions = {
  databases: { id: number; name: string; profileCount: number; fields: FieldDefinition[] }[];
  mailings: { id: number; name: string; databaseId: number }[];
  dynamicSegments: { id: number; name: string; databaseId: number }[];
  staticSegments: { id: number; name: string; databaseId: number }[];
  accessGroups: { id: number; name: string }[];
  tags: string[];
  /** Behaviour event types seen in each database (for suggestions; any type may be typed). */
  eventTypes: Record<number, string[]>;
};

/** The form's values as the server receives them. */
export type SegmentFormValues = {
  id?: number;
  name: string;
  databaseId: number | null;
  rangeFrom: number;
  rangeTo: number;
  conditions: unknown;
  limit: number | null;
  description: string;
  tags: string[];
  accessGroupIds: number[];
};
