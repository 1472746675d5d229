import Link from "next/link";

/** An address that matches no page at all. */
export default function NotFound() {
  return (
    <main id="main" className="mx-auto flex min-h-screen max-w-lg flex-col items-center justify-center gap-4 px-6 text-center">
      <h1 className="text-2xl font-semibold tracking-tight">Page not found</h1>
      <p className="text-muted-foreground">There is no page at this address.</p>
      <Link href="/segments/dynamic" className="font-medium text-primary underline underline-offset-4">
        Go to dynamic segments
      </Link>
    </main>
  );
}
