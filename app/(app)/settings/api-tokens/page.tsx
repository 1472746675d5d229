import type { Metadata } from "next";
import Link from "next/link";
import { ApiTokenForm } from "@/components/settings/api-token-form";
import { ApiTokenTable } from "@/components/settings/api-token-table";
import { EmptyState, PageHeader } from "@/components/shell/page-header";
import { getDb } from "@/db/client";
import { listApiTokens } from "@/lib/api-tokens/queries";
import { requireUser } from "@/lib/auth/session";

export const metadata: Metadata = { title: "API tokens" };

export default async function ApiTokensPage() {
  const user = await requireUser();
  const tokens = await listApiTokens(await getDb(), user);
  return (
    <>
      <PageHeader title="API tokens" description="Tokens for the HTTP API v1. A token acts as you, with exactly your access; it is shown once when you create it and stored only as a hash." />
      <section aria-labelledby="new-token" className="mb-8 space-y-3">
        <h2 id="new-token" className="text-lg font-semibold">
          New token
        </h2>
        <ApiTokenForm />
        <p className="text-sm text-muted-foreground">
          The API is described at{" "}
          <Link className="underline" href="/api/v1/openapi.json">
            /api/v1/openapi.json
          </Link>
          .
        </p>
      </section>
      <section aria-labelledby="your-tokens" className="space-y-3">
        <h2 id="your-tokens" className="text-lg font-semibold">
          Your tokens
        </h2>
        {tokens.length ? <ApiTokenTable tokens={tokens} /> : <EmptyState title="No tokens yet">Create one above for a script or an integration.</EmptyState>}
      </section>
    </>
  );
}
