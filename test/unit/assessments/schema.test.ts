// Loading a bad framework fails with a message naming the path of each fault.
import { describe, expect, it } from "vitest";
import { FrameworkError, parseFramework } from "../../../assessments";
import { deepCopy, loadReal, maturityRaw } from "./fixtures";

type Doc = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function faults(doc: unknown): string[] {
  try {
    parseFramework(doc);
  } catch (e) {
    expect(e).toBeInstanceOf(FrameworkError);
    return (e as FrameworkError).issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error("expected the framework to be rejected");
}

const real = (id: "cmmm" | "sme-digital-2024" | "future-factory"): Doc => deepCopy(loadReal(id)) as Doc;
const smeIndex = (doc: Doc, id: string) => doc.questions.findIndex((q: { id: string }) => q.id === id);

describe("parseFramework error paths", () => {
  const cases: Array<{ name: string; doc: () => Doc; fault: string }> = [
    {
      name: "bands that do not increase",
      doc: () => {
        const d = real("sme-digital-2024");
        d.questions[smeIndex(d, "equipment-networked-rate")].bands[2].upTo = 15;
        return d;
      },
      fault: "questions[2].bands[2].upTo: must be greater than the previous band (20)",
    },
    {
      name: "a percentage whose last band stops short of 100",
      doc: () => {
        const d = real("sme-digital-2024");
        d.questions[smeIndex(d, "equipment-digital-rate")].bands[4].upTo = 90;
        return d;
      },
      fault: "questions[1].bands[4].upTo: the last band must reach 100 (or be null)",
    },
    {
      name: "an open band that is not the last",
      doc: () => {
        const d = real("sme-digital-2024");
        d.questions[smeIndex(d, "investment-share")].bands[1].upTo = null;
        return d;
      },
      fault: "questions[27].bands[1].upTo: only the last band may be open (null)",
    },
    {
      name: "a question on an unknown structure node",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.questions[4].node = "c";
        return d;
      },
      fault: 'questions[4].node: unknown structure node "c"',
    },
    {
      name: "a question on a node with children",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.questions[0].node = "e1";
        return d;
      },
      fault: 'questions[0].node: "e1" has children; questions belong to leaf nodes',
    },
    {
      name: "a weight for an unknown sub-domain",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.scoring.weights.process = { a: 0.5, b: 0.4, c: 0.1 };
        return d;
      },
      fault: "scoring.weights.process.c: no subdomain node with this id",
    },
    {
      name: "weights that do not sum to 1",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.scoring.weights.discrete = { a: 0.2, b: 0.7 };
        return d;
      },
      fault: "scoring.weights.discrete: weights must sum to 1 (within 1e-9), got 0.8999999999999999",
    },
    {
      name: "a sub-domain without a weight",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.scoring.weights.discrete = { a: 1 };
        return d;
      },
      fault: 'scoring.weights.discrete: missing weight for "b"',
    },
    {
      name: "duplicate question ids",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.questions[3].id = "a.l1.1";
        return d;
      },
      fault: 'questions[3].id: duplicate question id "a.l1.1" (first at questions[0])',
    },
    {
      name: "duplicate node ids",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.structure[1].children[0].id = "a";
        return d;
      },
      fault: 'structure[1].children[0].id: duplicate node id "a" (first at structure[0].children[0])',
    },
    {
      name: "duplicate option ids",
      doc: () => {
        const d = real("sme-digital-2024");
        d.questions[0].options[1].id = "office-network";
        return d;
      },
      fault: 'questions[0].options[1].id: duplicate option id "office-network"',
    },
    {
      name: "a constrained scene that is not a scene",
      doc: () => {
        const d = real("sme-digital-2024");
        d.scoring.constrainedScenes[3] = "network";
        return d;
      },
      fault: 'scoring.constrainedScenes[3]: "network" is not a scene',
    },
    {
      name: "a base that no longer adds up to its published maximum",
      doc: () => {
        const d = real("sme-digital-2024");
        d.questions[smeIndex(d, "planning")].options[3].points = 8;
        return d;
      },
      fault: "scoring.baseMax: the scored questions under the base nodes add up to 100.5, not 100",
    },
    {
      name: "a level rule asking for more constrained scenes than scenes",
      doc: () => {
        const d = real("sme-digital-2024");
        d.scoring.levelRules[2].minConstrained = 9;
        return d;
      },
      fault: "scoring.levelRules[2].minConstrained: cannot exceed minScenes (8)",
    },
    {
      name: "a maturity requirement without its level",
      doc: () => {
        const d = maturityRaw() as Doc;
        delete d.questions[8].level;
        return d;
      },
      fault: "questions[8].level: a maturity requirement needs the level it belongs to",
    },
    {
      name: "a level with no requirements",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.questions[8].level = 2;
        return d;
      },
      fault: "levels[2]: level 3 has no requirements",
    },
    {
      name: "levels out of order",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.levels[1].level = 3;
        return d;
      },
      fault: "levels[1].level: must be 2 (levels run 1, 2, 3… in order)",
    },
    {
      name: "rating steps out of order",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.scoring.ratings.partial = 0.9;
        return d;
      },
      fault: "scoring.ratings.partial: must be below most (0.8)",
    },
    {
      name: "a misspelt key",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.questions[2].lvel = 1;
        return d;
      },
      fault: 'questions[2]: Unrecognized key: "lvel"',
    },
    {
      name: "a text missing its English",
      doc: () => {
        const d = maturityRaw() as Doc;
        delete d.questions[1].text.en;
        return d;
      },
      fault: "questions[1].text.en: Invalid input: expected string, received undefined",
    },
    {
      name: "an unknown answer type",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.questions[5].type = "slider";
        return d;
      },
      fault: "questions[5].type: Invalid discriminator value. Expected 'rating' | 'single' | 'multi' | 'percentage' | 'numeric' | 'sceneLevel'",
    },
    {
      name: "a condition on an unknown option",
      doc: () => {
        const d = real("future-factory");
        d.scoring.rungs[0].conditions[1].overrides[0].when.equals = "maybe";
        return d;
      },
      fault: 'scoring.rungs[0].conditions[1].overrides[0].when.equals: "mountain-island-county" has no option "maybe"',
    },
    {
      name: "a readiness condition on an unknown trait",
      doc: () => {
        const d = real("future-factory");
        d.scoring.rungs[2].conditions[2].trait = "digital-twin";
        return d;
      },
      fault: 'scoring.rungs[2].conditions[2].trait: "digital-twin" is not a trait node',
    },
    {
      name: "an unverified entry that points nowhere",
      doc: () => {
        const d = real("cmmm");
        d.unverified[0].path = "scoring.ratingz";
        return d;
      },
      fault: 'unverified[0].path: "scoring.ratingz" does not name anything in this framework',
    },
    {
      name: "an id with capitals",
      doc: () => {
        const d = maturityRaw() as Doc;
        d.id = "Mini";
        return d;
      },
      fault: "id: must be lower-case letters and digits joined by '.' or '-'",
    },
  ];

  it.each(cases)("$name", ({ doc, fault }) => {
    expect(faults(doc())).toContain(fault);
  });

  it("accepts weights that sum to 1 only within floating-point noise (10 × 0.1)", () => {
    const d = maturityRaw() as Doc;
    d.structure[1].children = Array.from({ length: 9 }, (_, i) => ({ id: `b${i}`, kind: "subdomain", name: { zh: "子域", en: "unit" } }));
    d.questions = d.questions.filter((q: { node: string }) => q.node === "a");
    d.questions.push({ id: "b0.l1.1", node: "b0", type: "rating", level: 1, text: { zh: "要求", en: "requirement" } });
    const tenths = Object.fromEntries(["a", ...Array.from({ length: 9 }, (_, i) => `b${i}`)].map((id) => [id, 0.1]));
    d.scoring.weights = { discrete: tenths, process: tenths };
    // 0.1 added ten times is 0.9999999999999999
    expect(parseFramework(d).id).toBe("mini-maturity");
  });

  it("lists every fault, names the framework, and keeps the full list on the error", () => {
    const d = maturityRaw() as Doc;
    d.questions[3].id = "a.l1.1";
    d.scoring.weights.discrete = { a: 0.2, b: 0.7 };
    try {
      parseFramework(d);
      throw new Error("expected a FrameworkError");
    } catch (e) {
      const err = e as FrameworkError;
      expect(err.frameworkId).toBe("mini-maturity");
      expect(err.issues).toHaveLength(2);
      expect(err.message).toBe(
        'framework "mini-maturity" is invalid:\n' +
          'questions[3].id: duplicate question id "a.l1.1" (first at questions[0])\n' +
          "scoring.weights.discrete: weights must sum to 1 (within 1e-9), got 0.8999999999999999",
      );
    }
  });

  it("rejects what is not a framework at all", () => {
    expect(faults(null)).toEqual(["(root): Invalid input: expected object, received null"]);
    expect(faults([])[0]).toBe("(root): Invalid input: expected object, received array");
  });

  it("accepts the three framework files", () => {
    for (const id of ["cmmm", "sme-digital-2024", "future-factory"] as const) expect(() => parseFramework(real(id))).not.toThrow();
  });

  it("keeps the facts of the SME framework: 16 scenes, 10 constrained, base 50 + 30 + 20", () => {
    const sme = loadReal("sme-digital-2024");
    expect(sme.questions.filter((q) => q.type === "sceneLevel")).toHaveLength(16);
    if (sme.scoring.model !== "points") throw new Error("points model expected");
    expect(sme.scoring.constrainedScenes).toHaveLength(10);
    expect(sme.scoring.baseNodes).toEqual(["basis", "management", "effect"]);
    expect(sme.scoring.levelRules.map((r) => [r.minBase, r.minScenes, r.sceneLevelAtLeast, r.minConstrained])).toEqual([
      [20, 6, 1, 3],
      [40, 6, 2, 3],
      [60, 8, 3, 5],
      [80, 10, 4, 6],
    ]);
  });

  it("marks what is not verified in each framework", () => {
    for (const id of ["cmmm", "sme-digital-2024", "future-factory"] as const) expect(loadReal(id).unverified?.length).toBeGreaterThan(0);
    const cmmm = loadReal("cmmm");
    expect(cmmm.unverified?.map((u) => u.path)).toEqual(
      expect.arrayContaining(["scoring.ratings", "scoring.gateThreshold", "scoring.levelBands", "scoring.weights.discrete", "scoring.weights.process"]),
    );
  });
});
