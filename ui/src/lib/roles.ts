// Each role's home view: where the app opens for the people who use it.
import type { UserRole } from "./backend";

export const ROLES: { id: UserRole; label: string; home: string; what: string }[] = [
  { id: "instructor", label: "Instructor", home: "/calendar", what: "schedule and see the week across every system" },
  { id: "student", label: "Student", home: "/trainings", what: "follow your training, exams and debriefs" },
  { id: "dispatcher", label: "Dispatcher", home: "/board", what: "crew on duty, aircraft status, today's movements" },
  { id: "manager", label: "Manager", home: "/trainings", what: "every training and each student's progress" },
];

export const homeOf = (role: UserRole): string => ROLES.find((r) => r.id === role)?.home ?? "/overview";
