// The command tree: each command group lives in its own module and registers itself here.
// Adding a command group means one import and one line below.
import type { Command } from "commander";
import { registerIdentityCommands } from "./identity.js";
import { registerFestivalCommands } from "./festival.js";
import { registerVenueCommands } from "./venue.js";
import { registerEventCommands } from "./event.js";
import { registerPersonCommands } from "./person.js";
import { registerProgrammeCommand } from "./programme.js";
import { registerCheckCommands } from "./check.js";
import { registerHistoryCommand } from "./history.js";
import { registerServeCommand } from "./serve.js";
import { registerPeersCommand } from "./peers.js";
import { registerForkCommands } from "./fork.js";
import { registerExportCommand } from "./export.js";
import { registerImportScheduleCommand } from "./import-schedule.js";
import { registerBundleCommands } from "./bundle.js";
import { registerStickCommands } from "./stick.js";
import { registerRepairCommand } from "./repair.js";
import { registerGovernanceCommands } from "./governance.js";
import { registerMembershipCommands } from "./membership.js";
import { registerResourceCommands } from "./resource.js";
import { registerBookingCommands } from "./bookings.js";

export function registerCommands(program: Command): void {
  registerIdentityCommands(program);
  registerFestivalCommands(program);
  registerVenueCommands(program);
  registerResourceCommands(program);
  registerBookingCommands(program);
  registerEventCommands(program);
  registerPersonCommands(program);
  registerProgrammeCommand(program);
  registerCheckCommands(program);
  registerHistoryCommand(program);
  registerServeCommand(program);
  registerPeersCommand(program);
  registerForkCommands(program);
  registerExportCommand(program);
  registerImportScheduleCommand(program);
  registerBundleCommands(program);
  registerStickCommands(program);
  registerRepairCommand(program);
  registerGovernanceCommands(program);
  registerMembershipCommands(program);
}
