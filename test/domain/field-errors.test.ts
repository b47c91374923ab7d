// Forms place an error beside the field the error carries (PandafestError.about), never by reading its text.
import { describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { eventInputProblems, parseEventInput } from "../../engine/core/validate.js";
import { formErrorsFrom, formErrorsFromAll } from "../../ui/src/state/field-errors.js";

describe("form errors", () => {
  it("go beside the field the error is about, whatever the message says", () => {
    const about = new PandafestError("invalid event end: this message names the end", { about: { subject: "event", field: "title" } });
    expect(formErrorsFrom(about, "event", ["title", "end"])).toEqual({ fields: { title: about.message } });
    // a message that reads like a field error but carries none goes to the form
    const text = new PandafestError("invalid event end: it is not after the start");
    expect(formErrorsFrom(text, "event", ["title", "end"])).toEqual({ fields: {}, form: text.message });
    // another subject's field, or a field this form does not have, goes to the form too
    expect(formErrorsFrom(about, "venue", ["title"]).form).toBe(about.message);
    expect(formErrorsFrom(about, "event", ["end"]).form).toBe(about.message);
    expect(formErrorsFrom(new Error("boom"), "event", ["title"]).form).toBe("Something went wrong: boom");
  });

  it("are carried by the engine's validation", () => {
    let caught: unknown;
    try {
      parseEventInput({ title: "", venueId: "v", start: "2027-07-01T10:00:00Z", end: "2027-07-01T11:00:00Z" });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PandafestError);
    expect((caught as PandafestError).about).toEqual({
      subject: "event",
      field: "title",
      advice: "Enter a non-empty single-line text of at most 200 characters.",
    });
  });

  it("are all found in one go, by the same rules, one per field", () => {
    const problems = eventInputProblems({ title: "", venueId: "v", start: "yesterday", end: "2027-07-01T11:00:00Z", language: "not a tag!", tags: "x" });
    const errors = formErrorsFromAll(problems, "event", ["title", "venueId", "start", "end", "tags", "language"]);
    expect(Object.keys(errors.fields).sort()).toEqual(["language", "start", "tags", "title"]);
    expect(errors.fields.language).toBe('Enter a BCP 47 language tag such as "en" or "pt-BR".');
    // the one-at-a-time parse refuses the same input with the first of them
    expect(() => parseEventInput({ title: "", venueId: "v", start: "yesterday", end: "2027-07-01T11:00:00Z" })).toThrow(/event title/);
    expect(eventInputProblems({ title: "A", venueId: "v", start: "2027-07-01T10:00:00Z", end: "2027-07-01T11:00:00Z" })).toEqual([]);
    // errors about no field of the form are joined into its message
    expect(formErrorsFromAll([new Error("one"), new PandafestError("two")], "event", ["title"]).form).toBe("Something went wrong: one two");
  });
});
