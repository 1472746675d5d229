import { exportDownload } from "@/lib/jobs/download";
import { sessionRoute } from "@/lib/jobs/session-route";

/** The download of a finished export (`lib/jobs/download.ts` says who may fetch it). */
export const GET = sessionRoute<{ jobId: string }>("jobs.download", ({ db, user, params }) => exportDownload(db, user, params.jobId));
