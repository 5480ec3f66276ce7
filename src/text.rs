//! Text that reaches a person: made inert before it is printed.
//!
//! File names, S3 keys, organization and OU names, evidence and error messages come from
//! outside. On a terminal, an ESC sequence can clear the screen or move the cursor, a carriage
//! return can paint a fake `OK` over a `FAILED` line, and a bidirectional override can reverse
//! what a line appears to say. Every line a command prints goes through [`terminal`].

use std::borrow::Cow;

/// Whether `c` must not reach a terminal: C0 and C1 controls (ESC, CR, BEL, DEL, CSI…) and the
/// Unicode bidirectional formatting characters (Trojan Source, CVE-2021-42574).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// `s` with every unsafe character (line breaks included) replaced by a space: for one line.
pub fn line(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if is_unsafe(c) { ' ' } else { c })
            .collect(),
    )
}

/// `s` with every unsafe character but `\n` replaced by a space: for a block of lines.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| if c != '\n' && is_unsafe(c) { ' ' } else { c })
            .collect(),
    )
}

/// `s` with runs of white space (line breaks included) folded into one space and trimmed, and
/// other unsafe characters dropped: for a value that enters a one-line field (an OSCAL string
/// must not start or end with white space, nor hold a line break).
pub fn one_line(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || is_unsafe(c))
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// Prints one line on standard output, made inert: a line break inside a value cannot start a
/// line of its own.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        println!("{}", $crate::text::line(&format!($($arg)*)))
    };
}

/// Prints one line on standard error, made inert.
#[macro_export]
macro_rules! say_err {
    ($($arg:tt)*) => {
        eprintln!("{}", $crate::text::line(&format!($($arg)*)))
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_returns_and_bidi_overrides_never_reach_a_terminal() {
        assert_eq!(
            line("FAILED\r\u{1b}[2KOK \u{202e}fdp.exe\u{9b}x\u{7f}"),
            "FAILED  [2KOK  fdp.exe x "
        );
        assert_eq!(terminal("a\nb\u{1b}c"), "a\nb c");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
        assert_eq!(one_line("  Clinic \n\tProd  OU \u{1b} "), "Clinic Prod OU");
        assert_eq!(one_line("\n"), "");
    }
}
