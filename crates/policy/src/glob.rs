//! `*` and `?` wildcard matching as IAM uses it in actions, resources and `StringLike`.

/// Whether `text` matches `pattern`, where `*` matches any run of characters (including none)
/// and `?` exactly one. Linear-time with single backtracking point, so a hostile pattern such
/// as `*a*a*a*a*b` cannot blow up.
pub fn matches(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // ARNs and action names are ASCII: match bytes without allocating (this is the engine's
    // innermost loop on large accounts).
    if pattern.is_ascii() && text.is_ascii() {
        return matches_ascii(pattern.as_bytes(), text.as_bytes(), ignore_case);
    }
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let eq = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || (p[pi] != '*' && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}

fn matches_ascii(p: &[u8], t: &[u8], ignore_case: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || (p[pi] != b'*' && eq(p[pi], t[ti]))) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == b'*' {
        pi += 1;
    }
    pi == p.len()
}

pub fn has_wildcard(s: &str) -> bool {
    s.contains('*') || s.contains('?')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_and_question_mark() {
        assert!(matches("s3:Get*", "s3:GetObject", false));
        assert!(matches("*", "", false));
        assert!(matches("a?c", "abc", false));
        assert!(!matches("a?c", "ac", false));
        assert!(matches("*Policy*", "AttachRolePolicy", false));
        assert!(matches("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", false));
        assert!(!matches("arn:aws:s3:::b/*", "arn:aws:s3:::c/x", false));
        assert!(!matches("abc", "abcd", false));
        assert!(matches(
            "*a*a*a*a*b",
            &format!("{}b", "a".repeat(5000)),
            false
        ));
        assert!(!matches("*a*a*a*a*b", &"a".repeat(5000), false));
    }

    #[test]
    fn non_ascii_text_matches_by_character() {
        assert!(matches("caf?", "café", false));
        assert!(matches("*é*", "résumé", false));
        assert!(!matches("caf?", "cafés", false));
    }

    #[test]
    fn case_rules() {
        assert!(matches("IAM:passrole", "iam:PassRole", true));
        assert!(!matches(
            "arn:aws:s3:::Bucket",
            "arn:aws:s3:::bucket",
            false
        ));
    }
}
