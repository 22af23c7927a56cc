//! Demo data never counts toward a real person's logbook.
//!
//! The store has no per-account demo flag. What marks demo data is where it comes from:
//! the demo workspace's accounts (`demo-<provider>`, made by the sync crate's `demo`) and
//! any account connected to a sandbox point at FlightDesk's own provider sandbox on a
//! loopback address, while a school's systems are remote. So an account whose base URL is
//! a loopback host serves demo data.
//!
//! Demo records are matched apart from real ones (a demo flight never joins a real one),
//! and a person with any real entry keeps only real entries: people are unified by name
//! across accounts, so the sandbox's "Ann Smith" would otherwise add her demo flights to a
//! real Ann Smith's totals and currency. A person known only from demo data (everyone in
//! the demo workspace) is a demo person and keeps the demo entries.

use std::collections::HashSet;
use std::net::IpAddr;

use crate::model::Entry;

/// Whether an account at `base_url` serves the sandbox's demo data.
pub fn is_demo_base_url(base_url: &str) -> bool {
    let rest = base_url
        .split_once("://")
        .map_or(base_url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// `real` and, for the people who have no real entry, their `demo` entries.
pub fn without_demo_of_real_people(mut real: Vec<Entry>, demo: Vec<Entry>) -> Vec<Entry> {
    let real_people: HashSet<String> = real.iter().map(|e| e.person.id.clone()).collect();
    real.extend(
        demo.into_iter()
            .filter(|e| !real_people.contains(&e.person.id)),
    );
    real
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_hosts_are_the_sandbox_and_remote_ones_a_school() {
        for demo in [
            "http://127.0.0.1:43121/airbly",
            "http://127.8.9.1",
            "http://localhost:8080/v1",
            "http://LOCALHOST",
            "http://[::1]:9000/api",
            "http://user:pw@127.0.0.1:9/x",
        ] {
            assert!(is_demo_base_url(demo), "{demo}");
        }
        for real in [
            "https://api.pilotflows.com/v1",
            "https://127.0.0.1.example.com",
            "http://10.0.0.5:8080",
            "https://localhost.school.org",
            "",
        ] {
            assert!(!is_demo_base_url(real), "{real}");
        }
    }
}
