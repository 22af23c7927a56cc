//! Small helpers shared by the provider modules.

use axum::http::HeaderMap;

use crate::world::splitmix;

/// The bearer token of `Authorization: Bearer X` (scheme case-insensitive).
pub fn bearer(h: &HeaderMap) -> Option<&str> {
    auth_scheme(h, "bearer")
}

/// The credential after `scheme` in the Authorization header (case-insensitive scheme).
pub fn auth_scheme<'a>(h: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let v = h
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (s, rest) = v.split_once(' ')?;
    s.eq_ignore_ascii_case(scheme)
        .then(|| rest.trim())
        .filter(|t| !t.is_empty())
}

/// Query string pairs in order; `None` when the query string cannot be decoded.
pub fn query_pairs(q: Option<&str>) -> Option<Vec<(String, String)>> {
    match q {
        None | Some("") => Some(vec![]),
        Some(q) => serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok(),
    }
}

/// A deterministic secret-looking token: `prefix` + `len` hex chars from the seed and a label.
pub fn token(prefix: &str, seed: u64, label: &str, len: usize) -> String {
    let mut out = String::from(prefix);
    let mut h = seed ^ 0x5a5a_0000_0000_0000;
    for b in label.bytes() {
        h = splitmix(h ^ b as u64);
    }
    while out.len() < prefix.len() + len {
        h = splitmix(h);
        out.push_str(&format!("{h:016x}"));
    }
    out.truncate(prefix.len() + len);
    out
}
