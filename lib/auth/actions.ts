"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { getDb } from "@/db/client";
import { publicAction } from "@/lib/actions/safe-action";
import { clientAddress, signIn, signInSchema, signOut } from "./auth";
import { lockedUntil, retryMessage, throttleKeys } from "./throttle";

export type SignInState = { message?: string; email?: string };

/** Only a same-site path may follow a sign-in (no open redirects, no host mix-ups). */
function safeCallback(value: FormDataEntryValue | null): string {
  const text = typeof value === "string" ? value : "";
  try {
    const url = new URL(text, "http://placeholder.local");
    const target = url.pathname + url.search;
    return target.startsWith("/") && !target.startsWith("//") && !target.startsWith("/login") ? target : "/segments/dynamic";
  } catch {
    return "/segments/dynamic";
  }
}

export async function signInAction(_prev: SignInState, formData: FormData): Promise<SignInState> {
  publicAction("session.signIn");
  const parsed = signInSchema.safeParse({ email: formData.get("email"), password: formData.get("password") });
  const email = typeof formData.get("email") === "string" ? String(formData.get("email")) : "";
  if (!parsed.success) return { message: parsed.error.issues[0]?.message ?? "Enter your email and password.", email };
  const keys = throttleKeys(parsed.data.email, clientAddress(await headers()));
  const db = await getDb();
  const locked = await lockedUntil(db, keys);
  if (locked) return { message: retryMessage(locked), email };
  try {
    await signIn("credentials", { ...parsed.data, redirectTo: safeCallback(formData.get("callbackUrl")) });
    return {};
  } catch (error) {
    if (error instanceof AuthError) {
      const nowLocked = await lockedUntil(db, keys);
      return { message: nowLocked ? retryMessage(nowLocked) : "Email or password is incorrect.", email };
    }
    throw error; // the redirect that completes a successful sign-in
  }
}

/** Ends the session record (Auth.js's signOut event) and clears the cookie, even for an ended session. */
export async function signOutAction(): Promise<void> {
  publicAction("session.signOut");
  await signOut({ redirectTo: "/login" });
}
