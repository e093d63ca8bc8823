//! Database URLs in messages: never with their password.

/// The URL without its password (in the user part or as a `password`
/// parameter), for every message that names it.
pub fn redact(url: &str) -> String {
    let mut out = url.to_string();
    if let Some(start) = out.find("://").map(|i| i + 3) {
        let authority_end = out[start..]
            .find(['/', '?', '#'])
            .map_or(out.len(), |i| start + i);
        if let Some(at) = out[start..authority_end].rfind('@').map(|i| start + i) {
            if let Some(colon) = out[start..at].find(':').map(|i| start + i) {
                out.replace_range(colon + 1..at, "***");
            }
        }
    }
    if let Some(query) = out.find('?') {
        let (head, tail) = out.split_at(query + 1);
        let params: Vec<String> = tail
            .split('&')
            .map(|param| match param.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => param.to_string(),
            })
            .collect();
        out = format!("{head}{}", params.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_show() {
        assert_eq!(
            redact("postgres://alice:s3cr%40t@db.example:5432/claims?sslmode=require"),
            "postgres://alice:***@db.example:5432/claims?sslmode=require"
        );
        assert_eq!(
            redact("postgres://db/claims?user=bob&password=pw&sslmode=verify-full"),
            "postgres://db/claims?user=bob&password=***&sslmode=verify-full"
        );
        assert_eq!(
            redact("postgres://alice@db/claims"),
            "postgres://alice@db/claims"
        );
        assert_eq!(redact("claims.db"), "claims.db");
    }
}
