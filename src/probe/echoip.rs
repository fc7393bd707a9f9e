//! Port checks in the style of echoip (the server behind ifconfig.co): `GET /port/N` connects
//! back to the caller's own address on TCP port N and answers
//! `{"ip": "<caller>", "port": N, "reachable": true|false}` (200). A port that is not a
//! number in 1-65535 is answered 400 `{"status": 400, "error": "invalid port: <text>"}`; a
//! server without port checks answers 404. direkt's probe server answers the same API, so the
//! lab tests doctor against it.
//!
//! The answer says only whether a TCP connection was accepted: not by what (this box or
//! another host) and, when not, whether it was refused or timed out. doctor makes up for the
//! first by answering the port itself while nothing listens there, and counting the
//! connections that arrive.

use std::net::IpAddr;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Context, Error};
use crate::probe::client::{Bind, ProbeCause, ProbeError};

/// The answer to `GET /port/N` (field names as echoip spells them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortAnswer {
    /// The address the port check connected to: the caller's own.
    pub ip: IpAddr,
    pub port: u16,
    /// A TCP connection to `ip:port` was accepted.
    pub reachable: bool,
}

/// An error answer: `{"status": 400, "error": "invalid port: foo"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortError {
    pub status: u16,
    pub error: String,
    /// direkt's probe server adds it to 429 and 503 answers (echoip has no rate limit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// The error text echoip gives a path that is not a port.
pub fn invalid_port(text: &str) -> String {
    format!("invalid port: {text}")
}

/// The port of a `/port/<text>` path, as echoip parses it (a decimal in 1-65535).
pub fn parse_port_path(text: &str) -> Result<u16, String> {
    match text.parse::<u16>() {
        Ok(p) if p >= 1 => Ok(p),
        _ => Err(invalid_port(text)),
    }
}

/// Read the answer of `GET <base>/port/<asked>`: the HTTP status and body. An answer for
/// another port, or one that is not JSON of this shape, is refused (not a port check).
pub fn parse_answer(
    base: &str,
    asked: u16,
    status: u16,
    body: &[u8],
) -> Result<PortAnswer, ProbeError> {
    let refused = |msg: String| {
        ProbeError {
        cause: ProbeCause::Refused,
        error: Error::failed(msg).hint(
            "check [ip] port_check: it must name an echoip-style server (like https://ifconfig.co) or a direkt probe server",
        ),
    }
    };
    if !(200..300).contains(&status) {
        let detail = match serde_json::from_slice::<PortError>(body) {
            Ok(e) => e.error,
            Err(_) if status == 404 => "it offers no port checks (no /port/N)".to_string(),
            Err(_) => String::from_utf8_lossy(&body[..body.len().min(200)])
                .trim()
                .to_string(),
        };
        let error = Error::failed(format!(
            "the port check {base} answered HTTP {status}: {detail}"
        ));
        return Err(match ProbeCause::of_status(status) {
            ProbeCause::Busy => ProbeError {
                cause: ProbeCause::Busy,
                error: error
                    .hint("the port check limits how often one address may ask; wait a minute"),
            },
            _ => refused(error.message().to_string()),
        });
    }
    let answer: PortAnswer = serde_json::from_slice(body).map_err(|e| {
        refused(format!(
            "{base}/port/{asked} answered something that is not a port check answer: {e}"
        ))
    })?;
    if answer.port != asked {
        return Err(refused(format!(
            "{base}/port/{asked} answered for port {} instead",
            answer.port
        )));
    }
    Ok(answer)
}

/// Ask `base` (`http(s)://host[:port]`) to connect back to this box on TCP `port`, over the
/// family of `bind`.
pub async fn check(
    base: &str,
    bind: Bind,
    timeout: Duration,
    port: u16,
) -> Result<PortAnswer, ProbeError> {
    let base = base.trim_end_matches('/');
    let unreachable = |error| ProbeError {
        cause: ProbeCause::Unreachable,
        error,
    };
    if !base.starts_with("http://") && !base.starts_with("https://") {
        return Err(ProbeError {
            cause: ProbeCause::Refused,
            error: Error::usage(format!(
                "port check `{base}` is not an http:// or https:// URL"
            ))
            .hint("write it like \"https://ifconfig.co\" in [ip] port_check"),
        });
    }
    let http = crate::net::http::builder(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .local_address(bind.local_address())
        .build()
        .failed(|| "cannot build the HTTP client".into())
        .map_err(unreachable)?;
    let url = format!("{base}/port/{port}");
    let resp = http
        .get(&url)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| {
            let what = crate::net::http::failure_words(&e);
            unreachable(
                Error::failed(format!("the port check {base} {what}"))
                    .hint("check [ip] port_check and that this box can reach the internet")
                    .source(e),
            )
        })?;
    let status = resp.status().as_u16();
    let body = resp
        .bytes()
        .await
        .failed(|| format!("reading the answer of {url}"))
        .map_err(unreachable)?;
    parse_answer(base, port, status, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "https://ifconfig.co";

    #[test]
    fn echoips_answer_reads() {
        // As echoip writes it (indented JSON).
        let body = b"{\n  \"ip\": \"203.0.113.7\",\n  \"port\": 443,\n  \"reachable\": true\n}";
        let a = parse_answer(BASE, 443, 200, body).unwrap();
        assert_eq!(a.ip, "203.0.113.7".parse::<IpAddr>().unwrap());
        assert!(a.reachable && a.port == 443);
        let a = parse_answer(
            BASE,
            80,
            200,
            br#"{"ip":"2001:db8::7","port":80,"reachable":false}"#,
        )
        .unwrap();
        assert!(!a.reachable && a.ip.is_ipv6());
    }

    #[test]
    fn wrong_or_error_answers_are_refused_with_the_servers_words() {
        let e = parse_answer(
            BASE,
            80,
            200,
            br#"{"ip":"203.0.113.7","port":81,"reachable":true}"#,
        )
        .unwrap_err();
        assert_eq!(e.cause, ProbeCause::Refused);
        assert!(e.to_string().contains("for port 81"), "{e}");
        let e = parse_answer(BASE, 80, 200, b"203.0.113.7\n").unwrap_err();
        assert!(e.to_string().contains("not a port check answer"), "{e}");
        let e = parse_answer(
            BASE,
            80,
            400,
            b"{\n  \"status\": 400,\n  \"error\": \"invalid port: 0\"\n}",
        )
        .unwrap_err();
        assert!(e.to_string().contains("HTTP 400: invalid port: 0"), "{e}");
        // echoip without -p: a plain 404 page.
        let e = parse_answer(BASE, 80, 404, b"404 page not found").unwrap_err();
        assert!(e.to_string().contains("offers no port checks"), "{e}");
        let e = parse_answer(
            BASE,
            80,
            429,
            br#"{"status":429,"error":"rate limited","retry_after":3}"#,
        )
        .unwrap_err();
        assert_eq!(e.cause, ProbeCause::Busy);
    }

    #[test]
    fn port_paths_parse_as_echoip_parses_them() {
        assert_eq!(parse_port_path("443"), Ok(443));
        assert_eq!(parse_port_path("65535"), Ok(65535));
        for bad in ["0", "65536", "foo", "-1", ""] {
            assert_eq!(parse_port_path(bad), Err(format!("invalid port: {bad}")));
        }
    }
}
