#![no_main]
//! The aviationalley decoders on arbitrary bytes: any panic is a crash.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    flightdesk_connectors::aviationalley::fuzz_decode(data);
});
