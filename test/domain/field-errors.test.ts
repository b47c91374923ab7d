// Forms place an error beside the field the error carries (PandafestError.about), never by reading its text.
import { describe, expect, it } from "vitest";
import { PandafestError } from "../../engine/core/errors.js";
import { parseEventInput } from "../../engine/core/validate.js";
import { formErrorsFrom } from "../../ui/src/state/field-errors.js";

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
    expect((caught as PandafestError).about).toEqual({ subject: "event", field: "title" });
  });
});
