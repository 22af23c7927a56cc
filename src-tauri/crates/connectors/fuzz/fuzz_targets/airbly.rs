#![no_main]
//! The airbly decoders on arbitrary bytes: any panic is a crash.

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    flightdesk_connectors::airbly::fuzz_decode(data);
});
