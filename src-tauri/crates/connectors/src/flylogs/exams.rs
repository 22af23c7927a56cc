//! Online exams: preview and start (`/trainings/exams/start/{enrolment}/{exam}.json`, GET
//! and POST), the attempt's questions (`do/{attempt}`), one answer (`POST answer.json`),
//! finish (`finish/{attempt}`, a GET that grades) and the result (`view/{attempt}`).
//!
//! An answer sets the option of one attempt detail, so sending it again after a lost
//! answer changes nothing. Finish is not repeatable (a second one is refused as "already
//! finished"), so a caller whose finish answer was lost asks [`Flylogs::exam_result`],
//! which answers only for finished attempts.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::classes::refused_in_body;
use super::Flylogs;
use crate::{wire, ConnectorError, Result};

/// What the student sees before starting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExamPreview {
    pub enrollment_id: String,
    pub exam_id: String,
    pub name: Option<String>,
    #[ts(type = "number | null")]
    pub questions: Option<i64>,
    #[ts(type = "number | null")]
    pub minutes: Option<i64>,
    /// The pass mark, in percent.
    #[ts(type = "number | null")]
    pub pass_score: Option<i64>,
    #[ts(type = "number | null")]
    pub remaining_attempts: Option<i64>,
    pub passed: bool,
    /// An attempt started and not finished: starting resumes it.
    pub open_attempt: Option<String>,
    pub can_start: bool,
    /// Past attempts, newest first.
    pub attempts: Vec<PastAttempt>,
}

/// An earlier attempt, as the preview lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct PastAttempt {
    pub id: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished: bool,
    #[ts(type = "number | null")]
    pub score: Option<i64>,
    pub passed: Option<bool>,
}

/// One question of an attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExamQuestion {
    /// The `ExamAttemptDetail` id an answer names.
    pub detail_id: String,
    pub question_id: String,
    pub text: Option<String>,
    pub options: Vec<QuestionOption>,
    /// The option Flylogs has for it, if any.
    pub chosen: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct QuestionOption {
    pub id: String,
    pub text: Option<String>,
    /// Whether it is a right answer: only in a result, and only when the training shows
    /// the correct answers.
    pub correct: Option<bool>,
}

/// An open attempt's questions and the time left to answer them.
#[derive(Debug, Clone, PartialEq)]
pub struct AttemptQuestions {
    pub questions: Vec<ExamQuestion>,
    pub remaining_seconds: Option<i64>,
}

/// A finished attempt.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct ExamResult {
    pub attempt_id: String,
    #[ts(type = "number | null")]
    pub score: Option<i64>,
    #[ts(type = "number | null")]
    pub pass_score: Option<i64>,
    pub passed: Option<bool>,
    #[ts(type = "number | null")]
    pub correct: Option<i64>,
    #[ts(type = "number | null")]
    pub total: Option<i64>,
    /// Whether the training shows the correct answers (then each option says so).
    pub show_answers: bool,
    pub questions: Vec<ExamQuestion>,
}

impl Flylogs {
    /// The exam's details and past attempts (`GET start`).
    pub async fn exam_preview(&self, enrollment_id: &str, exam_id: &str) -> Result<ExamPreview> {
        let body = self.get(&start_path(enrollment_id, exam_id), &[]).await?;
        Ok(preview(enrollment_id, exam_id, &body))
    }

    /// Starts an attempt, or resumes the open one; its id.
    pub async fn exam_start(&self, enrollment_id: &str, exam_id: &str) -> Result<String> {
        let body = self
            .write(
                &start_path(enrollment_id, exam_id),
                Some(&[][..] as &[(&str, String)]),
            )
            .await?;
        refused_in_body(&body)?;
        wire::id(&body, &["attempt_id", "attemptId", "id"])
            .ok_or_else(|| ConnectorError::malformed("starting a flylogs exam", "no attempt id"))
    }

    /// The open attempt's questions, with any answers Flylogs has.
    pub async fn exam_questions(&self, attempt_id: &str) -> Result<AttemptQuestions> {
        let body = self
            .get(&format!("/trainings/exams/do/{attempt_id}.json"), &[])
            .await?;
        Ok(AttemptQuestions {
            questions: questions(&body),
            remaining_seconds: wire::integer(&body, &["remaining_seconds", "remainingSeconds"]),
        })
    }

    /// Sends one answer.
    pub async fn exam_answer(&self, detail_id: &str, option_id: &str) -> Result<()> {
        let form = [
            ("attemptDetailId", detail_id.to_string()),
            ("questionOptionId", option_id.to_string()),
        ];
        let body = self
            .write("/trainings/exams/answer.json", Some(&form))
            .await?;
        refused_in_body(&body)
    }

    /// Submits the attempt for grading (a GET, as the seed documents it).
    pub async fn exam_finish(&self, attempt_id: &str) -> Result<()> {
        let body = self
            .write::<&str>(&format!("/trainings/exams/finish/{attempt_id}.json"), None)
            .await?;
        refused_in_body(&body)
    }

    /// The result of a finished attempt (Flylogs refuses it while the attempt is open).
    pub async fn exam_result(&self, attempt_id: &str) -> Result<ExamResult> {
        let body = self
            .get(&format!("/trainings/exams/view/{attempt_id}.json"), &[])
            .await?;
        Ok(result(attempt_id, &body))
    }
}

fn start_path(enrollment_id: &str, exam_id: &str) -> String {
    format!("/trainings/exams/start/{enrollment_id}/{exam_id}.json")
}

fn exam_of(body: &Value) -> &Value {
    body.get("exam")
        .or_else(|| body.get("TrainingSubjectExam"))
        .unwrap_or(&Value::Null)
}

fn preview(enrollment_id: &str, exam_id: &str, body: &Value) -> ExamPreview {
    let exam = exam_of(body);
    let attempts = body.get("attempts").or_else(|| body.get("ExamAttempt"));
    ExamPreview {
        enrollment_id: enrollment_id.to_string(),
        exam_id: exam_id.to_string(),
        name: wire::string(exam, &["name"]),
        questions: wire::integer(exam, &["questions"]),
        minutes: wire::integer(exam, &["minutes"]),
        pass_score: wire::integer(exam, &["score"]),
        remaining_attempts: wire::integer(body, &["remainingAttempts", "remaining_attempts"]),
        passed: wire::boolean(body, &["passed"]).unwrap_or(false),
        open_attempt: wire::id(body, &["openAttempt", "open_attempt"]),
        can_start: wire::boolean(body, &["canStart", "can_start"]).unwrap_or(false),
        attempts: wire::list(attempts)
            .iter()
            .filter_map(past_attempt)
            .collect(),
    }
}

fn past_attempt(a: &Value) -> Option<PastAttempt> {
    let a = a.get("ExamAttempt").unwrap_or(a);
    let finished = wire::status(a, &["status"]).map(|s| s == "finished");
    Some(PastAttempt {
        id: wire::id(a, &["id"])?,
        started_at: wire::instant(a, &["start", "created"]),
        finished: finished.unwrap_or_else(|| a.get("finish").is_some_and(|f| !f.is_null())),
        score: wire::integer(a, &["score"]),
        passed: wire::boolean(a, &["passed"]),
    })
}

fn questions(body: &Value) -> Vec<ExamQuestion> {
    wire::list(body.get("questions"))
        .iter()
        .filter_map(question)
        .collect()
}

fn question(row: &Value) -> Option<ExamQuestion> {
    let detail = row.get("ExamAttemptDetail").unwrap_or(row);
    let q = row.get("TrainingQuestion").unwrap_or(row);
    let options = wire::list(q.get("TrainingQuestionOption").or_else(|| q.get("options")))
        .iter()
        .filter_map(|o| {
            Some(QuestionOption {
                id: wire::id(o, &["id"])?,
                text: wire::string(o, &["name", "text"]),
                correct: wire::boolean(o, &["value", "correct"]),
            })
        })
        .collect();
    Some(ExamQuestion {
        detail_id: wire::id(detail, &["id"])?,
        question_id: wire::id(detail, &["training_question_id"])
            .or_else(|| wire::id(q, &["id"]))?,
        text: wire::string(q, &["name", "text"]),
        options,
        chosen: wire::id(detail, &["training_question_option_id"]),
    })
}

fn result(attempt_id: &str, body: &Value) -> ExamResult {
    let attempt = body.get("attempt").unwrap_or(&Value::Null);
    let either = |names: &[&str]| wire::integer(attempt, names).or(wire::integer(body, names));
    ExamResult {
        attempt_id: attempt_id.to_string(),
        score: either(&["score"]),
        pass_score: wire::integer(exam_of(body), &["score"])
            .or(wire::integer(body, &["pass_score"])),
        passed: wire::boolean(attempt, &["passed"]).or(wire::boolean(body, &["passed"])),
        correct: wire::integer(body, &["correct"]),
        total: wire::integer(body, &["total"]),
        show_answers: wire::boolean(body, &["showAnswers", "show_answers"]).unwrap_or(false),
        questions: questions(body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_preview_reads_the_exam_its_attempts_and_whether_it_can_start() {
        let body = json!({
            "exam": {"id": "x1", "name": "Air law", "questions": 10, "minutes": 60, "score": 75},
            "attempts": [{"id": "a2", "status": "FINISHED", "score": 80, "passed": true,
                          "start": 1767261600, "finish": 1767262000}],
            "remainingAttempts": 2, "passed": true, "openAttempt": null, "canStart": false,
        });
        let p = preview("e1", "x1", &body);
        assert_eq!(p.name.as_deref(), Some("Air law"));
        assert_eq!(
            (p.questions, p.minutes, p.pass_score),
            (Some(10), Some(60), Some(75))
        );
        assert_eq!(p.remaining_attempts, Some(2));
        assert!(p.passed && !p.can_start && p.open_attempt.is_none());
        let a = &p.attempts[0];
        assert_eq!((a.id.as_str(), a.finished, a.score), ("a2", true, Some(80)));
        assert!(a.started_at.is_some());
    }

    #[test]
    fn a_question_names_its_detail_its_options_and_the_chosen_one() {
        let body = json!({"questions": [{
            "ExamAttemptDetail": {"id": "d1", "training_question_id": "q1",
                                  "training_question_option_id": "o2"},
            "TrainingQuestion": {"id": "q1", "name": "VFR minima?",
                "TrainingQuestionOption": [{"id": "o1", "name": "1 km"},
                                           {"id": "o2", "name": "5 km", "value": true}]},
        }, {"ExamAttemptDetail": {"training_question_id": "no detail id"}}]});
        let qs = questions(&body);
        assert_eq!(qs.len(), 1, "a row without a detail id cannot be answered");
        assert_eq!(qs[0].detail_id, "d1");
        assert_eq!(qs[0].chosen.as_deref(), Some("o2"));
        assert_eq!(qs[0].options[0].correct, None);
        assert_eq!(qs[0].options[1].correct, Some(true));
    }

    #[test]
    fn a_result_takes_the_score_from_the_attempt_and_the_pass_mark_from_the_exam() {
        let body = json!({"attempt": {"id": "a1", "score": 50, "passed": false},
                          "exam": {"score": 75}, "correct": 5, "total": 10,
                          "showAnswers": true, "questions": []});
        let r = result("a1", &body);
        assert_eq!(
            (r.score, r.pass_score, r.passed),
            (Some(50), Some(75), Some(false))
        );
        assert_eq!(
            (r.correct, r.total, r.show_answers),
            (Some(5), Some(10), true)
        );
    }
}
