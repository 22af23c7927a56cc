#![no_main]
//! The flylogs decoders on arbitrary bytes: any panic is a crash.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    flightdesk_connectors::flylogs::fuzz_decode(data);
});
