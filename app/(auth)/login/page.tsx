import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { LoginForm } from "@/components/auth/login-form";
import { currentUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string }> }) {
  if (await currentUser()) redirect("/segments/dynamic");
  const { callbackUrl } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center bg-muted/40 px-4">
      <div className="w-full max-w-sm">
        <div className="mb-6 text-center">
          <div className="mx-auto mb-3 flex size-10 items-center justify-center rounded-lg bg-primary text-lg font-semibold text-primary-foreground">
            DS
          </div>
          <h1 className="text-xl font-semibold">Sign in to Dynamic Segments</h1>
          <p className="mt-1 text-sm text-muted-foreground">Choose who gets your next mailing.</p>
        </div>
        <LoginForm callbackUrl={callbackUrl ?? ""} />
      </div>
    </main>
  );
}
