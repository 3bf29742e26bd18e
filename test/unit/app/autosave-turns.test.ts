import { afterEach, describe, expect, it } from "vitest";
import { autosaveDone, autosaveInFlight, joinAutosave, requestAutosave } from "~/components/autosave-turns";

describe("autosaves of a questionnaire page take turns", () => {
  const sent: string[] = [];
  const leaves: Array<() => void> = [];
  const join = (...ids: string[]) => ids.forEach((id) => leaves.push(joinAutosave(id, () => sent.push(id))));
  afterEach(() => {
    leaves.splice(0).forEach((leave) => leave());
    sent.length = 0;
  });

  it("sends one save at a time, the others in the order they asked", () => {
    join("plan", "networked", "erp");
    requestAutosave("networked");
    requestAutosave("plan");
    requestAutosave("erp");
    expect(sent).toEqual(["networked"]);
    expect(autosaveInFlight()).toBe("networked");
    autosaveDone("networked");
    expect(sent).toEqual(["networked", "plan"]);
    autosaveDone("plan");
    autosaveDone("erp");
    expect(sent).toEqual(["networked", "plan", "erp"]);
    expect(autosaveInFlight()).toBeNull();
  });

  it("keeps one place per waiting question and sends a change made during its own save afterwards", () => {
    join("plan", "networked");
    requestAutosave("plan");
    requestAutosave("networked");
    requestAutosave("networked"); // a second click while waiting: still one save
    requestAutosave("plan"); // changed again while its first save is in flight
    autosaveDone("plan");
    autosaveDone("networked");
    autosaveDone("plan");
    expect(sent).toEqual(["plan", "networked", "plan"]);
  });

  it("skips a question that left the page and frees the turn of one that left while saving", () => {
    join("plan", "networked", "erp");
    requestAutosave("plan");
    requestAutosave("networked");
    requestAutosave("erp");
    leaves[1](); // networked leaves while waiting
    leaves[0](); // plan leaves while its save is in flight
    expect(sent).toEqual(["plan", "erp"]);
    expect(autosaveInFlight()).toBe("erp");
  });

  it("ignores the end of a save that is not the one in flight", () => {
    join("plan", "networked");
    requestAutosave("plan");
    requestAutosave("networked");
    autosaveDone("networked");
    expect(sent).toEqual(["plan"]);
    expect(autosaveInFlight()).toBe("plan");
  });
});
