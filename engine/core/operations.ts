// Every write a user can make to a festival, validated before it touches the document.
// One module per kind of thing under operations/; this module gathers them.
export { addVenue, editVenue, removeVenue, restoreVenue } from "./operations/venues.js";
export { addEvent, editEvent, cancelEvent, deleteEvent, restoreEvent, eventProblems } from "./operations/events.js";
export { addPerson, editPerson, deletePerson, restorePerson, eventsHostedBy, type PersonDeletion } from "./operations/people.js";
export { editFestival } from "./operations/festival.js";
export type {
  EventInput,
  EventPatch,
  FestivalPatch,
  PersonInput,
  PersonPatch,
  VenueInput,
  VenuePatch,
} from "./validate.js";
