//! Who is invited to a class, with each student's attendance and evaluation: the seed's
//! "View Class" (`GET /trainings/onsite/class/{id}.json`), the one answer that lists a
//! class's students. The teacher's attendance and evaluation forms start from it.

use serde::Serialize;
use serde_json::Value;

use super::{person_name, Flylogs};
use crate::wire;
use crate::Result;

/// One invited student as Flylogs holds them in a class.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct RosterStudent {
    pub user_id: String,
    pub name: Option<String>,
    /// `None` until attendance is recorded.
    pub attended: Option<bool>,
    pub remarks: Option<String>,
    pub measures: Option<String>,
    pub objectives: Option<String>,
}

impl Flylogs {
    /// The invited students of class `class_id`, in Flylogs' order.
    pub async fn class_roster(&self, class_id: &str) -> Result<Vec<RosterStudent>> {
        let view = self
            .get(&format!("/trainings/onsite/class/{class_id}.json"), &[])
            .await?;
        Ok(roster_of(&view))
    }
}

/// The students of a class view (`class.Student`) with the attendance rows that name them
/// (`attendances[].TrainingSubjectAttendance`, keyed by `user_id`). An attendance row of a
/// student no longer listed is kept: Flylogs still holds it.
fn roster_of(view: &Value) -> Vec<RosterStudent> {
    let class = view.get("class").unwrap_or(view);
    let listed = class
        .get("Student")
        .or_else(|| class.get("students"))
        .and_then(Value::as_array);
    let mut students: Vec<RosterStudent> = listed
        .into_iter()
        .flatten()
        .filter_map(|s| {
            Some(RosterStudent {
                user_id: wire::id(s, &["id", "user_id"])?,
                name: person_name(Some(s)),
                ..RosterStudent::default()
            })
        })
        .collect();
    let rows = view.get("attendances").and_then(Value::as_array);
    for row in rows.into_iter().flatten() {
        let a = row.get("TrainingSubjectAttendance").unwrap_or(row);
        let Some(user) = wire::id(a, &["user_id"]) else {
            continue;
        };
        let at = match students.iter().position(|s| s.user_id == user) {
            Some(i) => i,
            None => {
                students.push(RosterStudent {
                    user_id: user,
                    name: person_name(a.get("User")),
                    ..RosterStudent::default()
                });
                students.len() - 1
            }
        };
        let text = |name: &str| wire::string(a, &[name]);
        let s = &mut students[at];
        s.attended = wire::boolean(a, &["value", "attended"]);
        s.remarks = text("remarks");
        s.measures = text("measures");
        s.objectives = text("objectives");
    }
    students
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_roster_joins_invited_students_and_their_attendance_rows() {
        let view = json!({
            "class": {
                "LessonClass": {"id": "9"},
                "Student": [
                    {"id": "11", "UserDetail": {"name": "Ann", "surname": "Lee"}},
                    {"id": 12, "UserDetail": {"name": "Bo"}}
                ]
            },
            "attendances": [
                {"TrainingSubjectAttendance": {"user_id": "12", "value": true, "remarks": "Good",
                  "measures": "", "objectives": "Met"}},
                {"TrainingSubjectAttendance": {"user_id": "13", "value": "0",
                  "User": {"UserDetail": {"name": "Cy"}}}}
            ]
        });
        let r = roster_of(&view);
        assert_eq!(r.len(), 3);
        assert_eq!(r[0].name.as_deref(), Some("Ann Lee"));
        assert_eq!(r[0].attended, None);
        assert_eq!(r[1].user_id, "12");
        assert_eq!(r[1].attended, Some(true));
        assert_eq!(r[1].remarks.as_deref(), Some("Good"));
        assert_eq!(r[1].measures, None, "an empty text is no value");
        assert_eq!(r[2].name.as_deref(), Some("Cy"));
        assert_eq!(r[2].attended, Some(false));
    }

    #[test]
    fn an_answer_without_students_is_an_empty_roster() {
        assert!(roster_of(&json!({"class": {}})).is_empty());
        assert!(roster_of(&json!([])).is_empty());
    }
}
