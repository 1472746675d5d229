import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createMailing, listMailings } from "@/lib/mailings/queries";
import { makeWorld, rejection } from "@/lib/segment-actions/testing";
import { makeSegment } from "@/db/testing/fixtures";
import { dependentObjects } from "@/lib/dynamic-segments/lifecycle";
import { createScenario, getScenario, listParticipants, listScenarios } from "./queries";

describe("scenarios and mailings", () => {
  it("creates a scenario fed by a segment of its database and lists it with participants", async () => {
    const w = await makeWorld();
    const scenario = await createScenario(w.db, w.marketer, { name: "Welcome", databaseId: w.source.id, segmentId: w.berliners.id });
    await w.db.execute(sql`insert into scenario_participants (scenario_id, profile_id) values (${scenario.id}, ${w.ids[0]}), (${scenario.id}, ${w.ids[1]})`);
    expect(await getScenario(w.db, w.marketer, scenario.id)).toMatchObject({ name: "Welcome", segmentName: "Berliners", participantCount: 2 });
    expect((await listScenarios(w.db, w.marketer)).map((s) => s.id)).toContain(scenario.id);
    const page = await listParticipants(w.db, w.marketer, scenario.id, { pageSize: 1 });
    expect(page.participants.map((p) => p.id)).toEqual([w.ids[0]]);
    expect(page.hasMore).toBe(true);
    expect((await dependentObjects(w.db, w.marketer, w.berliners.id)).scenarios).toEqual([{ id: scenario.id, name: "Welcome" }]);
  });

  it("creates a mailing to a segment, which then lists it among its dependent objects", async () => {
    const w = await makeWorld();
    const mailing = await createMailing(w.db, w.marketer, { name: "Spring sale", databaseId: w.source.id, segmentId: w.berliners.id });
    expect((await listMailings(w.db, w.marketer)).find((m) => m.id === mailing.id)).toMatchObject({ segmentName: "Berliners", databaseName: w.source.name });
    expect((await dependentObjects(w.db, w.marketer, w.berliners.id)).mailings).toEqual([{ id: mailing.id, name: "Spring sale" }]);
  });

  it("refuses a segment of another database, an invisible segment or database", async () => {
    const w = await makeWorld();
    const foreign = await makeSegment({ databaseId: w.other.id, name: "Partners" });
    expect((await rejection(createMailing(w.db, w.marketer, { name: "M", databaseId: w.source.id, segmentId: foreign.id }))).issues[0].path).toBe("segmentId");
    const secret = await makeSegment({ databaseId: w.source.id, groupIds: [w.team.id] });
    expect((await rejection(createScenario(w.db, w.outsider, { name: "S", databaseId: w.source.id, segmentId: secret.id }))).message).toBe("The segment was not found.");
    expect((await rejection(createScenario(w.db, w.outsider, { name: "S", databaseId: w.hidden.id }))).code).toBe("not_found");
    const hiddenScenario = await createScenario(w.db, w.marketer, { name: "Team only", databaseId: w.hidden.id });
    expect((await listScenarios(w.db, w.outsider)).map((s) => s.id)).not.toContain(hiddenScenario.id);
    expect((await rejection(getScenario(w.db, w.outsider, hiddenScenario.id))).code).toBe("not_found");
  });

  it("names a feeding segment only to those who may see it (an invisible one is shown by id only)", async () => {
    const w = await makeWorld();
    const secret = await makeSegment({ databaseId: w.source.id, name: "Team secret", groupIds: [w.team.id] });
    const scenario = await createScenario(w.db, w.marketer, { name: "Fed by a secret", databaseId: w.source.id, segmentId: secret.id });
    const mailing = await createMailing(w.db, w.marketer, { name: "Sent to a secret", databaseId: w.source.id, segmentId: secret.id });
    expect(await getScenario(w.db, w.marketer, scenario.id)).toMatchObject({ segmentId: secret.id, segmentName: "Team secret" });
    expect(await getScenario(w.db, w.outsider, scenario.id)).toMatchObject({ segmentId: secret.id, segmentName: null });
    expect((await listScenarios(w.db, w.outsider)).find((s) => s.id === scenario.id)).toMatchObject({ segmentName: null });
    expect((await listMailings(w.db, w.marketer)).find((m) => m.id === mailing.id)).toMatchObject({ segmentName: "Team secret" });
    expect((await listMailings(w.db, w.outsider)).find((m) => m.id === mailing.id)).toMatchObject({ segmentId: secret.id, segmentName: null });
  });
});
