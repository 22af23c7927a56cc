//! Who a record names: the unified person, or a person of its own, always with a name a
//! pilot can read.
//!
//! A record may name someone by id alone. PilotFlows documents a flight log as little
//! more than a date, an aircraft and a duration, so `pilot_name` and `student_name` can be
//! missing; the views then name that person after the id ("6"), and so did entries. The
//! name is looked up in the account's own people (its PilotFlows members, including those
//! since removed, who keep the name they had); failing that, the entry says whose id it
//! is ("PilotFlows member 6").

use std::collections::HashMap;

use flightdesk_core::Provider;
use flightdesk_store::Store;
use flightdesk_views::lookup::{AccountRef, EntityRef, Lookup};
use sqlx::Row;

use crate::error::{QueryContext, Result};
use crate::model::PersonRef;

/// The unified entities and every name the accounts' people records give.
pub(crate) struct People<'a> {
    lookup: &'a Lookup,
    /// Name by (account name, person source id).
    names: HashMap<(String, String), String>,
}

impl<'a> People<'a> {
    pub(crate) async fn load(store: &Store, lookup: &'a Lookup) -> Result<People<'a>> {
        let rows = sqlx::query(
            "SELECT a.name AS account, p.source_id, p.name FROM people p
             JOIN accounts a ON a.id = p.account_id
             WHERE p.name IS NOT NULL AND trim(p.name) <> ''
             ORDER BY p.removed DESC",
        )
        .fetch_all(store.pool())
        .await
        .context("reading the cached people's names")?;
        // Removed rows first, so a live record's name wins.
        let names = rows
            .into_iter()
            .map(|r| ((r.get("account"), r.get("source_id")), r.get("name")))
            .collect();
        Ok(People { lookup, names })
    }

    #[cfg(test)]
    pub(crate) fn new(lookup: &'a Lookup, names: HashMap<(String, String), String>) -> Self {
        People { lookup, names }
    }

    /// The unified person a record names, or one of its own when no other record names
    /// them.
    pub(crate) fn person(
        &self,
        account: &AccountRef,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Option<PersonRef> {
        let directory = id.and_then(|id| self.names.get(&(account.name.clone(), id.to_string())));
        let name = name
            .filter(|n| !n.trim().is_empty())
            .or(directory.map(String::as_str));
        // An entity the views could name only by this record's own id (its name is the id)
        // was not unified with anyone: the name, when there is one, says more.
        let named_by_id = |e: &EntityRef| id.is_some_and(|id| e.name == id);
        if let Some(e) = self.lookup.entity(account, true, id, name) {
            if !named_by_id(e) {
                return Some(PersonRef {
                    id: e.id.clone(),
                    name: e.name.clone(),
                });
            }
            if name.is_none() {
                return Some(PersonRef {
                    id: e.id.clone(),
                    name: unnamed(account.provider, &e.name),
                });
            }
        }
        // A person this account names only here (an Airbly co-pilot, a PilotFlows student):
        // the same name in any other system, if exactly one person has it.
        if let Some(found) = name.and_then(|n| self.lookup.find(n).ok()) {
            if found.id.starts_with("person:") {
                return Some(PersonRef {
                    id: found.id.clone(),
                    name: found.name.clone(),
                });
            }
        }
        let local = id.or(name)?;
        Some(PersonRef {
            id: format!("person:{}/{}/{local}", account.provider, account.name),
            name: name.map_or_else(|| unnamed(account.provider, local), str::to_string),
        })
    }
}

/// What an entry calls a person known only by `id` in `provider`.
fn unnamed(provider: Provider, id: &str) -> String {
    let noun = match provider {
        Provider::PilotFlows => "member",
        Provider::AviationAlley => "user",
        Provider::FlightSchoolBooking => "customer",
        Provider::Airbly | Provider::Flylogs => "person",
    };
    format!("{} {noun} {id}", provider.display_name())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn club() -> AccountRef {
        AccountRef {
            provider: Provider::PilotFlows,
            name: "club".into(),
        }
    }

    #[test]
    fn a_person_named_by_id_alone_gets_the_directory_name_or_says_whose_id_it_is() {
        let lookup = Lookup::default();
        let names = HashMap::from([(("club".into(), "6".into()), "Ann Smith".to_string())]);
        let people = People::new(&lookup, names);
        let ann = people.person(&club(), Some("6"), None).unwrap();
        assert_eq!(ann.name, "Ann Smith");
        assert_eq!(ann.id, "person:pilotflows/club/6");
        let unknown = people.person(&club(), Some("7"), None).unwrap();
        assert_eq!(unknown.name, "PilotFlows member 7");
        // A name the record gives wins over the directory's; a blank one does not count.
        assert_eq!(
            people
                .person(&club(), Some("6"), Some("Ann B. Smith"))
                .unwrap()
                .name,
            "Ann B. Smith"
        );
        assert_eq!(
            people.person(&club(), Some("6"), Some("  ")).unwrap().name,
            "Ann Smith"
        );
        assert!(people.person(&club(), None, None).is_none());
    }
}
