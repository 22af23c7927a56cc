//! The user's link and split decisions about unified entities (see
//! `flightdesk_core::identity`), kept in a table no sync touches.

use chrono::Utc;
use flightdesk_core::identity::{Decision, SourceRef};
use flightdesk_core::instant;
use flightdesk_core::Provider;
use sqlx::Row;

use crate::error::{QueryContext, Result};
use crate::Store;

impl Store {
    /// Every decision, oldest first. A later decision about the same pair replaces an
    /// earlier one (a split after a link undoes the link).
    pub async fn entity_decisions(&self) -> Result<Vec<Decision>> {
        let rows = sqlx::query(
            "SELECT decision, a_provider, a_account, a_source_id, b_provider, b_account,
                    b_source_id
             FROM entity_decisions ORDER BY id",
        )
        .fetch_all(self.pool())
        .await
        .context("reading the entity decisions")?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let source = |side: &str| -> Option<SourceRef> {
                let provider: String = row.get(format!("{side}_provider").as_str());
                Some(SourceRef {
                    provider: provider.parse::<Provider>().ok()?,
                    account: row.get(format!("{side}_account").as_str()),
                    source_id: row.get(format!("{side}_source_id").as_str()),
                })
            };
            // A row naming a provider this build does not know is left alone.
            let (Some(a), Some(b)) = (source("a"), source("b")) else {
                continue;
            };
            match row.get::<String, _>("decision").as_str() {
                "link" => out.push(Decision::Link { a, b }),
                "split" => out.push(Decision::Split { a, b }),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Records a decision, replacing any earlier one about the same two sources.
    pub async fn add_entity_decision(&self, decision: &Decision) -> Result<()> {
        let (kind, a, b) = match decision {
            Decision::Link { a, b } => ("link", a, b),
            Decision::Split { a, b } => ("split", a, b),
        };
        let mut writer = self.writer().await;
        let mut tx = sqlx::Connection::begin(&mut *writer)
            .await
            .context("saving an entity decision")?;
        sqlx::query(
            "DELETE FROM entity_decisions
             WHERE (a_provider, a_account, a_source_id, b_provider, b_account, b_source_id)
                   IN (VALUES (?1, ?2, ?3, ?4, ?5, ?6), (?4, ?5, ?6, ?1, ?2, ?3))",
        )
        .bind(a.provider.as_str())
        .bind(&a.account)
        .bind(&a.source_id)
        .bind(b.provider.as_str())
        .bind(&b.account)
        .bind(&b.source_id)
        .execute(&mut *tx)
        .await
        .context("saving an entity decision")?;
        sqlx::query(
            "INSERT INTO entity_decisions (decision, a_provider, a_account, a_source_id,
                                           b_provider, b_account, b_source_id, made_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )
        .bind(kind)
        .bind(a.provider.as_str())
        .bind(&a.account)
        .bind(&a.source_id)
        .bind(b.provider.as_str())
        .bind(&b.account)
        .bind(&b.source_id)
        .bind(instant::encode(&Utc::now()))
        .execute(&mut *tx)
        .await
        .context("saving an entity decision")?;
        tx.commit().await.context("saving an entity decision")?;
        Ok(())
    }
}
