//! One world across systems: the same aircraft, person, room or simulator appears in
//! several providers under different ids and spellings (`N44API` in Airbly, `n44api` in a
//! PilotFlows log, `Jane Doe` and `DOE, Jane`). These rules resolve source records into
//! unified entities, and say how each source was matched.
//!
//! The rules, strongest first:
//! - aircraft by normalized registration;
//! - people by e-mail, then by normalized name where no two different e-mails disagree;
//! - simulators by designator: the registration a system gives one (`SIM-1`), else its
//!   name, in either case the part before a parenthesis (`SIM-1 (ALSIM AL42 FNPT II)`);
//! - rooms and simulators by normalized name within the same location;
//! - the user's own decisions override all of them: a link joins two entities, a split
//!   keeps two sources apart whatever the rules say.
//!
//! Everything here is pure and deterministic: the same sources and decisions give the
//! same entities with the same ids, whatever order they come in.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use unicode_normalization::{char::is_combining_mark, UnicodeNormalization};

use crate::Provider;

/// What a unified entity is.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Aircraft,
    Simulator,
    Room,
    Person,
}

impl EntityKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            EntityKind::Aircraft => "aircraft",
            EntityKind::Simulator => "simulator",
            EntityKind::Room => "room",
            EntityKind::Person => "person",
        }
    }
}

/// One provider record (or one spelling inside a record) that names an entity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    pub provider: Provider,
    pub account: String,
    /// The record's provider id, or for a name that only appears as text inside other
    /// records (a Flight School Booking `aircraft` string), that text.
    pub source_id: String,
}

impl SourceRef {
    /// The stable text form, `provider/account/source_id`, used in ids and the decisions
    /// table.
    pub fn key(&self) -> String {
        format!(
            "{}/{}/{}",
            self.provider.as_str(),
            self.account,
            self.source_id
        )
    }
}

/// What a source says about the entity it names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub source: SourceRef,
    pub kind: EntityKind,
    /// The display name as the provider spells it.
    pub name: Option<String>,
    pub registration: Option<String>,
    pub email: Option<String>,
    /// The location's name, for rooms and simulators.
    pub location: Option<String>,
}

/// A decision the user made by hand; kept locally, never overwritten by a sync.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// These two sources are the same entity.
    Link { a: SourceRef, b: SourceRef },
    /// These two sources are different entities, whatever the rules say.
    Split { a: SourceRef, b: SourceRef },
}

/// Why a source belongs to its entity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// The source the entity is named after (or the only one).
    First,
    LinkedByYou,
    SameRegistration,
    SameEmail,
    SameName,
    /// Same name at the same location (rooms, simulators).
    SameNameAndLocation,
}

impl MatchReason {
    /// The words the window shows.
    pub fn describe(self) -> &'static str {
        match self {
            MatchReason::First => "first seen here",
            MatchReason::LinkedByYou => "linked by you",
            MatchReason::SameRegistration => "same registration",
            MatchReason::SameEmail => "same e-mail",
            MatchReason::SameName => "same name",
            MatchReason::SameNameAndLocation => "same name at the same location",
        }
    }
}

/// A source of an entity and how it was matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub source: SourceRef,
    pub reason: MatchReason,
}

/// One aircraft, simulator, room or person, across every system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entity {
    /// Stable across syncs while the sources stay: from the registration or e-mail where
    /// there is one, else from the first source.
    pub id: String,
    pub kind: EntityKind,
    pub name: String,
    /// Sorted by source; the first is the one the entity is named after.
    pub members: Vec<Member>,
}

/// An aircraft registration compared across systems: case, spaces, dots and hyphens do
/// not matter (`d-eabc`, `DEABC`, `D EABC`).
pub fn normalize_registration(text: &str) -> Option<String> {
    let reg: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect();
    (!reg.is_empty()).then_some(reg)
}

/// An e-mail address compared across systems: trimmed and lowercased.
pub fn normalize_email(text: &str) -> Option<String> {
    let email = text.trim().to_lowercase();
    (email.contains('@') && !email.starts_with('@') && !email.ends_with('@')).then_some(email)
}

/// A name compared across systems: accents, case, punctuation and word order do not
/// matter, so `Doe, Jane`, `JANE DOE` and `Jane  Doé` are the same name.
pub fn normalize_name(text: &str) -> Option<String> {
    let plain: String = text
        .nfkd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    let mut words: Vec<&str> = plain.split_whitespace().collect();
    words.sort_unstable();
    (!words.is_empty()).then(|| words.join(" "))
}

/// The designator in a simulator's display name: `SIM-1` in `SIM-1 (ALSIM AL42 FNPT II)`.
fn designator(name: &str) -> Option<&str> {
    let (head, _) = name.split_once('(')?;
    let head = head.trim();
    (!head.is_empty()).then_some(head)
}

/// A simulator's normalized designator: from its registration, else from its name, the
/// part before a parenthesis where there is one.
fn simulator_designator(c: &Candidate) -> Option<String> {
    let text = c.registration.as_deref().or(c.name.as_deref())?;
    normalize_registration(designator(text).unwrap_or(text))
}

/// People and things are apart: a provider may number its members and its aircraft from
/// 1 each (PilotFlows member 4 is not aircraft 4), so a source is one per family.
fn family(kind: EntityKind) -> bool {
    kind == EntityKind::Person
}

/// Resolves candidates into entities under the user's decisions.
pub fn resolve(candidates: &[Candidate], decisions: &[Decision]) -> Vec<Entity> {
    // One candidate per source and family (the first wins), in a stable order.
    let mut by_source: BTreeMap<(&SourceRef, bool), &Candidate> = BTreeMap::new();
    for c in candidates {
        by_source.entry((&c.source, family(c.kind))).or_insert(c);
    }
    let sources: Vec<&Candidate> = by_source.values().copied().collect();
    let index: BTreeMap<(&SourceRef, bool), usize> = sources
        .iter()
        .enumerate()
        .map(|(i, c)| ((&c.source, family(c.kind)), i))
        .collect();
    // A decision names two sources; it applies within each family that has both.
    let pairs = |a: &SourceRef, b: &SourceRef| -> Vec<(usize, usize)> {
        [true, false]
            .into_iter()
            .filter_map(|f| Some((*index.get(&(a, f))?, *index.get(&(b, f))?)))
            .collect()
    };
    let mut sets = Sets::new(sources.len());
    for d in decisions {
        if let Decision::Split { a, b } = d {
            for (x, y) in pairs(a, b) {
                sets.forbid(x, y);
            }
        }
    }
    // Each source's reason is that of the first match that involved it; the entity's
    // first source shows as `First`.
    let mut reasons: Vec<Option<MatchReason>> = vec![None; sources.len()];
    for d in decisions {
        if let Decision::Link { a, b } = d {
            for (x, y) in pairs(a, b) {
                if sources[x].kind == sources[y].kind && sets.union(x, y) {
                    reasons[x].get_or_insert(MatchReason::LinkedByYou);
                    reasons[y].get_or_insert(MatchReason::LinkedByYou);
                }
            }
        }
    }
    const RULES: [MatchReason; 4] = [
        MatchReason::SameRegistration,
        MatchReason::SameEmail,
        MatchReason::SameName,
        MatchReason::SameNameAndLocation,
    ];
    for reason in RULES {
        let mut first_with_key: BTreeMap<(EntityKind, String), usize> = BTreeMap::new();
        for (i, c) in sources.iter().enumerate() {
            let Some(key) = match_key(reason, c) else {
                continue;
            };
            match first_with_key.get(&(c.kind, key.clone())) {
                None => {
                    first_with_key.insert((c.kind, key), i);
                }
                Some(&first) => {
                    let emails_disagree =
                        reason == MatchReason::SameName && sets.emails_disagree(first, i, &sources);
                    if !emails_disagree && sets.union(first, i) {
                        reasons[first].get_or_insert(reason);
                        reasons[i].get_or_insert(reason);
                    }
                }
            }
        }
    }
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..sources.len() {
        groups.entry(sets.find(i)).or_default().push(i);
    }
    let mut entities: Vec<Entity> = groups
        .into_values()
        .map(|members| entity(&sources, &reasons, &members))
        .collect();
    // A split can leave two entities with one registration or e-mail: the one holding the
    // earliest source keeps the plain id, the others add their first source to it. The
    // groups are in source order, so that is the first of each id.
    let mut taken = BTreeSet::new();
    for e in &mut entities {
        if !taken.insert(e.id.clone()) {
            e.id = format!("{}#{}", e.id, e.members[0].source.key());
        }
    }
    entities.sort_by(|a, b| (a.kind, &a.name, &a.id).cmp(&(b.kind, &b.name, &b.id)));
    entities
}

/// What two candidates must share to match under `rule`; `None` where the rule does not
/// apply to the candidate's kind or it lacks the field.
fn match_key(rule: MatchReason, c: &Candidate) -> Option<String> {
    match (rule, c.kind) {
        (MatchReason::SameRegistration, EntityKind::Aircraft) => {
            c.registration.as_deref().and_then(normalize_registration)
        }
        (MatchReason::SameRegistration, EntityKind::Simulator) => simulator_designator(c),
        (MatchReason::SameEmail, EntityKind::Person) => {
            c.email.as_deref().and_then(normalize_email)
        }
        (MatchReason::SameName, EntityKind::Person) => c.name.as_deref().and_then(normalize_name),
        (MatchReason::SameNameAndLocation, EntityKind::Room | EntityKind::Simulator) => {
            let name = c.name.as_deref().and_then(normalize_name)?;
            let place = c.location.as_deref().and_then(normalize_name);
            Some(format!("{}|{name}", place.unwrap_or_default()))
        }
        _ => None,
    }
}

fn entity(sources: &[&Candidate], reasons: &[Option<MatchReason>], members: &[usize]) -> Entity {
    let first = sources[members[0]];
    let kind = first.kind;
    let registration = members.iter().find_map(|&i| {
        sources[i]
            .registration
            .as_deref()
            .and_then(normalize_registration)
    });
    let email = members
        .iter()
        .find_map(|&i| sources[i].email.as_deref().and_then(normalize_email));
    let designator = (kind == EntityKind::Simulator)
        .then(|| {
            members
                .iter()
                .find_map(|&i| simulator_designator(sources[i]))
        })
        .flatten();
    let id = match (kind, &registration, &email) {
        (EntityKind::Aircraft, Some(reg), _) => format!("aircraft:{reg}"),
        (EntityKind::Simulator, ..) if designator.is_some() => {
            format!("simulator:{}", designator.unwrap_or_default())
        }
        (EntityKind::Person, _, Some(email)) => format!("person:{email}"),
        _ => format!("{}:{}", kind.as_str(), first.source.key()),
    };
    // An aircraft is known by its registration as a system spells it ("N44API", not
    // "1998 Cessna 172S"); everything else by its first name.
    let spelled = |field: fn(&Candidate) -> &Option<String>| {
        members
            .iter()
            .find_map(|&i| field(sources[i]).clone().filter(|n| !n.trim().is_empty()))
    };
    let name = (kind == EntityKind::Aircraft)
        .then(|| spelled(|c| &c.registration))
        .flatten()
        .or_else(|| spelled(|c| &c.name))
        .or(registration)
        .unwrap_or_else(|| first.source.source_id.clone());
    let members = members
        .iter()
        .enumerate()
        .map(|(n, &i)| Member {
            source: sources[i].source.clone(),
            reason: if n == 0 {
                MatchReason::First
            } else {
                reasons[i].unwrap_or(MatchReason::First)
            },
        })
        .collect();
    Entity {
        id,
        kind,
        name: name.trim().to_string(),
        members,
    }
}

/// Union-find over candidate indexes, where a union that would join two sources the user
/// split apart is refused. The smallest index is each set's root, so ids stay stable.
struct Sets {
    parent: Vec<usize>,
    /// Pairs of roots that must stay apart.
    apart: BTreeSet<(usize, usize)>,
}

impl Sets {
    fn new(n: usize) -> Self {
        Self {
            parent: (0..n).collect(),
            apart: BTreeSet::new(),
        }
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn forbid(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        self.apart.insert((a.min(b), a.max(b)));
    }

    /// Joins the sets of `a` and `b`; false when they were joined already or must stay
    /// apart.
    fn union(&mut self, a: usize, b: usize) -> bool {
        let (a, b) = (self.find(a), self.find(b));
        if a == b || self.apart.contains(&(a.min(b), a.max(b))) {
            return false;
        }
        let (root, child) = (a.min(b), a.max(b));
        self.parent[child] = root;
        // The merged set inherits every "apart" of the set it absorbed.
        let moved: Vec<(usize, usize)> = self
            .apart
            .iter()
            .filter(|(x, y)| *x == child || *y == child)
            .copied()
            .collect();
        for (x, y) in moved {
            self.apart.remove(&(x, y));
            let other = if x == child { y } else { x };
            let other = self.find(other);
            self.apart.insert((root.min(other), root.max(other)));
        }
        true
    }

    /// Whether the sets of `a` and `b` hold two different e-mails: then a shared name is
    /// two people, not one.
    fn emails_disagree(&mut self, a: usize, b: usize, sources: &[&Candidate]) -> bool {
        let (ra, rb) = (self.find(a), self.find(b));
        let mut emails = |root: usize| -> BTreeSet<String> {
            (0..sources.len())
                .filter(|&i| self.find(i) == root)
                .filter_map(|i| sources[i].email.as_deref().and_then(normalize_email))
                .collect()
        };
        let (ea, eb) = (emails(ra), emails(rb));
        !ea.is_empty() && !eb.is_empty() && ea.is_disjoint(&eb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(provider: Provider, id: &str) -> SourceRef {
        SourceRef {
            provider,
            account: provider.as_str().to_string(),
            source_id: id.to_string(),
        }
    }

    fn aircraft(provider: Provider, id: &str, reg: &str) -> Candidate {
        Candidate {
            source: src(provider, id),
            kind: EntityKind::Aircraft,
            name: None,
            registration: Some(reg.into()),
            email: None,
            location: None,
        }
    }

    fn person(provider: Provider, id: &str, name: &str, email: Option<&str>) -> Candidate {
        Candidate {
            source: src(provider, id),
            kind: EntityKind::Person,
            name: Some(name.into()),
            registration: None,
            email: email.map(Into::into),
            location: None,
        }
    }

    fn reasons(e: &Entity) -> Vec<MatchReason> {
        e.members.iter().map(|m| m.reason).collect()
    }

    #[test]
    fn spellings_normalize() {
        assert_eq!(
            normalize_registration(" n44-api ").as_deref(),
            Some("N44API")
        );
        assert_eq!(
            normalize_registration("D-EABC"),
            normalize_registration("deabc")
        );
        assert_eq!(normalize_registration(" - "), None);
        assert_eq!(normalize_name("Doe, Jane"), normalize_name("JANE  DOÉ"));
        assert_eq!(
            normalize_name("Zoë O'Brien").as_deref(),
            Some("brien o zoe")
        );
        assert_eq!(
            normalize_email(" Jane@Example.ORG ").as_deref(),
            Some("jane@example.org")
        );
        assert_eq!(normalize_email("not an address"), None);
    }

    #[test]
    fn the_same_registration_is_one_aircraft_across_systems() {
        let entities = resolve(
            &[
                aircraft(Provider::Airbly, "uuid-1", "N44API"),
                aircraft(Provider::PilotFlows, "7", "n44api"),
                aircraft(Provider::FlightSchoolBooking, "N44-API", "N44-API"),
                aircraft(Provider::PilotFlows, "8", "G-ABCD"),
            ],
            &[],
        );
        assert_eq!(entities.len(), 2, "{entities:#?}");
        let n44 = entities.iter().find(|e| e.id == "aircraft:N44API").unwrap();
        assert_eq!(n44.members.len(), 3);
        assert_eq!(
            reasons(n44),
            [
                MatchReason::First,
                MatchReason::SameRegistration,
                MatchReason::SameRegistration
            ]
        );
    }

    #[test]
    fn people_match_by_email_then_by_name_unless_their_emails_differ() {
        let entities = resolve(
            &[
                person(
                    Provider::AviationAlley,
                    "a1",
                    "Jane Doe",
                    Some("jane@school.org"),
                ),
                person(
                    Provider::Flylogs,
                    "f1",
                    "DOE, Jane",
                    Some("JANE@school.org"),
                ),
                person(Provider::PilotFlows, "p1", "Jane Doe", None),
                // Another Jane Doe, with her own address: not the same person.
                person(
                    Provider::FlightSchoolBooking,
                    "s1",
                    "Jane Doe",
                    Some("jd@other.net"),
                ),
            ],
            &[],
        );
        assert_eq!(entities.len(), 2, "{entities:#?}");
        let jane = entities
            .iter()
            .find(|e| e.id == "person:jane@school.org")
            .unwrap();
        let members: Vec<_> = jane
            .members
            .iter()
            .map(|m| (m.source.source_id.as_str(), m.reason))
            .collect();
        assert_eq!(
            members,
            [
                ("a1", MatchReason::First),
                ("p1", MatchReason::SameName),
                ("f1", MatchReason::SameEmail),
            ]
        );
    }

    #[test]
    fn a_link_joins_and_a_split_keeps_apart_whatever_the_rules_say() {
        let a = aircraft(Provider::Airbly, "uuid-1", "N44API");
        let b = aircraft(Provider::PilotFlows, "7", "N44API");
        let c = aircraft(Provider::AviationAlley, "sim-9", "N44APl");
        let split = Decision::Split {
            a: a.source.clone(),
            b: b.source.clone(),
        };
        let link = Decision::Link {
            a: a.source.clone(),
            b: c.source.clone(),
        };
        let entities = resolve(&[a.clone(), b.clone(), c.clone()], &[split, link]);
        assert_eq!(entities.len(), 2, "{entities:#?}");
        let with_a = entities
            .iter()
            .find(|e| e.members.iter().any(|m| m.source == a.source))
            .unwrap();
        assert_eq!(
            reasons(with_a),
            [MatchReason::First, MatchReason::LinkedByYou]
        );
        assert!(with_a.members.iter().all(|m| m.source != b.source));
    }

    #[test]
    fn a_split_holds_through_a_chain_of_matches() {
        // b matches a by e-mail and c by name; the user split a from c: c stays apart
        // even though it could reach a through b.
        let a = person(Provider::AviationAlley, "a", "Sam Lee", Some("sam@x.org"));
        let b = person(Provider::Flylogs, "b", "Sam Lee", Some("sam@x.org"));
        let c = person(Provider::PilotFlows, "c", "Sam Lee", None);
        let split = Decision::Split {
            a: a.source.clone(),
            b: c.source.clone(),
        };
        let entities = resolve(&[a, b, c.clone()], &[split]);
        assert_eq!(entities.len(), 2, "{entities:#?}");
        let alone = entities
            .iter()
            .find(|e| e.members.iter().any(|m| m.source == c.source))
            .unwrap();
        assert_eq!(alone.members.len(), 1);
    }

    #[test]
    fn rooms_match_by_name_within_a_location_only() {
        let room = |provider, id: &str, name: &str, place: &str| Candidate {
            source: src(provider, id),
            kind: EntityKind::Room,
            name: Some(name.into()),
            registration: None,
            email: None,
            location: Some(place.into()),
        };
        let entities = resolve(
            &[
                room(Provider::Flylogs, "r1", "Briefing Room 1", "Skyhaven"),
                room(Provider::AviationAlley, "r2", "briefing room 1", "SKYHAVEN"),
                room(
                    Provider::AviationAlley,
                    "r3",
                    "Briefing Room 1",
                    "Northfield",
                ),
            ],
            &[],
        );
        assert_eq!(entities.len(), 2, "{entities:#?}");
    }

    #[test]
    fn a_member_and_an_aircraft_with_one_provider_id_are_two_entities() {
        let entities = resolve(
            &[
                aircraft(Provider::PilotFlows, "4", "N121D"),
                person(Provider::PilotFlows, "4", "Ivan Weber", None),
            ],
            &[],
        );
        let kinds: Vec<EntityKind> = entities.iter().map(|e| e.kind).collect();
        assert_eq!(kinds, [EntityKind::Aircraft, EntityKind::Person]);
    }

    #[test]
    fn a_simulator_matches_by_designator_across_systems() {
        let sim = |provider, id: &str, name: &str, reg: Option<&str>| Candidate {
            source: src(provider, id),
            kind: EntityKind::Simulator,
            name: Some(name.into()),
            registration: reg.map(Into::into),
            email: None,
            location: None,
        };
        let entities = resolve(
            &[
                sim(
                    Provider::AviationAlley,
                    "u1",
                    "SIM-1 (ALSIM AL42 FNPT II)",
                    None,
                ),
                sim(
                    Provider::PilotFlows,
                    "6",
                    "ALSIM AL42 FNPT II",
                    Some("SIM-1"),
                ),
                sim(Provider::PilotFlows, "name:SIM-1", "SIM-1", Some("SIM-1")),
                // A booking names it by its display name in the registration's place.
                sim(
                    Provider::FlightSchoolBooking,
                    "name:SIM-1 (ALSIM)",
                    "SIM-1 (ALSIM)",
                    Some("SIM-1 (ALSIM)"),
                ),
                sim(Provider::AviationAlley, "u2", "SIM-2 (Redbird FMX)", None),
            ],
            &[],
        );
        assert_eq!(entities.len(), 2, "{entities:#?}");
        let one = entities.iter().find(|e| e.id == "simulator:SIM1").unwrap();
        assert_eq!(one.members.len(), 4, "{one:#?}");
        assert_eq!(one.name, "SIM-1 (ALSIM AL42 FNPT II)");
        assert_eq!(reasons(one)[1..], [MatchReason::SameRegistration; 3]);
    }

    #[test]
    fn ids_and_entities_do_not_depend_on_input_order() {
        let list = vec![
            person(
                Provider::AviationAlley,
                "a1",
                "Jane Doe",
                Some("jane@school.org"),
            ),
            person(Provider::Flylogs, "f1", "Jane Doe", None),
            aircraft(Provider::Airbly, "u1", "N1"),
            aircraft(Provider::PilotFlows, "p1", "n1"),
        ];
        let mut reversed = list.clone();
        reversed.reverse();
        assert_eq!(resolve(&list, &[]), resolve(&reversed, &[]));
    }
}
