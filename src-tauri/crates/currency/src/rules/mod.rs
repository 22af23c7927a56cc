//! One module per rule; each public function returns a [`crate::Verdict`].

pub mod easa;
pub mod instructor;
pub mod instrument;
pub mod passenger;
pub(crate) mod recency;
pub mod review;
