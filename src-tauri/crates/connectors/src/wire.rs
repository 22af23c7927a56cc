//! Tolerant reading of provider JSON. The seed documents contradict their own examples
//! (numbers sent as strings, camelCase beside snake_case, epoch seconds beside RFC 3339),
//! so connectors read fields through these helpers instead of strict serde structs, and
//! treat unknown fields as data kept in the raw JSON.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use serde_json::Value;

/// The first of `names` present and not null.
pub fn field<'a>(v: &'a Value, names: &[&str]) -> Option<&'a Value> {
    names
        .iter()
        .filter_map(|n| v.get(*n))
        .find(|x| !x.is_null())
}

/// A string field; numbers and booleans are accepted as their text; empty strings are none.
pub fn string(v: &Value, names: &[&str]) -> Option<String> {
    match field(v, names)? {
        Value::String(s) if s.trim().is_empty() => None,
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// An id field as a string (`12`, `"12"`, `"uuid"`); `0` and `""` mean none.
pub fn id(v: &Value, names: &[&str]) -> Option<String> {
    string(v, names).filter(|s| s != "0")
}

/// A number field; numeric strings accepted.
pub fn number(v: &Value, names: &[&str]) -> Option<f64> {
    match field(v, names)? {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// An integer field; numeric strings and integral floats accepted.
pub fn integer(v: &Value, names: &[&str]) -> Option<i64> {
    match field(v, names)? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .ok()
            .or_else(|| s.trim().parse::<f64>().ok().map(|f| f as i64)),
        _ => None,
    }
}

/// A boolean field: `true`, `1`, `"1"`, `"true"`, `"yes"`.
pub fn boolean(v: &Value, names: &[&str]) -> Option<bool> {
    match field(v, names)? {
        Value::Bool(b) => Some(*b),
        Value::Number(n) => n.as_i64().map(|i| i != 0),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "y" => Some(true),
            "0" | "false" | "no" | "n" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// An instant in any of the forms providers send: RFC 3339 (any offset), a naive
/// date-time taken as UTC, epoch seconds or milliseconds (as numbers or strings).
pub fn instant(v: &Value, names: &[&str]) -> Option<DateTime<Utc>> {
    match field(v, names)? {
        Value::Number(n) => epoch(n.as_f64()?),
        Value::String(s) => parse_instant(s),
        _ => None,
    }
}

/// Parses an instant from text (see [`instant`]).
pub fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if let Ok(n) = s.parse::<f64>() {
        return epoch(n);
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(s) {
        return Some(d.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(d) = NaiveDateTime::parse_from_str(s, format) {
            return Some(Utc.from_utc_datetime(&d));
        }
    }
    None
}

/// Epoch seconds, or milliseconds when the number is too large to be seconds.
pub fn epoch(n: f64) -> Option<DateTime<Utc>> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    let ms = if n >= 100_000_000_000.0 {
        n
    } else {
        n * 1000.0
    };
    DateTime::from_timestamp_millis(ms as i64)
}

/// A date: `YYYY-MM-DD`, or the date part of an instant.
pub fn date(v: &Value, names: &[&str]) -> Option<NaiveDate> {
    let s = string(v, names)?;
    NaiveDate::parse_from_str(s.get(..10).unwrap_or(&s), "%Y-%m-%d")
        .ok()
        .or_else(|| parse_instant(&s).map(|d| d.date_naive()))
}

/// A lowercase snake-case status (`NO_SHOW` → `no_show`, `In Progress` → `in_progress`).
pub fn status(v: &Value, names: &[&str]) -> Option<String> {
    string(v, names).map(|s| snake(&s))
}

/// Lowercase snake case of a label.
pub fn snake(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') && !out.is_empty() {
            out.push('_');
        }
    }
    out.trim_end_matches('_').to_string()
}

/// A list that the documents call an array but examples sometimes send as an object
/// keyed by id (or a single object): always a vector of the member values.
pub fn list(v: Option<&Value>) -> Vec<Value> {
    v.cloned().map(into_list).unwrap_or_default()
}

/// [`list`] of a value the caller gives up, so the members are moved, not copied: a
/// page's rows become the records' raw JSON as they are.
pub fn into_list(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        Value::Object(o) if o.values().all(Value::is_object) && !o.is_empty() => {
            o.into_iter().map(|(_, v)| v).collect()
        }
        o @ Value::Object(_) => vec![o],
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_as_strings_and_alternative_names() {
        let v = json!({"startTime": "1590998400", "aircraft_id": 0, "total": "378"});
        assert_eq!(
            instant(&v, &["start_time", "startTime"])
                .unwrap()
                .to_rfc3339(),
            "2020-06-01T08:00:00+00:00"
        );
        assert_eq!(id(&v, &["aircraft_id"]), None);
        assert_eq!(integer(&v, &["total"]), Some(378));
    }

    #[test]
    fn instants_in_every_form() {
        let want = "2024-01-15T10:00:00Z";
        for v in [
            json!("2024-01-15T10:00:00Z"),
            json!("2024-01-15T12:00:00+02:00"),
            json!("2024-01-15 10:00:00"),
            json!(1705312800),
            json!(1705312800000i64),
            json!("1705312800"),
        ] {
            let got = instant(&json!({ "t": v }), &["t"]).unwrap();
            assert_eq!(got, DateTime::parse_from_rfc3339(want).unwrap(), "{v}");
        }
    }

    #[test]
    fn statuses_are_snake_case() {
        assert_eq!(snake("NO_SHOW"), "no_show");
        assert_eq!(snake("In Progress"), "in_progress");
    }

    #[test]
    fn lists_accept_objects_keyed_by_id() {
        assert_eq!(list(Some(&json!({"a": {"x": 1}, "b": {"x": 2}}))).len(), 2);
        assert_eq!(list(Some(&json!([1, 2, 3]))).len(), 3);
        assert_eq!(list(Some(&json!({"x": 1}))).len(), 1);
        assert!(list(None).is_empty());
    }
}
