//! The normalized caches: one table per [`Kind`], rows keyed by (account, source_id), the
//! provider's raw JSON beside the normalized columns, and the per-resource sync state.
//!
//! A page of records and the resource's new position are written in one transaction
//! ([`Store::write_page`]), so a process killed between pages resumes from the last page
//! written and upserts make a re-read page harmless.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{DateTime, Utc};
use flightdesk_core::instant;
use flightdesk_core::{Kind, Record, RecordData, SkippedRow};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::sqlite::SqliteArguments;
use sqlx::{Arguments, Connection, Row};
use xxhash_rust::xxh3::Xxh3;

use crate::error::{QueryContext, Result, StoreError};
use crate::{skipped, Store};

/// What one page (or one run of a resource) changed in the cache.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
pub struct Counts {
    /// Records not cached before.
    #[ts(type = "number")]
    pub new: u64,
    /// Cached records whose content changed (cancellations included).
    #[ts(type = "number")]
    pub updated: u64,
    /// Records deleted at the provider, by tombstone or by absence from a full pass.
    #[ts(type = "number")]
    pub removed: u64,
    /// Rows the provider sent that could not become records (kept raw; see
    /// [`Store::skipped_rows`]). Counts written before there was this field read as 0.
    #[serde(default)]
    #[ts(type = "number")]
    pub skipped: u64,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.new += o.new;
        self.updated += o.updated;
        self.removed += o.removed;
        self.skipped += o.skipped;
    }
}

/// Where one resource of one account stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SyncState {
    pub account_id: i64,
    pub resource: String,
    /// The connector's position (opaque JSON text); `None` reads from the start.
    pub position: Option<String>,
    /// The current (or last) pass number.
    pub pass: i64,
    /// A pass is under way (a previous run stopped in its middle).
    pub in_pass: bool,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    pub last_counts: Option<Counts>,
}

impl SyncState {
    /// A pass stopped in its middle with a position to resume from: the next sync
    /// continues it instead of starting over.
    pub fn resumes(&self) -> bool {
        self.in_pass && self.position.is_some()
    }
}

/// How the pass stands after a page.
#[derive(Debug, Clone, PartialEq)]
pub enum PassEnd<'a> {
    /// More pages follow.
    Continues,
    /// The pass is complete.
    Completes,
    /// The pass is complete and listed the whole resource: rows of the resource not seen
    /// in it are marked removed, except (with `keep_starting_before`) rows starting before
    /// that instant.
    CompletesSnapshot {
        kinds: &'a [Kind],
        keep_starting_before: Option<DateTime<Utc>>,
    },
    /// The data moved under the read: a new pass starts from the page's position.
    Restarts,
}

/// One page to write.
#[derive(Debug, Clone)]
pub struct PageWrite<'a> {
    pub account_id: i64,
    pub resource: &'a str,
    /// The pass the page belongs to (from [`Store::begin_pass`]).
    pub pass: i64,
    pub records: &'a [Record],
    /// Rows of the page that could not become records: kept raw and counted.
    pub skipped: &'a [SkippedRow],
    /// The resource's position after this page.
    pub position: Option<&'a str>,
    pub end: PassEnd<'a>,
}

/// What [`Store::write_page`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageOutcome {
    pub counts: Counts,
    /// The pass the next page belongs to (a restart starts a new one).
    pub pass: i64,
}

/// Write transactions take the write lock when they begin. A deferred `BEGIN` would
/// read first and then upgrade, and in WAL mode an upgrade after another process (the
/// app beside the CLI) committed fails at once instead of waiting for the busy timeout.
const WRITE_TRANSACTION: &str = "BEGIN IMMEDIATE";

/// SQLite's limit on the parameters of one statement (`SQLITE_MAX_VARIABLE_NUMBER` of the
/// bundled SQLCipher build, SQLite 3.45: 32,766).
const MAX_VARIABLES: usize = 32_766;

/// The most records one upsert statement carries. A page (50 to 200 records from the
/// connectors) is then one statement per kind; bigger pages are split.
const MAX_ROWS_PER_STATEMENT: usize = 500;

/// The prepared SQL of one kind's table.
struct KindSql {
    table: &'static str,
    columns: Vec<&'static str>,
    /// Records per upsert statement, within [`MAX_VARIABLES`].
    rows_per_statement: usize,
    /// Multi-row upserts by row count, built on first use (a connector's page size and
    /// the shorter last page: a handful per kind). sqlx keeps each one prepared per
    /// connection.
    upserts: Mutex<HashMap<usize, Arc<str>>>,
    /// Comparisons of `rows` records with their cached rows by hash, by row count likewise.
    lookups: Mutex<HashMap<usize, Arc<str>>>,
    /// Comparisons column by column, for rows cached before the hashes were (by row count).
    full_lookups: Mutex<HashMap<usize, Arc<str>>>,
    /// Moves `seen_pass` of rows listed again unchanged.
    touch: String,
    export: String,
    export_raw: String,
}

impl KindSql {
    /// The upsert of `rows` records, one `VALUES` tuple each. The normalized columns,
    /// `seen_pass` and `resource` are always written; `version` and `changed_at` move
    /// only when the raw record (or its removed state) differs. Rows are processed in
    /// order, so a record listed twice in one statement behaves as two statements would.
    fn upsert(&self, rows: usize) -> Arc<str> {
        cached(&self.upserts, rows, || self.build_upsert(rows))
    }

    /// The comparison of `rows` records with the cached rows of the same ids, one result
    /// row: for each cached one, space-separated, its index in the statement, whether
    /// this write already changed it, whether its raw record and removed state are the
    /// same (2: the row has no hashes yet), and whether the resource and every
    /// normalized column are the same. Binds each record's id and its two hashes.
    fn lookup(&self, rows: usize) -> Arc<str> {
        cached(&self.lookups, rows, || self.build_lookup(rows))
    }

    /// [`Self::lookup`] column by column, binding each record's every value: for rows
    /// written before the hashes existed.
    fn full_lookup(&self, rows: usize) -> Arc<str> {
        cached(&self.full_lookups, rows, || self.build_full_lookup(rows))
    }

    fn build_lookup(&self, rows: usize) -> String {
        let table = self.table;
        let values = vec!["(?, ?, ?, ?)"; rows].join(", ");
        format!(
            "WITH incoming(i, source_id, content_hash, row_hash) AS (VALUES {values}) \
             SELECT group_concat(incoming.i || ' ' || (t.changed_at IS ?) \
               || ' ' || CASE WHEN t.content_hash IS NULL THEN 2 \
                              ELSE t.content_hash = incoming.content_hash END \
               || ' ' || (t.row_hash IS incoming.row_hash), ' ') \
             FROM incoming JOIN {table} t \
               ON t.account_id = ? AND t.source_id = incoming.source_id"
        )
    }

    fn build_full_lookup(&self, rows: usize) -> String {
        let table = self.table;
        let names = self.columns.join(", ");
        let tuple = format!("(?, ?, ?, ?, ?{})", ", ?".repeat(self.columns.len()));
        let values = vec![tuple; rows].join(", ");
        // `incoming` columns have no affinity, so each comparison applies the table
        // column's affinity to the new value first: "the same" means writing the value
        // would store exactly what is stored.
        let same_columns: String = self
            .columns
            .iter()
            .map(|c| format!(" AND t.{c} IS incoming.{c}"))
            .collect();
        format!(
            "WITH incoming(i, source_id, resource, raw, removed, {names}) AS (VALUES {values}) \
             SELECT group_concat(incoming.i || ' ' || (t.changed_at IS ?) \
               || ' ' || (t.raw IS incoming.raw AND t.removed IS incoming.removed) \
               || ' ' || (t.resource IS incoming.resource{same_columns}), ' ') \
             FROM incoming JOIN {table} t \
               ON t.account_id = ? AND t.source_id = incoming.source_id"
        )
    }

    fn build_upsert(&self, rows: usize) -> String {
        let table = self.table;
        let names = self.columns.join(", ");
        let updates = self
            .columns
            .iter()
            .map(|c| format!("{c} = excluded.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let changed =
            format!("({table}.raw IS NOT excluded.raw OR {table}.removed IS NOT excluded.removed)");
        // Anonymous `?` parameters only, repeated per row: sqlx looks up the name of
        // every parameter it binds, and SQLite finds a numbered parameter's name by a
        // linear scan, which makes a statement with thousands of `?NNN` quadratic.
        let mut tuple = String::from("(?, ?, ?, ?, ?, ?, ?, ?");
        for _ in &self.columns {
            tuple.push_str(", ?");
        }
        tuple.push_str(", 1, ?, ?)");
        let values = vec![tuple; rows].join(", ");
        format!(
            "INSERT INTO {table} (account_id, seen_pass, content_hash, row_hash, \
               source_id, resource, raw, removed, {names}, version, first_seen_at, changed_at) \
             VALUES {values} \
             ON CONFLICT(account_id, source_id) DO UPDATE SET {updates}, resource = excluded.resource, \
               raw = excluded.raw, removed = excluded.removed, seen_pass = excluded.seen_pass, \
               content_hash = excluded.content_hash, row_hash = excluded.row_hash, \
               version = CASE WHEN {changed} THEN {table}.version + 1 ELSE {table}.version END, \
               changed_at = CASE WHEN {changed} THEN excluded.changed_at ELSE {table}.changed_at END"
        )
    }
}

fn cached(
    cache: &Mutex<HashMap<usize, Arc<str>>>,
    rows: usize,
    build: impl FnOnce() -> String,
) -> Arc<str> {
    let mut cache = cache.lock().expect("the SQL cache is never poisoned");
    cache.entry(rows).or_insert_with(|| build().into()).clone()
}

fn kind_sql(kind: Kind) -> &'static KindSql {
    static CACHE: OnceLock<HashMap<Kind, KindSql>> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Kind::ALL.iter().map(|&k| (k, build_kind_sql(k))).collect());
    &cache[&kind]
}

fn build_kind_sql(kind: Kind) -> KindSql {
    let table = kind.as_str();
    let fields = RecordData::empty(kind).fields();
    // Column names are leaked once per kind so the cached SQL can be 'static.
    let columns: Vec<&'static str> = fields
        .keys()
        .map(|k| &*Box::leak(k.clone().into_boxed_str()))
        .collect();
    let bools: Vec<&str> = fields
        .iter()
        .filter(|(_, v)| v.is_boolean())
        .map(|(k, _)| k.as_str())
        .collect();
    let bool_like = ["passed", "on_duty"];
    let mut pairs = vec![
        "'source', a.provider".to_string(),
        "'account', a.name".to_string(),
        "'source_id', t.source_id".to_string(),
    ];
    for c in &columns {
        if bools.contains(c) {
            pairs.push(format!(
                "'{c}', json(CASE WHEN t.{c} THEN 'true' ELSE 'false' END)"
            ));
        } else if bool_like.contains(c) {
            pairs.push(format!(
                "'{c}', json(CASE WHEN t.{c} IS NULL THEN 'null' WHEN t.{c} THEN 'true' ELSE 'false' END)"
            ));
        } else {
            pairs.push(format!("'{c}', t.{c}"));
        }
    }
    let select = |extra: &str| {
        format!(
            "SELECT json_object({}{extra}) FROM {table} t JOIN accounts a ON a.id = t.account_id \
             WHERE t.removed = 0 ORDER BY a.name, t.source_id",
            pairs.join(", ")
        )
    };
    // Parameters per upserted row: account_id, seen_pass, the two hashes, source_id,
    // resource, raw, removed, the columns, then the timestamp twice (a lookup needs
    // fewer, plus two).
    let params_per_row = columns.len() + 10;
    KindSql {
        table,
        rows_per_statement: ((MAX_VARIABLES - 2) / params_per_row).min(MAX_ROWS_PER_STATEMENT),
        lookups: Mutex::new(HashMap::new()),
        full_lookups: Mutex::new(HashMap::new()),
        touch: format!(
            "UPDATE {table} SET seen_pass = ? WHERE account_id = ? AND seen_pass IS NOT ? \
             AND source_id IN (SELECT value FROM json_each(?))"
        ),
        columns,
        upserts: Mutex::new(HashMap::new()),
        export: select(""),
        export_raw: select(", 'raw', json(t.raw)"),
    }
}

/// A page's records made ready to bind, grouped by kind in page order: serialized,
/// mapped to columns and hashed. This is the CPU half of [`Store::write_page`]; a sync
/// prepares the next page while the previous one is being written
/// ([`Store::write_prepared`]).
pub struct PreparedPage {
    resource: String,
    records: usize,
    groups: Vec<(Kind, Vec<Prepared>)>,
}

impl PreparedPage {
    /// Prepares `records`, which [`Store::write_prepared`] then writes for `resource`.
    pub fn new(resource: &str, records: &[Record]) -> Self {
        let mut groups: Vec<(Kind, Vec<Prepared>)> = Vec::new();
        for (index, record) in records.iter().enumerate() {
            let kind = record.kind();
            let prepared = Prepared::new(index, record, resource, &kind_sql(kind).columns);
            match groups.iter_mut().find(|(k, _)| *k == kind) {
                Some((_, group)) => group.push(prepared),
                None => groups.push((kind, vec![prepared])),
            }
        }
        Self {
            resource: resource.to_string(),
            records: records.len(),
            groups,
        }
    }
}

/// A record ready to bind: its index in the page, its raw JSON as text, its normalized
/// fields, and the hashes the cache compares it by.
struct Prepared {
    index: usize,
    raw: String,
    fields: serde_json::Map<String, Value>,
    content_hash: [u8; 16],
    row_hash: [u8; 16],
}

impl Prepared {
    fn new(index: usize, record: &Record, resource: &str, columns: &[&str]) -> Self {
        let raw = record.raw.to_string();
        let fields = record.data.fields();
        let content_hash = content_hash(&raw, record.removed);
        let row_hash = row_hash(
            resource,
            columns
                .iter()
                .map(|c| fields.get(*c).unwrap_or(&Value::Null)),
        );
        Self {
            index,
            raw,
            fields,
            content_hash,
            row_hash,
        }
    }

    /// Binds what both a written row and a column-by-column comparison carry, in this
    /// order: source id, resource, raw JSON, removed state, then the normalized columns.
    fn bind_row<'q>(
        &'q self,
        args: &mut SqliteArguments<'q>,
        record: &'q Record,
        resource: &'q str,
        columns: &[&str],
    ) {
        let _ = args.add(record.source_id.as_str());
        let _ = args.add(resource);
        let _ = args.add(self.raw.as_str());
        let _ = args.add(record.removed as i64);
        for column in columns {
            bind_value(args, self.fields.get(*column).unwrap_or(&Value::Null));
        }
    }
}

/// The hash of what a record's version counts: its raw JSON and its removed state.
///
/// The stored hashes (`content_hash`, `row_hash`) are xxh3-128 of the encodings below;
/// changing an encoding needs a migration that clears them, or every row would look
/// changed once.
fn content_hash(raw: &str, removed: bool) -> [u8; 16] {
    let mut h = Xxh3::new();
    h.update(&[u8::from(removed)]);
    h.update(raw.as_bytes());
    h.digest128().to_le_bytes()
}

/// The hash of the rest of a written row: the resource and each column's value as it is
/// bound, tagged by type and length-prefixed so that no two rows encode alike.
fn row_hash<'v>(resource: &str, values: impl Iterator<Item = &'v Value>) -> [u8; 16] {
    let mut h = Xxh3::new();
    let text = |h: &mut Xxh3, tag: u8, s: &str| {
        h.update(&[tag]);
        h.update(&(s.len() as u64).to_le_bytes());
        h.update(s.as_bytes());
    };
    text(&mut h, b's', resource);
    for value in values {
        match value {
            Value::Null => h.update(b"n"),
            Value::Bool(b) => h.update(&[b'b', u8::from(*b)]),
            Value::Number(n) => match n.as_i64() {
                Some(i) => {
                    h.update(b"i");
                    h.update(&i.to_le_bytes());
                }
                None => {
                    h.update(b"f");
                    h.update(&n.as_f64().unwrap_or_default().to_bits().to_le_bytes());
                }
            },
            Value::String(s) => text(&mut h, b's', s),
            other => text(&mut h, b'j', &other.to_string()),
        }
    }
    h.digest128().to_le_bytes()
}

/// A cached row as [`KindSql::lookup`] reports it.
#[derive(Debug, Clone, Copy)]
struct Cached {
    /// This write (an earlier chunk of the page) already changed it.
    changed: bool,
    /// Same raw record and removed state.
    same_content: bool,
    /// Every written column the same: only `seen_pass` may need to move.
    same_row: bool,
}

/// The numbers of one cached row in a lookup's result (see [`KindSql::lookup`]).
const LOOKUP_FIELDS: usize = 4;

impl Cached {
    /// Parses a lookup's result row (see [`KindSql::lookup`]) into its index and state.
    /// A row without hashes yet reads as `None`.
    fn parse(row: &[i64]) -> (usize, Option<Cached>) {
        let cached = (row[2] != 2).then(|| Cached {
            changed: row[1] != 0,
            same_content: row[2] != 0,
            same_row: row[2] != 0 && row[3] != 0,
        });
        (row[0] as usize, cached)
    }
}

/// Runs a lookup ([`KindSql::lookup`] or [`KindSql::full_lookup`]) whose per-record
/// arguments are bound, and returns the numbers of its one result row.
async fn run_lookup<'q>(
    tx: &mut sqlx::SqliteConnection,
    sql: &'q str,
    mut args: SqliteArguments<'q>,
    page: &'q PageWrite<'_>,
    now: &'q str,
) -> Result<Vec<i64>> {
    let _ = args.add(now);
    let _ = args.add(page.account_id);
    let found: Option<String> = sqlx::query_scalar_with(sql, args)
        .fetch_one(&mut *tx)
        .await
        .context("comparing records with the cache")?;
    Ok(found
        .as_deref()
        .unwrap_or_default()
        .split_ascii_whitespace()
        .map(|n| n.parse().expect("the lookup yields integers"))
        .collect())
}

/// Compares a chunk with the cached rows of the same ids: by hash, then column by column
/// for rows cached before the hashes existed. The second element of each entry says the
/// row lacks hashes, so it must be written (not only marked seen) to get them.
async fn compare(
    tx: &mut sqlx::SqliteConnection,
    sql: &KindSql,
    page: &PageWrite<'_>,
    now: &str,
    chunk: &[Prepared],
) -> Result<Vec<(Option<Cached>, bool)>> {
    let mut args = SqliteArguments::default();
    for (i, p) in chunk.iter().enumerate() {
        let _ = args.add(i as i64);
        let _ = args.add(page.records[p.index].source_id.as_str());
        let _ = args.add(&p.content_hash[..]);
        let _ = args.add(&p.row_hash[..]);
    }
    let found = run_lookup(tx, &sql.lookup(chunk.len()), args, page, now).await?;
    let mut cached: Vec<(Option<Cached>, bool)> = vec![(None, false); chunk.len()];
    let mut unhashed: Vec<usize> = Vec::new();
    for row in found.chunks_exact(LOOKUP_FIELDS) {
        match Cached::parse(row) {
            (i, Some(c)) => cached[i].0 = Some(c),
            (i, None) => unhashed.push(i),
        }
    }
    if unhashed.is_empty() {
        return Ok(cached);
    }

    let mut args = SqliteArguments::default();
    for (n, &i) in unhashed.iter().enumerate() {
        let p = &chunk[i];
        let _ = args.add(n as i64);
        p.bind_row(
            &mut args,
            &page.records[p.index],
            page.resource,
            &sql.columns,
        );
    }
    let found = run_lookup(tx, &sql.full_lookup(unhashed.len()), args, page, now).await?;
    for row in found.chunks_exact(LOOKUP_FIELDS) {
        if let (n, Some(c)) = Cached::parse(row) {
            cached[unhashed[n]] = (Some(c), true);
        }
    }
    Ok(cached)
}

/// A record listed earlier in the same chunk: what that listing wrote, and whether the
/// record was already counted in this page.
struct Listed<'a> {
    raw: &'a str,
    removed: bool,
    counted: bool,
}

/// What one listing changed in the cache, for the page's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    New,
    Updated,
    Removed,
}

impl Change {
    /// A cached record whose content this listing changes.
    fn of_cached(removed: bool) -> Self {
        if removed {
            Change::Removed
        } else {
            Change::Updated
        }
    }
}

/// Writes one chunk of records of one kind: compares them with the cached rows in one
/// statement, moves `seen_pass` of the rows that are otherwise the same in another, and
/// upserts the rest in a third. The counts are worked out from the comparison.
async fn write_chunk(
    tx: &mut sqlx::SqliteConnection,
    sql: &KindSql,
    page: &PageWrite<'_>,
    now: &str,
    chunk: &[Prepared],
) -> Result<Counts> {
    let cached = compare(tx, sql, page, now, chunk).await?;
    let mut listed: HashMap<&str, usize> = HashMap::new();
    for p in chunk {
        *listed
            .entry(page.records[p.index].source_id.as_str())
            .or_default() += 1;
    }

    // Each record counts at most once a page, by what its listings change in the cache
    // as it stood before the page: listed twice, it is one new (or updated) record.
    let mut counts = Counts::default();
    let mut earlier: HashMap<&str, Listed> = HashMap::new();
    let mut touch: Vec<&str> = Vec::new();
    let mut write: Vec<&Prepared> = Vec::new();
    for (p, (cached, unhashed)) in chunk.iter().zip(&cached) {
        let record = &page.records[p.index];
        let id = record.source_id.as_str();
        let removed = record.removed;
        let change = match (earlier.get_mut(id), cached) {
            (Some(listed), _) => {
                let differs = listed.raw != p.raw || listed.removed != removed;
                listed.raw = &p.raw;
                listed.removed = removed;
                let change = (differs && !listed.counted).then(|| Change::of_cached(removed));
                listed.counted |= change.is_some();
                change
            }
            (None, cached) => {
                // `counted`: later listings of the record in this page count nothing more.
                let (change, counted) = match cached {
                    // Not cached: new, unless a tombstone for a record never cached.
                    None => ((!removed).then_some(Change::New), true),
                    // An earlier chunk of this page changed (and counted) it.
                    Some(c) if c.changed => (None, true),
                    Some(c) => {
                        let change = (!c.same_content).then(|| Change::of_cached(removed));
                        (change, change.is_some())
                    }
                };
                earlier.insert(
                    id,
                    Listed {
                        raw: &p.raw,
                        removed,
                        counted,
                    },
                );
                change
            }
        };
        match change {
            Some(Change::New) => counts.new += 1,
            Some(Change::Updated) => counts.updated += 1,
            Some(Change::Removed) => counts.removed += 1,
            None => {}
        }
        match cached {
            Some(c) if c.same_row && !unhashed && listed[id] == 1 => touch.push(id),
            _ => write.push(p),
        }
    }

    if !touch.is_empty() {
        let ids = serde_json::to_string(&touch).expect("ids serialize");
        sqlx::query(&sql.touch)
            .bind(page.pass)
            .bind(page.account_id)
            .bind(page.pass)
            .bind(ids)
            .execute(&mut *tx)
            .await
            .context("marking records seen")?;
    }
    if !write.is_empty() {
        let mut args = SqliteArguments::default();
        for p in &write {
            let _ = args.add(page.account_id);
            let _ = args.add(page.pass);
            let _ = args.add(&p.content_hash[..]);
            let _ = args.add(&p.row_hash[..]);
            p.bind_row(
                &mut args,
                &page.records[p.index],
                page.resource,
                &sql.columns,
            );
            let _ = args.add(now);
            let _ = args.add(now);
        }
        sqlx::query_with(&sql.upsert(write.len()), args)
            .execute(&mut *tx)
            .await
            .context("upserting records")?;
    }
    Ok(counts)
}

fn bind_value<'q>(args: &mut SqliteArguments<'q>, value: &'q Value) {
    let _ = match value {
        Value::Null => args.add(None::<String>),
        Value::Bool(b) => args.add(*b as i64),
        Value::Number(n) => match n.as_i64() {
            Some(i) => args.add(i),
            None => args.add(n.as_f64().unwrap_or_default()),
        },
        Value::String(s) => args.add(s.as_str()),
        other => args.add(other.to_string()),
    };
}

impl Store {
    /// The sync state of one resource, if it was ever synced.
    pub async fn sync_state(&self, account_id: i64, resource: &str) -> Result<Option<SyncState>> {
        let row = sqlx::query("SELECT * FROM sync_state WHERE account_id = ?1 AND resource = ?2")
            .bind(account_id)
            .bind(resource)
            .fetch_optional(self.pool())
            .await
            .context("reading sync state")?;
        row.as_ref().map(state_from_row).transpose()
    }

    /// Every resource's sync state of an account, by resource name.
    pub async fn sync_states(&self, account_id: i64) -> Result<Vec<SyncState>> {
        let rows = sqlx::query("SELECT * FROM sync_state WHERE account_id = ?1 ORDER BY resource")
            .bind(account_id)
            .fetch_all(self.pool())
            .await
            .context("reading sync states")?;
        rows.iter().map(state_from_row).collect()
    }

    /// Starts (or resumes) a pass over a resource and returns its state. A pass left in
    /// the middle by a killed process is resumed from its stored position; otherwise a new
    /// pass is numbered. `from_start` (a `--full` sync) forgets the position first.
    pub async fn begin_pass(
        &self,
        account_id: i64,
        resource: &str,
        from_start: bool,
    ) -> Result<SyncState> {
        let now = instant::encode(&Utc::now());
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("starting a pass")?;
        sqlx::query(
            "INSERT INTO sync_state (account_id, resource) VALUES (?1, ?2)
             ON CONFLICT(account_id, resource) DO NOTHING",
        )
        .bind(account_id)
        .bind(resource)
        .execute(&mut *tx)
        .await
        .context("starting a pass")?;
        if from_start {
            sqlx::query(
                "UPDATE sync_state SET position = NULL, in_pass = 0
                 WHERE account_id = ?1 AND resource = ?2",
            )
            .bind(account_id)
            .bind(resource)
            .execute(&mut *tx)
            .await
            .context("starting a pass")?;
        }
        sqlx::query(
            "UPDATE sync_state SET
               pass = CASE WHEN in_pass THEN pass ELSE pass + 1 END,
               in_pass = 1, last_attempt_at = ?3
             WHERE account_id = ?1 AND resource = ?2",
        )
        .bind(account_id)
        .bind(resource)
        .bind(now)
        .execute(&mut *tx)
        .await
        .context("starting a pass")?;
        tx.commit().await.context("starting a pass")?;
        Ok(self
            .sync_state(account_id, resource)
            .await?
            .expect("the row was just written"))
    }

    /// Writes one page: upserts its records, applies the pass end, and stores the new
    /// position, all in one transaction.
    pub async fn write_page(&self, page: &PageWrite<'_>) -> Result<PageOutcome> {
        let prepared = PreparedPage::new(page.resource, page.records);
        self.write_prepared(page, &prepared).await
    }

    /// [`Self::write_page`] with its records already prepared.
    ///
    /// # Panics
    /// If `prepared` was not made from this page's records and resource.
    pub async fn write_prepared(
        &self,
        page: &PageWrite<'_>,
        prepared: &PreparedPage,
    ) -> Result<PageOutcome> {
        assert!(
            prepared.resource == page.resource && prepared.records == page.records.len(),
            "a prepared page is written with the records it was prepared from"
        );
        let now = instant::encode(&write_instant());
        let mut counts = Counts::default();
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("writing a page")?;
        // A few multi-row statements per kind (per chunk of a big page) instead of one per
        // record: each statement is a round trip to sqlx's connection thread, and so is
        // each row a statement returns, so none returns more than one.
        for (kind, records) in &prepared.groups {
            let sql = kind_sql(*kind);
            for chunk in records.chunks(sql.rows_per_statement) {
                counts += write_chunk(&mut tx, sql, page, &now, chunk).await?;
            }
        }
        skipped::keep(
            &mut tx,
            page.account_id,
            page.resource,
            page.pass,
            &now,
            page.skipped,
        )
        .await?;
        counts.skipped += page.skipped.len() as u64;
        let mut pass = page.pass;
        // A pass that skipped a row cannot tell whether that row is one of the records it
        // did not see: it removes nothing (the run reports the skipped rows instead).
        let mut judges_removals = true;
        if let PassEnd::CompletesSnapshot { .. } = &page.end {
            skipped::forget_unseen(&mut tx, page.account_id, page.resource, page.pass).await?;
            judges_removals =
                !skipped::any_in_pass(&mut tx, page.account_id, page.resource, page.pass).await?;
        }
        if let (
            PassEnd::CompletesSnapshot {
                kinds,
                keep_starting_before,
            },
            true,
        ) = (&page.end, judges_removals)
        {
            for kind in kinds.iter() {
                let has_start = kind_sql(*kind).columns.contains(&"starts_at");
                let keep = match (keep_starting_before, has_start) {
                    (Some(_), true) => " AND (starts_at IS NULL OR starts_at >= ?5)",
                    _ => "",
                };
                let sql = format!(
                    "UPDATE {t} SET removed = 1, version = version + 1, changed_at = ?4
                     WHERE account_id = ?1 AND resource = ?2 AND seen_pass < ?3 AND removed = 0{keep}",
                    t = kind.as_str()
                );
                let mut query = sqlx::query(&sql)
                    .bind(page.account_id)
                    .bind(page.resource)
                    .bind(page.pass)
                    .bind(&now);
                if let Some(before) = keep_starting_before {
                    query = query.bind(instant::encode(before));
                }
                let done = query
                    .execute(&mut *tx)
                    .await
                    .context("marking unseen records removed")?;
                counts.removed += done.rows_affected();
            }
        }
        let in_pass = match page.end {
            PassEnd::Continues => true,
            PassEnd::Restarts => {
                pass += 1;
                true
            }
            PassEnd::Completes | PassEnd::CompletesSnapshot { .. } => false,
        };
        sqlx::query(
            "UPDATE sync_state SET position = ?3, in_pass = ?4, pass = ?5
             WHERE account_id = ?1 AND resource = ?2",
        )
        .bind(page.account_id)
        .bind(page.resource)
        .bind(page.position)
        .bind(in_pass)
        .bind(pass)
        .execute(&mut *tx)
        .await
        .context("saving the sync position")?;
        tx.commit().await.context("committing a page")?;
        drop(writer);
        self.page_written();
        Ok(PageOutcome { counts, pass })
    }

    /// Records how a resource's run ended at `at`: success with its counts, or an error
    /// (code and message). A success clears the previous error. `at` is the run's clock
    /// (what its policies judge "due" by), so a simulated day stays consistent.
    pub async fn finish_resource(
        &self,
        account_id: i64,
        resource: &str,
        at: DateTime<Utc>,
        counts: Counts,
        error: Option<(&str, &str)>,
    ) -> Result<()> {
        let now = instant::encode(&at);
        let counts = serde_json::to_string(&counts).expect("counts serialize");
        let mut writer = self.writer().await;
        sqlx::query(
            "INSERT INTO sync_state (account_id, resource) VALUES (?1, ?2)
             ON CONFLICT(account_id, resource) DO NOTHING",
        )
        .bind(account_id)
        .bind(resource)
        .execute(&mut *writer)
        .await
        .context("saving a sync result")?;
        sqlx::query(
            "UPDATE sync_state SET last_attempt_at = ?3, last_counts = ?4,
               last_success_at = CASE WHEN ?5 IS NULL THEN ?3 ELSE last_success_at END,
               last_error_code = ?5, last_error = ?6
             WHERE account_id = ?1 AND resource = ?2",
        )
        .bind(account_id)
        .bind(resource)
        .bind(now)
        .bind(counts)
        .bind(error.map(|e| e.0))
        .bind(error.map(|e| e.1))
        .execute(&mut *writer)
        .await
        .context("saving a sync result")?;
        Ok(())
    }

    /// Live (not removed) cached records per kind of one account.
    pub async fn record_counts(&self, account_id: i64) -> Result<BTreeMap<Kind, i64>> {
        let mut out = BTreeMap::new();
        for kind in Kind::ALL {
            let n: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {} WHERE account_id = ?1 AND removed = 0",
                kind.as_str()
            ))
            .bind(account_id)
            .fetch_one(self.pool())
            .await
            .context("counting records")?;
            if n > 0 {
                out.insert(*kind, n);
            }
        }
        Ok(out)
    }

    /// Marks record `source_id` of `kind` of an account removed now: the provider accepted
    /// its deletion, and a listing that would show it gone may be a day away. True when a
    /// live record was marked.
    pub async fn remove_record(
        &self,
        account_id: i64,
        kind: Kind,
        source_id: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let mut writer = self.writer().await;
        let done = sqlx::query(&format!(
            "UPDATE {t} SET removed = 1, version = version + 1, changed_at = ?3
             WHERE account_id = ?1 AND source_id = ?2 AND removed = 0",
            t = kind.as_str()
        ))
        .bind(account_id)
        .bind(source_id)
        .bind(instant::encode(&now))
        .execute(&mut *writer)
        .await
        .context("removing a deleted record")?;
        Ok(done.rows_affected() > 0)
    }

    /// Whether record `source_id` of `kind` of an account is cached and not removed (one
    /// primary-key lookup).
    pub async fn has_record(&self, account_id: i64, kind: Kind, source_id: &str) -> Result<bool> {
        let found: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT 1 FROM {t} WHERE account_id = ?1 AND source_id = ?2 AND removed = 0",
            t = kind.as_str()
        ))
        .bind(account_id)
        .bind(source_id)
        .fetch_optional(self.pool())
        .await
        .context("looking a record up")?;
        Ok(found.is_some())
    }

    /// Every live cached record of `kind`, as export objects: `source`, `account`,
    /// `source_id`, the normalized fields, and `raw` when asked (see docs/export.md).
    pub async fn export_kind(&self, kind: Kind, with_raw: bool) -> Result<Vec<Value>> {
        let sql = kind_sql(kind);
        let text = if with_raw {
            &sql.export_raw
        } else {
            &sql.export
        };
        let rows: Vec<String> = sqlx::query_scalar(text)
            .fetch_all(self.pool())
            .await
            .context("exporting records")?;
        rows.iter()
            .map(|r| {
                serde_json::from_str(r).map_err(|source| StoreError::Json {
                    what: "an exported record",
                    source,
                })
            })
            .collect()
    }

    /// Deletes every cached record and sync state of an account (keeps the account).
    pub async fn purge_account_data(&self, account_id: i64) -> Result<()> {
        let mut writer = self.writer().await;
        let mut tx = writer
            .begin_with(WRITE_TRANSACTION)
            .await
            .context("purging an account")?;
        for kind in Kind::ALL {
            sqlx::query(&format!(
                "DELETE FROM {} WHERE account_id = ?1",
                kind.as_str()
            ))
            .bind(account_id)
            .execute(&mut *tx)
            .await
            .context("purging an account")?;
        }
        for table in ["skipped_rows", "sync_state"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE account_id = ?1"))
                .bind(account_id)
                .execute(&mut *tx)
                .await
                .context("purging an account")?;
        }
        tx.commit().await.context("purging an account")
    }
}

/// The time a page write stamps on what it changes, distinct for every write of this
/// process: `changed_at = now` is how a write tells its own earlier chunks from an
/// earlier page, and instants are stored to the millisecond, so two pages written within
/// one millisecond would otherwise look like one write.
fn write_instant() -> DateTime<Utc> {
    static LAST_MS: AtomicI64 = AtomicI64::new(0);
    let now = Utc::now().timestamp_millis();
    let prev = LAST_MS
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |last| {
            Some(now.max(last.saturating_add(1)))
        })
        .unwrap_or(now);
    let ms = now.max(prev.saturating_add(1));
    DateTime::from_timestamp_millis(ms).unwrap_or_else(Utc::now)
}

fn state_from_row(row: &sqlx::sqlite::SqliteRow) -> Result<SyncState> {
    let get_time = |name: &'static str| -> Result<Option<DateTime<Utc>>> {
        row.try_get(name).map_err(|source| StoreError::Query {
            context: "reading sync state times",
            source,
        })
    };
    let counts: Option<String> = row.get("last_counts");
    Ok(SyncState {
        account_id: row.get("account_id"),
        resource: row.get("resource"),
        position: row.get("position"),
        pass: row.get("pass"),
        in_pass: row.get::<i64, _>("in_pass") != 0,
        last_success_at: get_time("last_success_at")?,
        last_attempt_at: get_time("last_attempt_at")?,
        last_error: row.get("last_error"),
        last_error_code: row.get("last_error_code"),
        last_counts: counts.and_then(|c| serde_json::from_str(&c).ok()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_write_gets_its_own_millisecond() {
        let stamps: Vec<String> = (0..2_000)
            .map(|_| instant::encode(&write_instant()))
            .collect();
        assert!(
            stamps.windows(2).all(|w| w[0] < w[1]),
            "strictly increasing"
        );
    }
}
