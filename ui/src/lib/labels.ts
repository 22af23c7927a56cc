// How the window names providers and item kinds.
import type { ItemKind, Provider } from "./backend";

export const SOURCE_LABEL: Record<Provider, string> = {
  aviationalley: "AviationAlley",
  pilotflows: "PilotFlows",
  airbly: "Airbly",
  flightschoolbooking: "Flight School Booking",
  flylogs: "Flylogs",
};

export const KIND_LABEL: Record<ItemKind, string> = {
  booking: "Booking",
  unavailability: "Unavailable",
  simulator_booking: "Simulator",
  calendar_event: "Calendar event",
  class: "Class",
  exam_session: "Exam",
};
