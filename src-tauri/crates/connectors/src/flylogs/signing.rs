//! Signing a mission's debrief (the student who flew it) and a class's attendance (its
//! teacher): Flylogs checks the user's password with each signature. The password is
//! borrowed for the one request, sent in the form body (never in a URL, so never in a
//! log line), and not kept: these writes never enter the outbox.

use flightdesk_secrets::Secret;

use super::classes::refused_in_body;
use super::Flylogs;
use crate::{wire, Result};

/// How a signature request ended, when Flylogs accepted it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signature {
    Signed,
    /// Flylogs answered that it was signed already ("Returns false if the record was
    /// already signed").
    AlreadySigned,
}

impl Flylogs {
    /// Signs the debrief of mission `mission_id` (a `UserTrainingFlight` id).
    pub async fn sign_mission(&self, mission_id: &str, password: &Secret) -> Result<Signature> {
        let form = [
            ("user_training_flight_id", mission_id.to_string()),
            ("pass", password.expose().to_string()),
        ];
        let body = self
            .write("/trainings/missions/sign.json", Some(&form))
            .await?;
        Ok(signature_of(&body))
    }

    /// Signs (`sign`) or unsigns the attendance of class `class_id`, as its teacher.
    pub async fn sign_class(
        &self,
        class_id: &str,
        password: &Secret,
        sign: bool,
    ) -> Result<Signature> {
        let path = if sign {
            "/trainings/onsite/sign_class.json"
        } else {
            "/trainings/onsite/unsign_class.json"
        };
        let form = [
            ("classId", class_id.to_string()),
            ("password", password.expose().to_string()),
        ];
        let body = self.write(path, Some(&form)).await?;
        refused_in_body(&body)?;
        Ok(signature_of(&body))
    }
}

/// `{"update": false}` (or a bare `false`) is "already signed"; anything else accepted.
fn signature_of(body: &serde_json::Value) -> Signature {
    let updated = wire::boolean(body, &["update", "updated", "result"]).or(body.as_bool());
    match updated {
        Some(false) => Signature::AlreadySigned,
        _ => Signature::Signed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn false_means_already_signed_in_every_form_the_seed_shows() {
        assert_eq!(
            signature_of(&json!({"update": false})),
            Signature::AlreadySigned
        );
        assert_eq!(signature_of(&json!(false)), Signature::AlreadySigned);
        assert_eq!(signature_of(&json!({"update": true})), Signature::Signed);
        assert_eq!(signature_of(&json!(true)), Signature::Signed);
    }
}
