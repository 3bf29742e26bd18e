// The `sparkplug` source's entry in ingest.yaml: the broker connection (shared with the mqtt source) plus
// the host application's own settings.
import { z } from "zod";
import { duration } from "../../core/config-types";
import { checkConnection, mqttConnectionShape } from "../mqtt/connection";
import { idProblem } from "./topic";

const sparkplugId = (what: string) =>
  z.string().superRefine((s, ctx) => {
    const problem = idProblem(s);
    if (problem) ctx.addIssue({ code: "custom", message: `${what} ${problem}` });
  });

export const sparkplugConfigSchema = z
  .strictObject({
    ...mqttConnectionShape,
    /** The host application id: STATE is published on spBv1.0/STATE/{hostId}. */
    hostId: sparkplugId("hostId"),
    /** Groups to follow (spBv1.0/{group}/#); "+" follows every group. Split groups among ingest workers to scale. */
    groups: z.array(z.union([z.literal("+"), sparkplugId("a group id")])).min(1).default(["+"]),
    /**
     * Sparkplug 3.0 asks hosts for a clean session (Clean Start, Session Expiry 0): data is QoS 0, so a kept
     * session would hold little, and after a reconnect the host rebuilds its state from (re)births.
     */
    cleanStart: z.boolean().default(true),
    /** Publish the retained STATE birth/will, as a (primary) host application does. */
    publishState: z.boolean().default(true),
    /** How long a message that arrived after a gap in `seq` waits for the missing ones before a rebirth is asked. */
    reorderTimeout: duration({ min: 0, max: 60_000 }).default(2000),
    /** At most one Rebirth request per edge node in this period. */
    rebirthMinInterval: duration({ min: 0, max: 3_600_000 }).default(5000),
    /** Points handed over and not yet durable above which further QoS 0 data is dropped and counted. */
    maxPendingPoints: z.number().int().min(100).default(250_000),
  })
  .superRefine(checkConnection);

export type SparkplugConfig = z.output<typeof sparkplugConfigSchema>;
export type SparkplugConfigInput = z.input<typeof sparkplugConfigSchema>;
