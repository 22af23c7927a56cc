//! The manager's and teacher's training writes, each sent through the outbox:
//! attendance of a class (`POST /trainings/onsite/store_attendance.json`), a student's
//! evaluation in a class (`save_student_evaluation.json`), a lesson's slides completed by
//! a student (`/trainings/lessons/complete.json`), and enrolment of students or whole
//! pilot groups (`/manager/trainings/students/enroll.json`).
//!
//! Attendance and evaluations set values, and a lesson completion marks a lesson done:
//! sending one again after a lost answer changes nothing. An enrolment sent again skips
//! the students the first one enrolled (Flylogs skips a student enrolled and not
//! finished), so a replay never enrols anyone twice.

use serde_json::Value;

use super::classes::refused_in_body;
use super::Flylogs;
use crate::Result;

/// What an enrolment did, by Flylogs user id.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Enrolled {
    /// Users enrolled now, with their new enrolment ids.
    pub enrolled: Vec<(String, String)>,
    /// Users Flylogs could not enrol (inactive, unknown).
    pub refused: Vec<String>,
}

impl Flylogs {
    /// Records who attended class `class_id` (`true`) and who did not, by user id.
    pub async fn store_attendance(&self, class_id: &str, marks: &[(String, bool)]) -> Result<()> {
        let mut form = vec![("data[class_id]".to_string(), class_id.to_string())];
        for (user, present) in marks {
            let value = if *present { "1" } else { "0" };
            form.push((
                format!("data[attendance][{user}][value]"),
                value.to_string(),
            ));
        }
        let body = self
            .write("/trainings/onsite/store_attendance.json", Some(&form))
            .await?;
        refused_in_body(&body)
    }

    /// Saves a student's evaluation in a class; the fields not given stay.
    pub async fn save_evaluation(
        &self,
        class_id: &str,
        student_id: &str,
        remarks: Option<&str>,
        measures: Option<&str>,
        objectives: Option<&str>,
    ) -> Result<()> {
        let mut form = vec![
            ("class_id", class_id.to_string()),
            ("student_id", student_id.to_string()),
        ];
        for (k, v) in [
            ("remarks", remarks),
            ("measures", measures),
            ("objectives", objectives),
        ] {
            if let Some(v) = v {
                form.push((k, v.to_string()));
            }
        }
        let body = self
            .write(
                "/trainings/onsite/save_student_evaluation.json",
                Some(&form),
            )
            .await?;
        refused_in_body(&body)
    }

    /// Marks lesson `lesson_id`'s slides completed for enrolment `enrollment_id`.
    pub async fn complete_lesson(
        &self,
        lesson_id: &str,
        enrollment_id: &str,
        seconds: i64,
    ) -> Result<()> {
        let form = [
            ("lessonId", lesson_id.to_string()),
            ("timeSpent", seconds.to_string()),
            ("enrollmentId", enrollment_id.to_string()),
        ];
        let body = self
            .write("/trainings/lessons/complete.json", Some(&form))
            .await?;
        refused_in_body(&body)
    }

    /// Enrols `students` (user ids, or pilot group ids Flylogs expands) in a training.
    pub async fn enroll(
        &self,
        training_id: &str,
        students: &[String],
        supervisor_id: Option<&str>,
        finish_before: Option<i64>,
    ) -> Result<Enrolled> {
        let mut form = vec![("training_id", training_id.to_string())];
        for s in students {
            form.push(("students[]", s.clone()));
        }
        if let Some(s) = supervisor_id {
            form.push(("supervisor_id", s.to_string()));
        }
        if let Some(t) = finish_before {
            form.push(("finish_before", t.to_string()));
        }
        let body = self
            .write("/manager/trainings/students/enroll.json", Some(&form))
            .await?;
        refused_in_body(&body)?;
        Ok(enrolled(&body))
    }
}

fn enrolled(body: &Value) -> Enrolled {
    let mut out = Enrolled::default();
    if let Some(results) = body.get("results").and_then(Value::as_object) {
        for (user, saved) in results {
            let record = saved.get("TrainingsUser").unwrap_or(saved);
            match crate::wire::id(record, &["id"]) {
                Some(id) if !saved.is_boolean() => out.enrolled.push((user.clone(), id)),
                _ => out.refused.push(user.clone()),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_enrolment_answer_splits_the_enrolled_from_the_refused() {
        let body = json!({"results": {
            "1003": {"TrainingsUser": {"id": "e9", "user_id": "1003"}},
            "1004": false,
        }});
        let e = enrolled(&body);
        assert_eq!(e.enrolled, vec![("1003".to_string(), "e9".to_string())]);
        assert_eq!(e.refused, vec!["1004".to_string()]);
    }
}
