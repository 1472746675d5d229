import { cache } from "react";
import { getDb } from "@/db/client";
import { touchLiveSession } from "./user-sessions";

/**
 * Whether the session record behind a cookie may still be used, asked once per request (the Auth.js
 * callback and `currentUser()` share the answer).
 */
export const liveSession = cache(async (sid: unknown, uid: unknown): Promise<boolean> => {
  const userId = Number(uid);
  if (typeof sid !== "string" || !Number.isSafeInteger(userId)) return false;
  return touchLiveSession(await getDb(), sid, userId);
});
