//! The sandbox clock. Pinned with `--now` it only moves when the admin API advances it;
//! otherwise it follows real time (plus any offset the admin API added).

use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

#[derive(Debug)]
pub struct Clock {
    state: Mutex<ClockState>,
}

#[derive(Debug, Clone, Copy)]
struct ClockState {
    pinned: Option<DateTime<Utc>>,
    offset: Duration,
}

impl Clock {
    /// `Some(t)` pins the clock at `t`; `None` follows real time.
    pub fn new(pinned: Option<DateTime<Utc>>) -> Self {
        Clock {
            state: Mutex::new(ClockState {
                pinned,
                offset: Duration::zero(),
            }),
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        let s = *self.state.lock().expect("clock lock");
        match s.pinned {
            Some(t) => t,
            None => Utc::now() + s.offset,
        }
    }

    /// Current time as unix seconds.
    pub fn now_ts(&self) -> i64 {
        self.now().timestamp()
    }

    pub fn is_pinned(&self) -> bool {
        self.state.lock().expect("clock lock").pinned.is_some()
    }

    /// Moves the clock forward (or backward for a negative duration).
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let mut s = self.state.lock().expect("clock lock");
        match s.pinned.as_mut() {
            Some(t) => *t += by,
            None => s.offset += by,
        }
        drop(s);
        self.now()
    }

    /// Pins the clock at `t`.
    pub fn set(&self, t: DateTime<Utc>) {
        self.state.lock().expect("clock lock").pinned = Some(t);
    }
}
