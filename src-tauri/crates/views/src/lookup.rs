//! Which unified entity a source names, answered in memory. Resolving entities reads every
//! record that names one, so a view resolves once per change of the cache (the window
//! keeps a `Lookup` until the sync says records changed) and then looks up each item's
//! aircraft and people in a hash map.

use std::collections::HashMap;
use std::sync::Arc;

use flightdesk_core::identity::{self, EntityKind};
use flightdesk_core::Provider;
use flightdesk_store::Store;
use serde::Serialize;
use sqlx::Row;

use crate::calendar::CalendarIndex;
use crate::entities::{self, EntityView, NAME_PREFIX};
use crate::error::{QueryContext, Result, ViewError};

/// A unified entity as an item names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
pub struct EntityRef {
    /// Stable across syncs (`aircraft:N44API`, `person:ann@example.org`).
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
}

/// An account as items carry it: its provider and its name.
#[derive(Debug, Clone)]
pub struct AccountRef {
    pub provider: Provider,
    pub name: String,
}

/// One account's sources of one side (people, or aircraft, simulators and rooms).
#[derive(Debug)]
struct SourceMap {
    provider: Provider,
    account: String,
    person: bool,
    ids: HashMap<String, usize>,
}

/// The resolved entities of the cache at one moment and its accounts, and when the
/// window's cache has it up to date, the calendar's rows in memory. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Lookup {
    resolved: Arc<Resolved>,
    /// Set only by [`crate::cache::LookupCache`], which knows when it is up to date; the
    /// calendar reads its rows from SQL without it.
    calendar: Option<Arc<CalendarIndex>>,
}

#[derive(Debug, Default)]
struct Resolved {
    /// Per account and whether it names a person (one provider id can be a member and an
    /// aircraft, see `identity::resolve`), source id -> entity. A school has a handful of
    /// accounts, so the outer level is a list: a calendar week looks up thousands of
    /// sources, and none of them allocates a key.
    by_source: Vec<SourceMap>,
    entities: Vec<EntityRef>,
    /// The same entities with their sources and how each matched (the board, trainings
    /// and the entity list show them).
    views: Vec<EntityView>,
    /// Each entity's name and id key (`n44api`, `ann@example.org`) in lower case, for
    /// search as typed.
    lower: Vec<(String, String)>,
    accounts: HashMap<i64, AccountRef>,
}

impl Lookup {
    /// Resolves every entity of the cache under the user's decisions.
    pub async fn load(store: &Store) -> Result<Self> {
        Ok(Self {
            resolved: Arc::new(Resolved::load(store).await?),
            calendar: None,
        })
    }

    /// The same lookup with the calendar's rows from `index` (which must be up to date).
    pub fn with_calendar(&self, index: Arc<CalendarIndex>) -> Self {
        Self {
            resolved: self.resolved.clone(),
            calendar: Some(index),
        }
    }

    /// The in-memory calendar rows, if this lookup carries them.
    pub fn calendar_index(&self) -> Option<&CalendarIndex> {
        self.calendar.as_deref()
    }

    /// The account with this store id.
    pub fn account(&self, id: i64) -> Option<&AccountRef> {
        self.resolved.accounts.get(&id)
    }

    /// The person (or, with `person` false, the aircraft, simulator or room) a record of
    /// `account` names by the provider's `id`, or failing that by its `name` (text-only
    /// mentions are keyed by it, as `entities` keys them).
    pub fn entity(
        &self,
        account: &AccountRef,
        person: bool,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Option<&EntityRef> {
        self.resolved.entity(account, person, id, name)
    }

    /// The entity a user means by `text`: its id, or else its name or e-mail spelled in
    /// any case (`n44api`, `Ann Lee`). Two entities of that name is an error that lists
    /// their ids, so a script never gets the wrong one.
    pub fn find(&self, text: &str) -> Result<&EntityRef> {
        self.resolved.find(text)
    }

    /// Every entity, in the read model's order (kind, then name).
    pub fn entities(&self) -> &[EntityRef] {
        &self.resolved.entities
    }

    /// Every entity with its sources, in the same order.
    pub fn entity_views(&self) -> &[EntityView] {
        &self.resolved.views
    }

    /// Every entity's name and id key in lower case, in the same order.
    pub(crate) fn lower_names(&self) -> &[(String, String)] {
        &self.resolved.lower
    }
}

impl Resolved {
    async fn load(store: &Store) -> Result<Self> {
        let candidates = entities::candidates(store).await?;
        let decisions = store.entity_decisions().await?;
        let mut lookup = Resolved::default();
        for e in identity::resolve(&candidates, &decisions) {
            let index = lookup.entities.len();
            let person = e.kind == EntityKind::Person;
            for m in &e.members {
                lookup
                    .sources_mut(m.source.provider, &m.source.account, person)
                    .insert(m.source.source_id.clone(), index);
            }
            lookup.entities.push(EntityRef {
                id: e.id.clone(),
                kind: e.kind,
                name: e.name.clone(),
            });
            let key = e.id.split_once(':').map_or("", |(_, key)| key);
            lookup
                .lower
                .push((e.name.to_lowercase(), key.to_lowercase()));
            lookup.views.push(EntityView::from(e));
        }
        let rows = sqlx::query("SELECT id, provider, name FROM accounts")
            .fetch_all(store.pool())
            .await
            .context("listing the accounts")?;
        for row in rows {
            let Ok(provider) = row.get::<String, _>("provider").parse::<Provider>() else {
                continue;
            };
            lookup.accounts.insert(
                row.get("id"),
                AccountRef {
                    provider,
                    name: row.get("name"),
                },
            );
        }
        Ok(lookup)
    }

    fn sources_mut(
        &mut self,
        provider: Provider,
        account: &str,
        person: bool,
    ) -> &mut HashMap<String, usize> {
        let at = self
            .by_source
            .iter()
            .position(|m| m.person == person && m.provider == provider && m.account == account);
        let at = at.unwrap_or_else(|| {
            self.by_source.push(SourceMap {
                provider,
                account: account.to_string(),
                person,
                ids: HashMap::new(),
            });
            self.by_source.len() - 1
        });
        &mut self.by_source[at].ids
    }

    fn entity(
        &self,
        account: &AccountRef,
        person: bool,
        id: Option<&str>,
        name: Option<&str>,
    ) -> Option<&EntityRef> {
        let map = self.by_source.iter().find(|m| {
            m.person == person && m.provider == account.provider && m.account == account.name
        })?;
        let index = match (id, name) {
            (Some(id), _) => map.ids.get(id),
            (None, Some(name)) => map.ids.get(&format!("{NAME_PREFIX}{name}")),
            (None, None) => None,
        }?;
        self.entities.get(*index)
    }

    fn find(&self, text: &str) -> Result<&EntityRef> {
        if let Some(e) = self.entities.iter().find(|e| e.id == text) {
            return Ok(e);
        }
        let wanted = text.trim().to_lowercase();
        let by_name: Vec<&EntityRef> = self
            .entities
            .iter()
            .filter(|e| {
                e.name.to_lowercase() == wanted
                    || e.id
                        .split_once(':')
                        .is_some_and(|(_, rest)| rest.to_lowercase() == wanted)
            })
            .collect();
        match by_name.as_slice() {
            [one] => Ok(one),
            [] => Err(ViewError::UnknownEntity(text.to_string())),
            many => Err(ViewError::AmbiguousEntity {
                text: text.to_string(),
                ids: many.iter().map(|e| e.id.clone()).collect(),
            }),
        }
    }
}
