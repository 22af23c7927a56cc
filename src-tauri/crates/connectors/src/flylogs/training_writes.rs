//! The manager's and teacher's training writes, each sent through the outbox:
//! attendance of a class (`POST /trainings/onsite/store_attendance.json`), a student's
//! evaluation in a class (`save_student_evaluation.json`), a lesson's slides completed by
//! a student (`/trainings/lessons/complete.json`), and enrolment of students or whole
//! pilot groups (`/manager/trainings/students/enroll.json`).
//!
//! Attendance and evaluations set values: sending one again after a lost answer changes
//! nothing. A lesson completion adds its time to the lesson's, so the outbox reads
//! [`Flylogs::lesson_progress`] before and after to tell whether a lost one landed. An
//! enrolment sent again skips the students the first one enrolled (Flylogs skips a student
//! enrolled and not finished), so a replay never enrols anyone twice.

use serde_json::Value;

use super::classes::refused_in_body;
use super::{model, Flylogs, ATTENDANCE, LESSON};
use crate::http::write_error;
use crate::{wire, Result};

/// Where an enrolment stands on one lesson's slides, as Flylogs counts it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LessonProgress {
    pub completed: bool,
    /// Seconds spent on the slides, summed over every completion.
    pub seconds: i64,
}

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

    /// How far enrolment `enrollment_id` is through lesson `lesson_id`'s slides: the
    /// lesson's view names its subject, whose attendance lists the lesson's rows. Read for
    /// a completion, so a refused read (no such enrolment or lesson) refuses the write.
    pub async fn lesson_progress(
        &self,
        lesson_id: &str,
        enrollment_id: &str,
    ) -> Result<LessonProgress> {
        let view = self
            .get(
                &format!("/trainings/lessons/view/{lesson_id}/{enrollment_id}.json"),
                &[],
            )
            .await
            .map_err(write_error)?;
        let lesson = view.get("lesson").unwrap_or(&view);
        let subject = model(lesson, &["TrainingSubject", "Subject"])
            .and_then(|s| wire::id(s, &["id"]))
            .or_else(|| wire::id(lesson, &["training_subject_id"]))
            .or_else(|| model(lesson, LESSON).and_then(|l| wire::id(l, &["training_subject_id"])))
            .ok_or_else(|| crate::ConnectorError::Malformed {
                context: format!("reading flylogs lesson {lesson_id}"),
                detail: "its view names no subject".into(),
            })?;
        let body = self
            .get(
                &format!("/trainings/lessons/attendance/{subject}.json"),
                &[],
            )
            .await?;
        Ok(progress_in(&body, lesson_id, enrollment_id))
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

/// The lesson's own attendance rows (not a class's) for the enrolment, in a subject's
/// attendance: `lessons[]` of `{TrainingSubjectLesson, TrainingSubjectAttendance[]}`, or
/// the rows nested in each lesson.
fn progress_in(body: &Value, lesson_id: &str, enrollment_id: &str) -> LessonProgress {
    let mut out = LessonProgress::default();
    for entry in wire::list(body.get("lessons")) {
        let lesson = model(&entry, LESSON).unwrap_or(&entry);
        if wire::id(lesson, &["id"]).as_deref() != Some(lesson_id) {
            continue;
        }
        let rows = ATTENDANCE
            .iter()
            .flat_map(|k| wire::list(entry.get(*k).or_else(|| lesson.get(*k))));
        for row in rows {
            let mine = wire::id(&row, &["trainings_user_id", "enrollment_id"]).as_deref()
                == Some(enrollment_id);
            let in_class = wire::id(&row, &["lesson_class_id", "session_id", "class_id"]).is_some();
            if mine && !in_class {
                out.completed |= wire::boolean(&row, &["value"]).unwrap_or(false);
                out.seconds += wire::integer(&row, &["time"]).unwrap_or(0);
            }
        }
    }
    out
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

    #[test]
    fn a_lessons_progress_sums_its_own_rows_and_skips_classes_and_other_students() {
        let body = json!({"lessons": [
            {"TrainingSubjectLesson": {"id": "50"}, "TrainingSubjectAttendance": [
                {"trainings_user_id": "e1", "value": true, "time": 600},
                {"trainings_user_id": "e1", "value": 1, "time": "300"},
                {"trainings_user_id": "e1", "lesson_class_id": "c7", "value": true, "time": 3600},
                {"trainings_user_id": "e2", "value": true, "time": 900},
            ]},
            {"TrainingSubjectLesson": {"id": "51"}, "TrainingSubjectAttendance": [
                {"trainings_user_id": "e1", "value": true, "time": 1200},
            ]},
            // The rows nested in the lesson, as a subject view sends them.
            {"id": "52", "ActivityProgress": [{"trainings_user_id": "e1", "value": false, "time": 60}]},
        ]});
        let p = progress_in(&body, "50", "e1");
        assert_eq!(
            p,
            LessonProgress {
                completed: true,
                seconds: 900
            }
        );
        let p = progress_in(&body, "52", "e1");
        assert_eq!(
            p,
            LessonProgress {
                completed: false,
                seconds: 60
            }
        );
        assert_eq!(progress_in(&body, "53", "e1"), LessonProgress::default());
    }
}
