import type { SendFailure } from "@cisisk/contract";
import type { Mailer, OutgoingMail } from "../../adapters/smtp/smtp-mailer.js";
import type { OutgoingSms, SmsSender } from "../../adapters/sms/http-sms.js";
import { UpstreamFailed } from "../../errors.js";
import type { Jobs } from "../../jobs/jobs.service.js";

export const MAIL_JOB = "mail";
export const SMS_JOB = "sms";

export interface NotificationsDeps {
  jobs: Pick<Jobs, "register" | "enqueue" | "runDue" | "recentFailures">;
  /** null when [mail] smtp_url is not set. */
  mailer: Mailer | null;
  /** null when [sms] url is not set. */
  sms: SmsSender | null;
  /** Attempts before a send fails for good (retries back off, see [jobs]). */
  maxAttempts: number;
  /** The dashboard's component health, from real sends. */
  recordComponent(name: "mail" | "sms", status: "ok" | "down", error: string | null): Promise<void>;
  log: { error(obj: object, msg: string): void };
}

/**
 * Mail and SMS for the features that need them: each send is a job, so it survives the server's death, is
 * retried with backoff and, after its last attempt, shows as failed on the dashboard. Unconfigured → the send
 * call says so at once; nothing is queued that could never go out.
 */
export function createNotificationsService(deps: NotificationsDeps) {
  const { jobs } = deps;

  function kind<T>(name: "mail" | "sms", send: ((message: T) => Promise<void>) | null) {
    jobs.register(name === "mail" ? MAIL_JOB : SMS_JOB, {
      async run(job) {
        if (!send) throw new Error(`${name} is not configured`);
        try {
          await send(job.payload as T);
        } catch (error) {
          await deps.recordComponent(name, "down", (error as Error).message);
          throw error;
        }
        await deps.recordComponent(name, "ok", null);
      },
    });
  }
  kind<OutgoingMail>("mail", deps.mailer ? (m) => deps.mailer!.send(m) : null);
  kind<OutgoingSms>("sms", deps.sms ? (m) => deps.sms!.send(m) : null);

  async function enqueue(job: string, payload: OutgoingMail | OutgoingSms): Promise<string> {
    const id = await jobs.enqueue(job, payload, { maxAttempts: deps.maxAttempts });
    // Sent now by this server when it can; the job loop of any server retries it otherwise.
    void jobs.runDue().catch((error: unknown) => deps.log.error({ err: (error as Error).message }, "sending failed"));
    return id;
  }

  return {
    /** Queues a mail; returns the job id. Throws at once when no mail server is configured. */
    async sendMail(mail: OutgoingMail): Promise<string> {
      if (!deps.mailer) throw new UpstreamFailed("mail is not configured: set [mail] smtp_url");
      return enqueue(MAIL_JOB, mail);
    },

    /** Queues an SMS; returns the job id. Throws at once when no SMS gateway is configured. */
    async sendSms(sms: OutgoingSms): Promise<string> {
      if (!deps.sms) throw new UpstreamFailed("SMS is not configured: set [sms] url");
      return enqueue(SMS_JOB, sms);
    },

    /** Sends that failed for good or wait for a retry, newest first (the dashboard's recent failures). */
    async recentFailures(limit: number): Promise<SendFailure[]> {
      const rows = await jobs.recentFailures([MAIL_JOB, SMS_JOB], limit);
      return rows.map((r) => ({
        id: r.id,
        kind: r.kind as SendFailure["kind"],
        to: String((JSON.parse(r.payload) as { to?: unknown }).to ?? ""),
        status: r.status === "failed" ? ("failed" as const) : ("pending" as const),
        attempts: Number(r.attempts),
        lastError: r.last_error,
        createdAt: r.created_at,
      }));
    },
  };
}
