"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { z } from "zod";
import { definePublicFormAction } from "@/lib/actions/define-action";
import { AppError } from "@/lib/errors";
import { clientAddress, signIn, signInSchema, signOut } from "./auth";
import { lockedUntil, retryMessage, throttleKeys } from "./throttle";

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

const text = (form: FormData, name: string) => String(form.get(name) ?? "");

/** Sign in: the one action without a session. Throttled per account and per address; a success redirects. */
export const signInAction = definePublicFormAction({
  key: "session.signIn",
  read: (form) => ({ email: text(form, "email"), password: text(form, "password"), callbackUrl: safeCallback(form.get("callbackUrl")) }),
  keep: (form) => ({ email: text(form, "email") }),
  input: signInSchema.extend({ callbackUrl: z.string() }),
  handler: async ({ callbackUrl, ...credentials }, { db }) => {
    const keys = throttleKeys(credentials.email, clientAddress(await headers()));
    const locked = await lockedUntil(db, keys);
    if (locked) throw new AppError("rate_limited", retryMessage(locked));
    try {
      await signIn("credentials", { ...credentials, redirectTo: callbackUrl });
    } catch (error) {
      if (!(error instanceof AuthError)) throw error; // the redirect that completes a successful sign-in
      const nowLocked = await lockedUntil(db, keys);
      throw nowLocked ? new AppError("rate_limited", retryMessage(nowLocked)) : new AppError("unauthorized", "Email or password is incorrect.");
    }
  },
});

/** Ends the session record (Auth.js's signOut event) and clears the cookie, even for an ended session. */
export const signOutAction = definePublicFormAction({
  key: "session.signOut",
  read: () => ({}),
  input: z.object({}),
  handler: () => signOut({ redirectTo: "/login" }),
});
