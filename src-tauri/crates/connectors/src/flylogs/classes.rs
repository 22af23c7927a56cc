//! Typed class writes: `POST /manager/trainings/onsite/class.json` (create, or update
//! with an `id`) and `GET /manager/trainings/onsite/delete_class/{id}/true.json`, sent
//! under the write policy ([`Http::send_write`]).
//!
//! Flylogs has no idempotency key. A create whose answer was lost (a timeout, a cut
//! body, a 5xx after the handler ran) may have made the class, so before sending it again
//! [`Flylogs::find_class`] looks for it by its natural key: the same teacher at the same
//! start, for the same subject, lesson and exam. A teacher cannot give two such classes at
//! once, so a match is the earlier attempt (or the very class someone else made, which
//! is as good). Remarks are not used as a marker: they are the school's text, shown to
//! students.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Flylogs;
use crate::{wire, ConnectorError, Result};

/// A class as the school schedules it. Flylogs takes no end: the length comes from the
/// lesson or exam (60 minutes otherwise).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClassDraft {
    pub subject_id: String,
    #[serde(default)]
    pub lesson_id: Option<String>,
    #[serde(default)]
    pub exam_id: Option<String>,
    pub start: DateTime<Utc>,
    pub teacher_id: String,
    #[serde(default)]
    pub location_id: Option<String>,
    pub student_ids: Vec<String>,
    #[serde(default)]
    pub remarks: String,
    #[serde(default)]
    pub notify: bool,
}

impl ClassDraft {
    fn form(&self, id: Option<&str>) -> Vec<(&'static str, String)> {
        let mut form = vec![
            ("training_subject_id", self.subject_id.clone()),
            (
                "start",
                self.start.to_rfc3339_opts(SecondsFormat::Secs, true),
            ),
            ("teacher_id", self.teacher_id.clone()),
            ("students", self.student_ids.join(",")),
            ("remarks", self.remarks.clone()),
            ("notify", if self.notify { "1" } else { "0" }.to_string()),
        ];
        let optional = [
            ("training_subject_lesson_id", &self.lesson_id),
            ("training_subject_exam_id", &self.exam_id),
            ("location_id", &self.location_id),
        ];
        for (name, value) in optional {
            if let Some(v) = value {
                form.push((name, v.clone()));
            }
        }
        if let Some(id) = id {
            form.push(("id", id.to_string()));
        }
        form
    }
}

impl Flylogs {
    /// Creates the class (`id: None`) or updates class `id`; returns the class's id.
    pub async fn save_class(&self, draft: &ClassDraft, id: Option<&str>) -> Result<String> {
        let form = draft.form(id);
        let body = self
            .write("/manager/trainings/onsite/class.json", Some(&form))
            .await?;
        refused_in_body(&body)?;
        wire::id(&body, &["id"])
            .or_else(|| id.map(str::to_string))
            .ok_or_else(|| ConnectorError::malformed("saving a flylogs class", "no class id"))
    }

    /// Deletes class `id`. A class already gone counts as deleted: a replay after a lost
    /// answer must not turn the earlier success into a rejection.
    pub async fn delete_class(&self, id: &str) -> Result<()> {
        let path = format!("/manager/trainings/onsite/delete_class/{id}/true.json");
        match self.write::<&str>(&path, None).await {
            Ok(body) => refused_in_body(&body),
            Err(ConnectorError::Rejected { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The id of a class with `draft`'s teacher, start, subject, lesson and exam, if
    /// Flylogs has one (see the module comment).
    pub async fn find_class(&self, draft: &ClassDraft) -> Result<Option<String>> {
        let at = draft.start.to_rfc3339_opts(SecondsFormat::Secs, true);
        let q = [
            ("start", at.clone()),
            ("end", at),
            ("timeZone", "UTC".to_string()),
        ];
        let events = self.get("/trainings/trainings/calendar.json", &q).await?;
        let candidates = events.as_array().cloned().unwrap_or_default();
        for event in candidates {
            let same_start = wire::string(&event, &["start"])
                .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
                .is_some_and(|s| s.to_utc() == draft.start);
            let same_teacher =
                wire::id(&event, &["teacher_id"]).as_deref() == Some(draft.teacher_id.as_str());
            let Some(id) = wire::id(&event, &["id"]) else {
                continue;
            };
            if !(same_start && same_teacher) {
                continue;
            }
            let view = self
                .get(&format!("/trainings/onsite/class/{id}.json"), &[])
                .await?;
            let class = &view["class"]["LessonClass"];
            let field = |name: &str| wire::id(class, &[name]).filter(|v| v != "0" && !v.is_empty());
            if field("training_subject_id").as_deref() == Some(draft.subject_id.as_str())
                && field("training_subject_lesson_id") == draft.lesson_id
                && field("training_subject_exam_id") == draft.exam_id
            {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// A write with the bearer token (a POST of `form`, or a GET when there is none, as
    /// Flylogs deletes); a session token refused with 401 is renewed once, which is safe
    /// because a 401 means the write was not applied.
    pub(super) async fn write<K: serde::Serialize + Sync>(
        &self,
        path: &str,
        form: Option<&[(K, String)]>,
    ) -> Result<Value> {
        let url = self.url(path);
        let context = format!(
            "writing flylogs {}",
            path.split('/').take(5).collect::<Vec<_>>().join("/")
        );
        let mut fresh = false;
        loop {
            let token = self.bearer(fresh).await?;
            let result = self
                .http
                .send_write(&context, |c| {
                    let request = match form {
                        Some(form) => c.post(&url).form(form),
                        None => c.get(&url),
                    };
                    request.bearer_auth(token.expose())
                })
                .await;
            match result {
                Err(ConnectorError::Unauthorized { .. })
                    if !fresh && self.login_email().is_some() =>
                {
                    fresh = true;
                }
                Err(e) => return Err(e),
                Ok(answer) => return Ok(answer.body),
            }
        }
    }
}

/// Flylogs may answer 200 with `result: false` and its reason.
pub(super) fn refused_in_body(body: &Value) -> Result<()> {
    if wire::boolean(body, &["result"]) == Some(false) {
        return Err(ConnectorError::Rejected {
            status: 200,
            field: None,
            message: wire::string(body, &["message"])
                .unwrap_or_else(|| "Flylogs refused the change".into()),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_carries_every_given_field_and_an_update_its_id() {
        let draft = ClassDraft {
            subject_id: "s1".into(),
            lesson_id: Some("l1".into()),
            exam_id: None,
            start: "2026-03-05T08:00:00Z".parse().unwrap(),
            teacher_id: "7".into(),
            location_id: None,
            student_ids: vec!["11".into(), "12".into()],
            remarks: "bring charts".into(),
            notify: true,
        };
        let form = draft.form(Some("99"));
        let get = |k: &str| form.iter().find(|(n, _)| *n == k).map(|(_, v)| v.as_str());
        assert_eq!(get("start"), Some("2026-03-05T08:00:00Z"));
        assert_eq!(get("students"), Some("11,12"));
        assert_eq!(get("training_subject_lesson_id"), Some("l1"));
        assert_eq!(get("training_subject_exam_id"), None);
        assert_eq!(get("notify"), Some("1"));
        assert_eq!(get("id"), Some("99"));
        assert_eq!(
            draft.form(None).iter().filter(|(n, _)| *n == "id").count(),
            0
        );
    }

    #[test]
    fn a_false_result_is_a_rejection_in_the_providers_words() {
        let body =
            serde_json::json!({"result": false, "message": "A signed class can not be changed"});
        let e = refused_in_body(&body).unwrap_err();
        assert!(e.is_refusal());
        assert!(e.to_string().contains("A signed class can not be changed"));
    }
}
