// `zhiping assess --framework <id> <answers.json>`: scores an answers file and prints the result as a
// readable report (zh by default, --lang en) or as JSON (--json) for scripts.
// Exit codes: 0 scored, 1 bad input (file, JSON, answers, framework data), 2 usage.
import { readFileSync } from "node:fs";
import { commandLine } from "./command-line";
import { z } from "zod";
import { getFramework, loadFrameworks } from "../../app/domain/frameworks.server";
import { score, validateAnswers, type Answers, type Framework, type IndustryType, type Locale, type MeasuredEvidence, type Text } from "../../assessments";
import { parseJsonText } from "../../assessments/json-text";
import { renderReport } from "../../assessments/report-text";

const USAGE = `usage: zhiping assess --framework <id> <answers.json | -> [--json] [--lang zh|en]
                      [--industry discrete|process] [--cmmm-level <0-5>] [--frameworks-dir <dir>]

The answers file is either an object of question id → answer, or
  { "framework": "<id>", "industryType": "discrete", "linked": { "cmmmLevel": 3 },
    "measured": { "<question id>": { "kpi": …, "implied": …, "value": …, "window": { "from": …, "to": … } } },
    "answers": { "<question id>": <answer>, … } }
Answers may be typed ({ "type": "rating", "value": "full" }) or plain ("full", "0.8", "35%", 3, ["a", "b"]).
Example files: assessments/examples/.`;

class InputError extends Error {}
class UsageError extends Error {}

const envelopeSchema = z.strictObject({
  $schema: z.string().optional(),
  framework: z.string().optional(),
  industryType: z.enum(["discrete", "process"]).optional(),
  linked: z.strictObject({ cmmmLevel: z.int().min(0).max(5).nullable().optional(), smeLevel: z.int().min(0).max(4).nullable().optional() }).optional(),
  measured: z
    .record(
      z.string(),
      z.strictObject({
        kpi: z.enum(["networkedRatio", "dataCoverage", "oee", "realtimeCollection", "energyPerUnit", "mtbf"]),
        implied: z.unknown(),
        value: z.number(),
        window: z.strictObject({ from: z.string(), to: z.string() }),
        detail: z.string().optional(),
      }),
    )
    .optional(),
  note: z.string().optional(),
  answers: z.record(z.string(), z.unknown()),
});
type Envelope = z.infer<typeof envelopeSchema>;

function pathOf(path: ReadonlyArray<PropertyKey>): string {
  return path.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("").replace(/^\./, "") || "(root)";
}

function readInput(file: string): { text: string; name: string } {
  try {
    return file === "-" ? { text: readFileSync(0, "utf8"), name: "stdin" } : { text: readFileSync(file, "utf8"), name: file };
  } catch (e) {
    throw new InputError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function parseEnvelope(raw: unknown, name: string): Envelope {
  const isEnvelope = raw !== null && typeof raw === "object" && !Array.isArray(raw) && "answers" in raw && typeof (raw as { answers: unknown }).answers === "object";
  if (!isEnvelope) return { answers: raw as Record<string, unknown> };
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${name}: ${pathOf(i.path)}: ${i.message}`);
    throw new InputError(lines.join("\n"));
  }
  return parsed.data;
}

function pickFramework(id: string, dir: string | undefined): Framework {
  const loaded = loadFrameworks(dir ? { dir } : {});
  const fw = dir ? (loaded.current.get(id) ?? null) : getFramework(id);
  if (fw) return fw;
  const broken = loaded.errors.find((e) => e.file.endsWith(`/${id}.json`) || e.file.endsWith(`\\${id}.json`));
  if (broken) throw new InputError(`framework file ${broken.file} is invalid:\n${broken.message}`);
  const known = [...loaded.current.keys()].sort().join(", ") || "none";
  throw new UsageError(`unknown framework "${id}"; available: ${known}`);
}

const OPTIONS = {
  framework: { type: "string", short: "f" },
  json: { type: "boolean" },
  lang: { type: "string" },
  industry: { type: "string" },
  "cmmm-level": { type: "string" },
  "frameworks-dir": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export async function main(argv: string[]): Promise<number> {
  const args = commandLine(argv, OPTIONS, USAGE);
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  const locale: Locale = values.lang === "en" ? "en" : "zh";
  try {
    if (values.lang !== undefined && values.lang !== "zh" && values.lang !== "en") throw new UsageError(`--lang must be zh or en, not "${values.lang}"`);
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "give one answers file" : `give one answers file, not ${positionals.length}`);
    if (values.industry !== undefined && values.industry !== "discrete" && values.industry !== "process")
      throw new UsageError(`--industry must be discrete or process, not "${values.industry}"`);
    let cmmmLevel: number | undefined;
    if (values["cmmm-level"] !== undefined) {
      cmmmLevel = Number(values["cmmm-level"]);
      if (!Number.isInteger(cmmmLevel) || cmmmLevel < 0 || cmmmLevel > 5) throw new UsageError(`--cmmm-level must be a whole number 0–5, not "${values["cmmm-level"]}"`);
    }

    const { text, name } = readInput(positionals[0]);
    const json = parseJsonText(text);
    if (!json.ok) throw new InputError(`${name}: invalid JSON at line ${json.line}, column ${json.column}: ${json.message}`);
    const envelope = parseEnvelope(json.value, name);
    const frameworkId = values.framework ?? envelope.framework;
    if (!frameworkId) throw new UsageError(`--framework is required (or a "framework" field in ${name})`);
    if (values.framework && envelope.framework && values.framework !== envelope.framework)
      throw new InputError(`${name}: the file is for framework "${envelope.framework}", not "${values.framework}"`);
    const fw = pickFramework(frameworkId, values["frameworks-dir"]);

    const { answers, errors } = validateAnswers(fw, envelope.answers);
    const measured: Record<string, MeasuredEvidence> = {};
    for (const [questionId, m] of Object.entries(envelope.measured ?? {})) measured[questionId] = m as MeasuredEvidence;
    if (errors.length > 0) {
      const at = (q: string) => (q === "" ? "answers" : `question "${q}"`);
      throw new InputError(errors.map((e) => `${name}: ${at(e.questionId)}: ${(e.message as Text)[locale]}`).join("\n"));
    }
    const industryType = (values.industry ?? envelope.industryType) as IndustryType | undefined;
    const linkedLevel = cmmmLevel ?? envelope.linked?.cmmmLevel ?? undefined;
    const result = score(fw, answers as Answers, {
      industryType,
      linked: linkedLevel === undefined ? undefined : { cmmmLevel: linkedLevel },
      measured: envelope.measured ? measured : undefined,
    });
    process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : renderReport(fw, result, { locale }));
    return 0;
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof InputError) {
      console.error(e.message);
      return 1;
    }
    throw e;
  }
}
