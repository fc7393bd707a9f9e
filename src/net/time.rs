//! Time as people and JSON read it.

/// RFC 3339 for a Unix time, UTC. A time outside what RFC 3339 can show is printed as the bare
/// number rather than dropped.
pub fn format_time(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// `3 d 4 h`, `2 h 5 min`, `12 min 5 s`, `42 s`: a duration in words (a clock difference, a
/// time left), rounded to its smaller unit (an answer's own delay makes the last second
/// meaningless). Negative durations are shown by their size.
pub fn human_secs(s: i64) -> String {
    let s = s.saturating_abs();
    match s {
        s if s >= 86_400 - 1800 => {
            let h = (s + 1800) / 3600;
            format!("{} d {} h", h / 24, h % 24)
        }
        s if s >= 3600 - 30 => {
            let m = (s + 30) / 60;
            format!("{} h {} min", m / 60, m % 60)
        }
        s if s >= 60 => format!("{} min {} s", s / 60, s % 60),
        s => format!("{s} s"),
    }
}

/// `2026-12-06 17:05 UTC`: a Unix time as people read it on a terminal (minutes, UTC).
pub fn format_short(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// `in 3 h 2 min`, `5 min 0 s ago`, `now`: `at` seen from `now`.
pub fn relative(at: i64, now: i64) -> String {
    match at - now {
        0 => "now".into(),
        d if d > 0 => format!("in {}", human_secs(d)),
        d => format!("{} ago", human_secs(d)),
    }
}

/// An HTTP `Date` header (RFC 9110 IMF-fixdate, `Sun, 06 Dec 2026 17:41:27 GMT`) as Unix
/// seconds; None for anything else.
pub fn parse_http_date(v: &str) -> Option<i64> {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    time::PrimitiveDateTime::parse(v.trim(), &fmt)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_times_are_rfc3339_utc() {
        assert_eq!(format_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_time(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(format_time(i64::MAX), i64::MAX.to_string());
        assert_eq!(format_short(1_700_000_000), "2023-11-14 22:13 UTC");
    }

    #[test]
    fn durations_in_words() {
        // The answer's delay does not turn 2 days into "1 d 23 h".
        assert_eq!(human_secs(2 * 86_400 - 1), "2 d 0 h");
        assert_eq!(human_secs(3600 + 59), "1 h 1 min");
        assert_eq!(human_secs(-42), "42 s");
        assert_eq!(relative(1_000 + 125, 1_000), "in 2 min 5 s");
        assert_eq!(relative(1_000 - 3600, 1_000), "1 h 0 min ago");
        assert_eq!(relative(1_000, 1_000), "now");
        assert_eq!(
            parse_http_date("Tue, 14 Nov 2023 22:13:20 GMT"),
            Some(1_700_000_000)
        );
        assert_eq!(parse_http_date("yesterday"), None);
    }
}
