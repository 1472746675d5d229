"use client";

import { useActionState, useState } from "react";
import { catchError, type ErrorInfo } from "next/error";
import { Upload } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Progress } from "@/components/ui/progress";
import { importProfilesCsvAction } from "@/lib/databases/actions";
import { MAX_CSV_BYTES, MAX_CSV_LABEL } from "@/lib/profiles/csv-format";

/**
 * When the upload itself fails (the connection dropped, or the server refused the request body before
 * the action ran), the action never answers; say so plainly instead of losing the whole page.
 */
const UploadFailed = catchError(function UploadFailed(_props: object, { reset }: ErrorInfo) {
  return (
    <Alert variant="destructive">
      <AlertTitle className="line-clamp-none">The upload failed; nothing was imported.</AlertTitle>
      <AlertDescription>
        <p>The connection may have dropped, or the file may be larger than the server accepts. Try again, or split the file.</p>
        <Button type="button" variant="outline" size="sm" onClick={() => reset()}>
          Try again
        </Button>
      </AlertDescription>
    </Alert>
  );
});

/** Uploads a CSV file to the database's import action; works as a plain form post without JavaScript. */
export function CsvImportForm({ databaseId }: { databaseId: number }) {
  return (
    <UploadFailed>
      <ImportForm databaseId={databaseId} />
    </UploadFailed>
  );
}

function ImportForm({ databaseId }: { databaseId: number }) {
  const [state, formAction, pending] = useActionState(importProfilesCsvAction, null);
  const [localError, setLocalError] = useState<string | null>(null);

  // Checked in the browser too, so that an oversized file is refused before it is sent.
  const onSubmit = (event: React.FormEvent<HTMLFormElement>) => {
    const input = event.currentTarget.elements.namedItem("file") as HTMLInputElement | null;
    const file = input?.files?.[0];
    if (!file) {
      event.preventDefault();
      setLocalError("Choose a CSV file to import.");
    } else if (file.size > MAX_CSV_BYTES) {
      event.preventDefault();
      setLocalError(`The file is larger than ${MAX_CSV_LABEL}. Split it into smaller files and import them one by one.`);
    } else {
      setLocalError(null);
    }
  };

  // The problems in the file, listed when they say more than the headline.
  const problems = state && !state.ok ? (state.issues ?? []).map((i) => i.message) : [];
  const failure = localError
    ? { message: localError, errors: undefined }
    : state && !state.ok
      ? { message: state.message, errors: problems.length > 1 || (problems.length === 1 && problems[0] !== state.message) ? problems : undefined }
      : null;

  return (
    <form action={formAction} onSubmit={onSubmit} className="space-y-4">
      <input type="hidden" name="databaseId" value={databaseId} />
      <div className="flex flex-wrap items-end gap-3">
        <div className="min-w-64 flex-1 space-y-2">
          <Label htmlFor="csv-file">CSV file</Label>
          <Input id="csv-file" name="file" type="file" accept=".csv,text/csv" aria-describedby="csv-file-help" disabled={pending} />
        </div>
        <Button type="submit" disabled={pending}>
          <Upload aria-hidden />
          {pending ? "Importing…" : "Import profiles"}
        </Button>
      </div>
      <p id="csv-file-help" className="text-xs text-muted-foreground">
        Comma-separated, UTF-8, up to {MAX_CSV_LABEL}.
      </p>
      {pending ? <Progress value={null} aria-label="Importing profiles" /> : null}

      {!localError && state?.ok ? (
        <Alert variant="success" role="status">
          <AlertTitle>{state.message}</AlertTitle>
        </Alert>
      ) : null}
      {failure ? (
        <Alert variant="destructive">
          <AlertTitle className="line-clamp-none">{failure.message}</AlertTitle>
          {failure.errors?.length ? (
            <AlertDescription>
              <ul aria-label="Problems in the file" className="list-disc space-y-0.5 pl-5">
                {failure.errors.map((error, i) => (
                  <li key={i}>{error}</li>
                ))}
              </ul>
            </AlertDescription>
          ) : null}
        </Alert>
      ) : null}
    </form>
  );
}
