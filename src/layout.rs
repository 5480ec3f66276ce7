//! How the package's JSON evidence files are laid out: pretty-printed for people to read, and
//! compact once they are too large to read by eye anyway.
//!
//! snapshot.json and results.json of a 10,000-role account are tens of megabytes each; their
//! indentation alone was a third of the package on disk and of the time to write it. Above
//! [`COMPACT_ABOVE`] bytes (compact) they are written compact, on one line; below, as before.
//! The choice depends only on the content, so the same evidence still gives the same bytes,
//! and every reader (`verify`, `diff`, `history`, `aggregate`, `assess` of a package's
//! snapshot) parses either. `jq . results.json` shows a compact file indented.

use serde::Serialize;

/// The compact size past which a file stays compact: 8 MiB, a few thousand principals.
pub const COMPACT_ABOVE: usize = 8 << 20;

/// `value` as newline-terminated JSON: pretty when its compact form is at most
/// [`COMPACT_ABOVE`] bytes, compact otherwise.
pub fn json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(value).expect("the value serializes");
    if bytes.len() <= COMPACT_ABOVE {
        bytes = serde_json::to_vec_pretty(value).expect("the value serializes");
    }
    bytes.push(b'\n');
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_files_are_pretty_and_large_ones_compact() {
        let small = serde_json::json!({"a": [1, 2]});
        assert_eq!(json(&small), b"{\n  \"a\": [\n    1,\n    2\n  ]\n}\n");
        let large = serde_json::json!({"a": "x".repeat(COMPACT_ABOVE)});
        let bytes = json(&large);
        assert_eq!(bytes.iter().filter(|b| **b == b'\n').count(), 1);
        assert!(bytes.starts_with(b"{\"a\":\"xxx"));
    }
}
