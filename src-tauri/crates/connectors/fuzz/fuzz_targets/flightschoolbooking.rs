#![no_main]
//! The flightschoolbooking decoders on arbitrary bytes: any panic is a crash.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    flightdesk_connectors::flightschoolbooking::fuzz_decode(data);
});
