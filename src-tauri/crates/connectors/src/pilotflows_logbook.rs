//! Writing PilotFlows flight logs (`POST /organizations/{org}/flight_logs`, `PATCH` and
//! `DELETE /organizations/{org}/flight_logs/{id}`), in the seed's envelope
//! `{"data": {"type": "flight_log", "attributes": {…}}}`. Every call goes under the write
//! policy (sent again only when it never reached PilotFlows), paced by the rate limit.
//!
//! A POST has no idempotency key: a create whose answer was lost may have landed, so the
//! outbox asks [`PilotFlows::find_flight_log`] before it sends the create again.

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use crate::pilotflows::PilotFlows;
use crate::wire;
use crate::{ConnectorError, Result};

/// The fields of a flight log FlightDesk writes; `None` leaves a field out (a PATCH leaves
/// it unchanged).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FlightLogFields {
    pub date: Option<NaiveDate>,
    /// The aircraft's registration.
    pub aircraft: Option<String>,
    /// Hours, as PilotFlows keeps them (tenths).
    pub duration: Option<f64>,
    /// A member id of the organisation.
    pub pilot_id: Option<String>,
    pub student_id: Option<String>,
    /// Airport identifiers.
    pub departure: Option<String>,
    pub arrival: Option<String>,
    #[ts(type = "number | null")]
    pub landings: Option<i64>,
    pub remarks: Option<String>,
}

impl FlightLogFields {
    /// The request's `attributes`.
    pub fn attributes(&self) -> Map<String, Value> {
        let mut out = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                out.insert(k.to_string(), v);
            }
        };
        put(
            "date",
            self.date.map(|d| json!(d.format("%Y-%m-%d").to_string())),
        );
        put("aircraft", self.aircraft.clone().map(Value::String));
        put("duration", self.duration.map(|d| json!(d)));
        put("pilot_id", self.pilot_id.clone().map(Value::String));
        put("student_id", self.student_id.clone().map(Value::String));
        put("departure", self.departure.clone().map(Value::String));
        put("arrival", self.arrival.clone().map(Value::String));
        put("landings", self.landings.map(|n| json!(n)));
        put("remarks", self.remarks.clone().map(Value::String));
        out
    }

    /// Whether `row` (a listed flight log's attributes) is the log these fields create.
    fn made(&self, row: &Value) -> bool {
        let same = |k: &str, want: &Option<String>| {
            want.as_ref()
                .is_none_or(|w| wire::string(row, &[k]).is_some_and(|v| v.eq_ignore_ascii_case(w)))
        };
        self.date
            .is_none_or(|d| wire::date(row, &["date"]) == Some(d))
            && same("aircraft", &self.aircraft)
            && same("pilot_id", &self.pilot_id)
            && same("remarks", &self.remarks)
            && self.duration.is_none_or(|d| {
                wire::number(row, &["duration"]).is_some_and(|v| (v - d).abs() < 0.05)
            })
    }
}

fn envelope(fields: &FlightLogFields) -> Value {
    json!({"data": {"type": "flight_log", "attributes": fields.attributes()}})
}

impl PilotFlows {
    async fn write_request(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Value> {
        let url = format!("{}/{path}", self.account.base());
        let token = self.account.credential.expose().to_string();
        let context = format!("writing pilotflows {}", method.as_str().to_lowercase());
        let answer = self
            .http
            .send_write(&context, |c| {
                let request = c.request(method.clone(), &url).bearer_auth(&token);
                match &body {
                    Some(b) => request.json(b),
                    None => request,
                }
            })
            .await?;
        Ok(answer.body)
    }

    /// Creates a flight log; its id.
    pub async fn create_flight_log(&self, fields: &FlightLogFields) -> Result<String> {
        let org = self.organization().await?.to_string();
        let body = self
            .write_request(
                reqwest::Method::POST,
                &format!("organizations/{org}/flight_logs"),
                Some(envelope(fields)),
            )
            .await?;
        wire::id(&body["data"], &["id"]).ok_or_else(|| {
            ConnectorError::malformed("creating a pilotflows flight log", "no id in the answer")
        })
    }

    /// Changes the fields given of flight log `id` (a PATCH: the others stay).
    pub async fn update_flight_log(&self, id: &str, fields: &FlightLogFields) -> Result<()> {
        let org = self.organization().await?.to_string();
        self.write_request(
            reqwest::Method::PATCH,
            &format!("organizations/{org}/flight_logs/{id}"),
            Some(envelope(fields)),
        )
        .await
        .map(|_| ())
    }

    /// Deletes flight log `id`; one that is gone already counts as deleted.
    pub async fn delete_flight_log(&self, id: &str) -> Result<()> {
        let org = self.organization().await?.to_string();
        let path = format!("organizations/{org}/flight_logs/{id}");
        match self
            .write_request(reqwest::Method::DELETE, &path, None)
            .await
        {
            Ok(_) | Err(ConnectorError::Rejected { status: 404, .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The id of a flight log that `fields` would have created, written within `age` (how
    /// long ago the create was first sent), if one is there: an earlier create whose answer
    /// was lost. `age` is laid on PilotFlows' own clock (its `Date`), since the two clocks
    /// may disagree.
    pub async fn find_flight_log(
        &self,
        fields: &FlightLogFields,
        age: chrono::Duration,
    ) -> Result<Option<String>> {
        let org = self.organization().await?.to_string();
        let (_, server_now) = self.get(&format!("organizations/{org}"), &[]).await?;
        let since = server_now.unwrap_or_else(Utc::now) - age - chrono::Duration::minutes(5);
        let since = flightdesk_core::instant::encode(&since);
        for page in 1..=20u32 {
            let query = [
                ("page[number]", page.to_string()),
                ("page[size]", "100".to_string()),
                ("filter[updated_since]", since.clone()),
            ];
            let (body, _) = self
                .get(&format!("organizations/{org}/flight_logs"), &query)
                .await?;
            let rows = wire::list(body.get("data"));
            if let Some(found) = rows.iter().find(|r| fields.made(&r["attributes"])) {
                return Ok(wire::id(found, &["id"]));
            }
            if body["links"]["next"].is_null() || rows.is_empty() {
                break;
            }
        }
        Ok(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> FlightLogFields {
        FlightLogFields {
            date: NaiveDate::from_ymd_opt(2026, 3, 1),
            aircraft: Some("N44API".into()),
            duration: Some(1.5),
            remarks: Some("pattern work".into()),
            ..Default::default()
        }
    }

    #[test]
    fn only_the_fields_given_are_sent() {
        let a = fields().attributes();
        assert_eq!(a["date"], "2026-03-01");
        assert_eq!(a["duration"], 1.5);
        assert!(!a.contains_key("pilot_id") && !a.contains_key("landings"));
    }

    #[test]
    fn a_listed_log_is_the_one_made_when_every_given_field_matches() {
        let row = json!({"date": "2026-03-01", "aircraft": "n44api", "duration": 1.5,
                         "remarks": "pattern work", "pilot_id": "7"});
        assert!(fields().made(&row));
        let other = json!({"date": "2026-03-01", "aircraft": "N44API", "duration": 1.6,
                           "remarks": "pattern work"});
        assert!(
            !fields().made(&other),
            "a different duration is another flight"
        );
    }
}
