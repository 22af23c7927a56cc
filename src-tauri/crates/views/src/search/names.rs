//! Aircraft, simulators, rooms and people found by name as the user types, from the
//! resolved entities in memory: the first letters already find them, with no full-text
//! query at all. A school has a few thousand entities, so a scan is well under a
//! millisecond.

use flightdesk_core::identity::EntityKind;

use crate::entities::{EntityView, SourceView, NAME_PREFIX};
use crate::lookup::{EntityRef, Lookup};

/// How well an entity matches, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Grade {
    /// Its name, registration or e-mail is the text (in any case).
    Exact,
    /// Its name, registration or e-mail starts with the text.
    Prefix,
    /// Each typed word starts one of its words.
    Words,
}

/// An entity the text names.
pub(super) struct NameMatch<'l> {
    pub entity: &'l EntityView,
    pub entity_ref: &'l EntityRef,
    pub grade: Grade,
    /// What was matched: the name and the id's key (`N44API`, `ann@example.org`).
    pub text: String,
}

impl NameMatch<'_> {
    /// The source a hit shows: a record of its own rather than a mention in another.
    pub fn source(&self) -> Option<&SourceView> {
        let sources = &self.entity.sources;
        sources
            .iter()
            .find(|s| !s.source_id.starts_with(NAME_PREFIX))
            .or(sources.first())
    }

    /// The cache table a hit names, as full-text hits name theirs.
    pub fn kind(&self) -> &'static str {
        match self.entity.kind {
            EntityKind::Person => "people",
            other => other.as_str(),
        }
    }
}

/// Every entity each of `words` (lower case) starts a word of, best first: exact, then
/// prefix, then word matches; within a grade by kind, then name.
pub(super) fn matching<'l>(
    lookup: &'l Lookup,
    typed: &str,
    words: &[String],
) -> Vec<NameMatch<'l>> {
    let typed = typed.trim().to_lowercase();
    if words.is_empty() {
        return vec![];
    }
    let split = |text: &'l str| text.split(|c: char| !c.is_alphanumeric());
    let mut found: Vec<NameMatch<'l>> = lookup
        .entity_views()
        .iter()
        .zip(lookup.entities())
        .zip(lookup.lower_names())
        .filter_map(|((entity, entity_ref), (name, key))| {
            let starts_a_word = |w: &String| {
                split(name)
                    .chain(split(key))
                    .any(|own| !own.is_empty() && own.starts_with(w.as_str()))
            };
            if !words.iter().all(starts_a_word) {
                return None;
            }
            let grade = if *name == typed || *key == typed {
                Grade::Exact
            } else if name.starts_with(&typed) || (!key.is_empty() && key.starts_with(&typed)) {
                Grade::Prefix
            } else {
                Grade::Words
            };
            let shown_key = entity.id.split_once(':').map_or("", |(_, k)| k);
            let text = if shown_key.is_empty() || key == name {
                entity.name.clone()
            } else {
                format!("{} {shown_key}", entity.name)
            };
            Some(NameMatch {
                entity,
                entity_ref,
                grade,
                text,
            })
        })
        .collect();
    found.sort_by(|a, b| {
        (a.grade, a.entity.kind, &a.entity.name).cmp(&(b.grade, b.entity.kind, &b.entity.name))
    });
    found
}
