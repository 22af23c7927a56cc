//! SQLCipher encrypts with OpenSSL's libcrypto on Linux. libcrypto frees its global state
//! in an `atexit` handler, while sqlx closes SQLite connections on worker threads of its
//! own: a connection dropped just before the process exits may still be checkpointing
//! its WAL (encrypting pages) when that handler runs, and the process then dies with
//! SIGSEGV after its work is done. Initialising libcrypto without the handler, before
//! SQLCipher first uses it, leaves the state alive until the process is gone.

#[cfg(target_os = "linux")]
pub fn keep_libcrypto_until_exit() {
    use std::ffi::{c_int, c_void};
    use std::sync::Once;

    /// `OPENSSL_INIT_NO_ATEXIT` from `openssl/crypto.h` (OpenSSL 1.1.1b and later).
    const NO_ATEXIT: u64 = 0x0008_0000;
    extern "C" {
        fn OPENSSL_init_crypto(opts: u64, settings: *const c_void) -> c_int;
    }
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // SAFETY: a documented libcrypto entry point, linked in for SQLCipher, called once
        // with no settings; it only initialises libcrypto's own global state.
        let ok = unsafe { OPENSSL_init_crypto(NO_ATEXIT, std::ptr::null()) };
        if ok != 1 {
            tracing::warn!("libcrypto refused to initialise without its exit handler");
        }
    });
}

/// Other platforms' SQLCipher builds use the system's own crypto, with no such handler.
#[cfg(not(target_os = "linux"))]
pub fn keep_libcrypto_until_exit() {}
