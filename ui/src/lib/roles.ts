// Each role's home view: where the app opens for the people who use it.
import type { UserRole } from "./backend";

export const ROLES: { id: UserRole; label: string; home: string; what: string }[] = [
  { id: "instructor", label: "Instructor", home: "/calendar", what: "schedule and see the week across every system" },
  { id: "student", label: "Student", home: "/trainings", what: "follow your training, exams and debriefs" },
  { id: "dispatcher", label: "Dispatcher", home: "/board", what: "crew on duty, aircraft status, today's movements" },
  { id: "manager", label: "Manager", home: "/trainings", what: "every training and each student's progress" },
];

/** Where `role` opens; a student who said who they are opens on their own trainings. */
export const homeOf = (role: UserRole, me: string | null = null): string => {
  const home = ROLES.find((r) => r.id === role)?.home ?? "/overview";
  return role === "student" && me ? `${home}?person=${encodeURIComponent(me)}` : home;
};
