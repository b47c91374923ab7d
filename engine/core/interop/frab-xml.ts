// The frab/c3voc schedule.xml export (valid against the c3voc schedule.xml XSD).
// Renders the schedule model; apps such as Giggity, EventFahrplan and ConfClerk read it.
import type { FestivalView } from "../schema.js";
import {
  buildScheduleModel,
  type ScheduleEvent,
  type ScheduleExportOptions,
  type ScheduleModel,
} from "./schedule-model.js";
import { escapeXmlAttribute, escapeXmlText } from "./xml-text.js";

interface XmlElement {
  name: string;
  attributes?: [string, string | number][];
  /** Text content, or child elements. */
  content?: string | XmlElement[];
}

function element(name: string, content?: string | XmlElement[], attributes?: [string, string | number][]): XmlElement {
  const node: XmlElement = { name };
  if (content !== undefined) node.content = content;
  if (attributes !== undefined) node.attributes = attributes;
  return node;
}

function serialize(node: XmlElement, indent: string, lines: string[]): void {
  const attributes = (node.attributes ?? [])
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join("");
  const { content } = node;
  if (content === undefined || content === "" || (Array.isArray(content) && content.length === 0)) {
    lines.push(`${indent}<${node.name}${attributes}/>`);
  } else if (typeof content === "string") {
    lines.push(`${indent}<${node.name}${attributes}>${escapeXmlText(content)}</${node.name}>`);
  } else {
    lines.push(`${indent}<${node.name}${attributes}>`);
    for (const child of content) serialize(child, `${indent}  `, lines);
    lines.push(`${indent}</${node.name}>`);
  }
}

/** The XSD allows at most two hour digits in a duration. */
const LONGEST_XML_DURATION = "99:59";

function eventElement(event: ScheduleEvent): XmlElement {
  const children: XmlElement[] = [
    element("date", event.date),
    element("start", event.start),
    element("duration", event.durationMinutes > 99 * 60 + 59 ? LONGEST_XML_DURATION : event.duration),
    element("room", event.room),
    element("slug", event.slug),
  ];
  if (event.url !== undefined) children.push(element("url", event.url));
  children.push(
    element("title", event.title),
    element("subtitle", event.subtitle),
    element("track", event.track ?? ""),
    element("type", event.type),
  );
  if (event.language !== null) children.push(element("language", event.language));
  children.push(
    element("abstract", event.abstract),
    element("description", event.description),
    element(
      "persons",
      event.persons.map((person) =>
        element("person", person.name, [
          ["id", person.id],
          ["guid", person.guid],
        ]),
      ),
    ),
    element(
      "links",
      event.links.map((link) => element("link", link.title, [["href", link.url]])),
    ),
    element(
      "attachments",
      event.attachments.map((link) => element("attachment", link.title, [["href", link.url]])),
    ),
  );
  if (event.doNotRecord) children.push(element("recording", [element("license", ""), element("optout", "true")]));
  return element("event", children, [
    ["guid", event.guid],
    ["id", event.id],
  ]);
}

/** Renders an already built schedule model as schedule.xml text. */
export function renderFrabXml(model: ScheduleModel): string {
  const { conference } = model;
  const conferenceChildren: XmlElement[] = [
    element("acronym", conference.acronym),
    element("title", conference.title),
    element("start", conference.start),
    element("end", conference.end),
    element("days", String(conference.daysCount)),
    element("timeslot_duration", conference.timeslotDuration),
  ];
  if (model.baseUrl !== undefined) conferenceChildren.push(element("base_url", model.baseUrl));
  if (conference.url !== undefined) conferenceChildren.push(element("url", conference.url));
  conferenceChildren.push(element("time_zone_name", conference.timeZone));
  for (const track of model.tracks) conferenceChildren.push(element("track", undefined, [["name", track]]));

  const days = model.days.map((day) =>
    element(
      "day",
      day.rooms.map((dayRoom) =>
        element("room", dayRoom.events.map(eventElement), [
          ["name", dayRoom.room.name],
          ["guid", dayRoom.room.guid],
        ]),
      ),
      [
        ["index", day.index],
        ["date", day.date],
        ["start", day.dayStart],
        ["end", day.dayEnd],
      ],
    ),
  );
  const root = element("schedule", [
    element("generator", undefined, [["name", "pandafest"]]),
    element("version", model.version),
    element("conference", conferenceChildren),
    ...days,
  ]);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>'];
  serialize(root, "", lines);
  return `${lines.join("\n")}\n`;
}

/** The festival as a frab/c3voc schedule.xml document (UTF-8 text). */
export function toFrabXml(view: FestivalView, festivalId: string, options: ScheduleExportOptions = {}): string {
  return renderFrabXml(buildScheduleModel(view, festivalId, options));
}
