//! A class's cached attendance rows (Flylogs attendance arrives as enrolment records with
//! a `class_id`), with the cached name of each student: what a teacher's roster shows
//! when Flylogs cannot be reached.

use serde_json::Value;
use sqlx::Row;

use crate::error::{QueryContext, Result};
use crate::open::Store;

/// One cached attendance row of a class.
#[derive(Debug, Clone, PartialEq)]
pub struct CachedAttendance {
    /// The student's user id in the provider.
    pub person_id: String,
    pub name: Option<String>,
    /// `attended` or `absent`, when recorded.
    pub status: Option<String>,
    /// The provider's JSON (remarks, measures and objectives live there).
    pub raw: Value,
}

impl Store {
    /// The attendance rows of class `class_id` in account `account_id`, by name.
    pub async fn class_attendance(
        &self,
        account_id: i64,
        class_id: &str,
    ) -> Result<Vec<CachedAttendance>> {
        let rows = sqlx::query(
            "SELECT e.person_id, e.status, e.raw, p.name FROM enrolments e
             LEFT JOIN people p ON p.account_id = e.account_id AND p.source_id = e.person_id
                               AND p.removed = 0
             WHERE e.account_id = ?1 AND e.class_id = ?2 AND e.removed = 0
                   AND e.person_id IS NOT NULL
             ORDER BY p.name, e.person_id",
        )
        .bind(account_id)
        .bind(class_id)
        .fetch_all(self.pool())
        .await
        .context("reading a class's cached attendance")?;
        Ok(rows
            .iter()
            .map(|row| CachedAttendance {
                person_id: row.get("person_id"),
                name: row.get("name"),
                status: row.get("status"),
                raw: serde_json::from_str(row.get("raw")).unwrap_or(Value::Null),
            })
            .collect())
    }

    /// The cached name of person `source_id` of account `account_id`.
    pub async fn person_name(&self, account_id: i64, source_id: &str) -> Result<Option<String>> {
        let name: Option<Option<String>> = sqlx::query_scalar(
            "SELECT name FROM people WHERE account_id = ?1 AND source_id = ?2 AND removed = 0",
        )
        .bind(account_id)
        .bind(source_id)
        .fetch_optional(self.pool())
        .await
        .context("naming a person")?;
        Ok(name.flatten())
    }
}
