// `zhiping frameworks`: lists every framework file (id, version, model, question counts) and checks each
// one, reporting a bad file with its path and faults. `--coverage [file]` writes the coverage table
// (docs/frameworks-coverage.md). Exit codes: 0 all files valid, 1 some file invalid, 2 usage.
import { writeFileSync } from "node:fs";
import { commandLine } from "./command-line";
import { loadFrameworks } from "../../app/domain/frameworks.server";
import type { Framework } from "../../assessments";
import { coverageMarkdown } from "../../assessments/coverage";
import { table } from "../../assessments/report-text";

const USAGE = `usage: zhiping frameworks [--json] [--dir <frameworks dir>]
       zhiping frameworks --coverage [<output.md>]`;

function counts(fw: Framework): Record<string, number> {
  const byType: Record<string, number> = {};
  for (const q of fw.questions) byType[q.type] = (byType[q.type] ?? 0) + 1;
  return byType;
}

export async function main(argv: string[]): Promise<number> {
  const args = commandLine(argv, { json: { type: "boolean" }, dir: { type: "string" }, coverage: { type: "boolean" }, help: { type: "boolean", short: "h" } }, USAGE);
  if (typeof args === "number") return args;
  const { values, positionals } = args;
  if (positionals.length > (values.coverage ? 1 : 0)) {
    console.error(`unexpected argument "${positionals[values.coverage ? 1 : 0]}"\n\n${USAGE}`);
    return 2;
  }
  const loaded = loadFrameworks({ dir: values.dir, reload: true });
  const current = [...loaded.current.values()];

  if (values.coverage) {
    const markdown = coverageMarkdown(current);
    if (positionals[0]) writeFileSync(positionals[0], markdown);
    else process.stdout.write(markdown);
  } else if (values.json) {
    const list = loaded.all.map((fw) => ({
      id: fw.id,
      version: fw.version,
      current: loaded.current.get(fw.id) === fw,
      model: fw.scoring.model,
      levels: fw.levels.length,
      questions: fw.questions.length,
      byType: counts(fw),
    }));
    console.log(JSON.stringify({ dir: loaded.dir, frameworks: list, errors: loaded.errors }, null, 2));
  } else {
    console.log(`frameworks in ${loaded.dir}`);
    const rows = [["id", "version", "model", "levels", "questions", "by type"]];
    for (const fw of loaded.all) {
      const byType = Object.entries(counts(fw))
        .map(([type, n]) => `${type} ${n}`)
        .join(", ");
      const version = loaded.current.get(fw.id) === fw ? fw.version : `${fw.version} (older)`;
      rows.push([fw.id, version, fw.scoring.model, String(fw.levels.length), String(fw.questions.length), byType]);
    }
    console.log(table(rows, ["l", "l", "l", "r", "r", "l"]).join("\n"));
  }
  for (const e of loaded.errors) console.error(`\n✗ ${e.file}\n${e.message}`);
  if (loaded.errors.length > 0) console.error(`\n${loaded.errors.length} invalid framework file(s)`);
  return loaded.errors.length > 0 ? 1 : 0;
}
