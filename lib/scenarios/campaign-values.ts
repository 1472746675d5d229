/** What the create form of a scenario or a mailing posts, as typed: a failed post shows it again. */
export type CampaignValues = { name: string; databaseId: string; segmentId: string };

export function campaignValues(form: FormData): CampaignValues {
  return { name: String(form.get("name") ?? ""), databaseId: String(form.get("databaseId") ?? ""), segmentId: String(form.get("segmentId") ?? "") };
}

/** The posted form as the create schemas read it: no database is 0 (refused as "Choose a profile database."), no segment is null. */
export function campaignInput(form: FormData) {
  const values = campaignValues(form);
  return { name: values.name, databaseId: Number(values.databaseId) || 0, segmentId: Number(values.segmentId) || null };
}
