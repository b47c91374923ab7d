// Interop entry point: schedule.json, schedule.xml and iCalendar exports, and frab/pretalx schedule import.
// Pure functions over FestivalView (browser-safe); the CLI and server choose files, names and base URLs.
export {
  eventGuid,
  festivalGuid,
  importedGuid,
  numericIdFromGuid,
  personGuid,
  venueGuid,
  PANDAFEST_EXPORT_NAMESPACE,
} from "./guid.js";
export {
  buildScheduleModel,
  CANCELLED_SUBTITLE,
  CANCELLED_TITLE_PREFIX,
  TENTATIVE_SUBTITLE,
  type CancelledEventHandling,
  type ScheduleExportOptions,
  type ScheduleModel,
  type SkippedEvent,
} from "./schedule-model.js";
export { toFrabJson, toFrabJsonString, type FrabJsonSchedule } from "./frab-json.js";
export { toFrabXml } from "./frab-xml.js";
export { toICalendar, type ICalendarExportOptions } from "./ical.js";
export {
  parseSchedule,
  SCHEDULE_SIZE_LIMIT_BYTES,
  type ImportedEvent,
  type ImportedLink,
  type ImportedOrigin,
  type ImportNotice,
  type ImportOptions,
  type ImportedPerson,
  type ImportedVenue,
  type ScheduleImport,
} from "./schedule-import.js";
