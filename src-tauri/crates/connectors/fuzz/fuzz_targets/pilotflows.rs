#![no_main]
//! The pilotflows decoders on arbitrary bytes: any panic is a crash.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    flightdesk_connectors::pilotflows::fuzz_decode(data);
});
