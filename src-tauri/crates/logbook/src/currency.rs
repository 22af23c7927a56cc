//! One person's currency: their entries mapped onto the currency engine's flights
//! (`Facts::flight` states the interpretations) and every verdict at one moment.

use chrono::{DateTime, FixedOffset};
use flightdesk_currency::{evaluate, Config, Pilot, Verdict};
use flightdesk_store::Store;

use crate::error::Result;
use crate::facts;

/// Every verdict for `person` at `at` (its date drives the day- and month-based rules).
/// No system FlightDesk reads holds medicals, so the medical verdict is absent.
pub async fn currency(
    store: &Store,
    person: &str,
    at: DateTime<FixedOffset>,
) -> Result<Vec<Verdict>> {
    let facts = facts::of_person(store, person).await?;
    Ok(evaluate(
        facts.flights_until(at.date_naive()),
        &Pilot::default(),
        at,
        &Config::default(),
    ))
}
