//! Reading a secret (a key, a password) from standard input, never from an argument: the
//! line read is held as a [`Secret`] at once, so no plain copy of it outlives this call.

use std::io::BufRead;

use flightdesk_secrets::Secret;

use crate::exit::Failure;

/// One line of standard input without its line ending (and, with `trim`, without the
/// spaces around it); `what` names it in the errors ("the credential", "the password").
pub fn read_line(what: &str, trim: bool) -> Result<Secret, Failure> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Failure::config(format!("cannot read {what} from stdin: {e}")))?;
    let line = Secret::new(line);
    let text = line.expose().trim_end_matches(['\r', '\n']);
    let text = if trim { text.trim() } else { text };
    if text.is_empty() {
        return Err(Failure::config(format!(
            "no {} on standard input",
            bare(what)
        )));
    }
    Ok(Secret::new(text.to_string()))
}

/// "the password" → "password".
fn bare(what: &str) -> &str {
    what.strip_prefix("the ").unwrap_or(what)
}
