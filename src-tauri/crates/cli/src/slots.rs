//! `slots`: the next free times for a class of these people (and room), in every system
//! and within the duty and 61.195(a) limits: the scheduling form's suggestions, for
//! scripts. Prints the slots as JSON.

use std::path::Path;

use chrono::{Duration, NaiveTime, Utc};
use flightdesk_views::calendar;
use flightdesk_views::lookup::Lookup;
use flightdesk_views::schedule::{self, Proposal, ProposalRequest, SlotQuery};

use crate::entities::view_failure;
use crate::exit::Failure;
use crate::open::open;

#[derive(Debug, clap::Args)]
pub struct SlotsArgs {
    /// The teacher: a unified id, a name or an e-mail (see `flightdesk entities`).
    #[arg(long)]
    pub teacher: String,
    /// The students, comma-separated (ids, names or e-mails).
    #[arg(long, value_delimiter = ',')]
    pub students: Vec<String>,
    /// The room, simulator or aircraft.
    #[arg(long)]
    pub resource: Option<String>,
    /// How long: `90m`, `2h`, `1h30m`.
    #[arg(long, value_parser = parse_duration)]
    pub duration: Duration,
    /// The first day or instant to look from (default now).
    #[arg(long)]
    pub from: Option<String>,
    /// The last day to look in (default two weeks after --from).
    #[arg(long)]
    pub to: Option<String>,
    /// Flight training with the teacher as instructor (counts toward 61.195(a)).
    #[arg(long)]
    pub flight_training: bool,
    /// How many slots (default 5).
    #[arg(long, default_value_t = 5)]
    pub limit: usize,
    #[arg(long, default_value = "UTC")]
    pub tz: chrono_tz::Tz,
}

/// `90m`, `2h` or `1h30m`.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not a duration like 90m, 2h or 1h30m");
    let (mut minutes, mut number) = (0i64, String::new());
    for c in text.trim().chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' => {
                let n: i64 = number.parse().map_err(|_| bad())?;
                minutes += if c == 'h' { n * 60 } else { n };
                number.clear();
            }
            _ => return Err(bad()),
        }
    }
    if !number.is_empty() || minutes <= 0 || minutes > 24 * 60 {
        return Err(bad());
    }
    Ok(Duration::minutes(minutes))
}

pub async fn run(data_dir: &Path, args: SlotsArgs) -> Result<(), Failure> {
    let now = Utc::now();
    let from = match &args.from {
        Some(t) => calendar::parse_bound(t, args.tz, false).map_err(view_failure)?,
        None => now,
    };
    let to = match &args.to {
        Some(t) => calendar::parse_bound(t, args.tz, true).map_err(view_failure)?,
        None => from + Duration::days(14),
    };
    let opened = open(data_dir, false).await?;
    let store = opened.workspace.store();
    let found = async {
        let lookup = Lookup::load(store).await?;
        let request = ProposalRequest {
            starts_at: from.to_rfc3339(),
            ends_at: (from + args.duration).to_rfc3339(),
            teacher: Some(args.teacher.clone()),
            students: args.students.clone(),
            resource: args.resource.clone(),
            flight_training: args.flight_training,
            ignore: vec![],
        };
        let proposal = Proposal::resolve(&request, &lookup, args.tz)?;
        let query = SlotQuery {
            proposal,
            from,
            to,
            day_start: NaiveTime::from_hms_opt(7, 0, 0).expect("a valid time"),
            day_end: NaiveTime::from_hms_opt(19, 0, 0).expect("a valid time"),
            step: Duration::minutes(30),
            limit: args.limit,
        };
        schedule::slots(store, &lookup, &query, now, args.tz).await
    }
    .await;
    opened.close().await;
    let found = found.map_err(view_failure)?;
    println!(
        "{}",
        serde_json::to_string_pretty(&found).expect("slots serialize")
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use chrono::Duration;

    #[test]
    fn durations_read_hours_and_minutes_and_refuse_the_rest() {
        assert_eq!(parse_duration("90m"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration("2h"), Ok(Duration::hours(2)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::minutes(90)));
        for bad in ["", "2", "h", "0m", "25h", "2d", "1.5h"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
    }
}
