//! ACME problem documents (`urn:ietf:params:acme:error:*`, RFC 8555 6.7, RFC 9773) in words: a
//! plain sentence per type, the CA's own detail, and the next step. Every user-facing text the
//! acme module builds from a CA's answer goes through here, so none shows a type URN alone or a
//! debug dump.

use instant_acme::Problem;

/// What a problem type means, as a sentence fragment, and what to do next.
/// Unknown types get a generic pair.
pub fn meaning(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "accountDoesNotExist" => (
            "the CA does not know this account",
            "run again: direkt creates a new account",
        ),
        "alreadyRevoked" => (
            "the certificate is revoked already",
            "nothing to do; `direkt cert renew` replaces it",
        ),
        "alreadyReplaced" => (
            "the certificate was already replaced by another order",
            "run again: direkt orders without naming the old certificate",
        ),
        "badCSR" => (
            "the CA refused the certificate request (CSR)",
            "check [cert] key and the names; the CA's detail says what it refused",
        ),
        "badNonce" => (
            "the CA refused a stale request token (nonce)",
            "run again; this clears up by itself",
        ),
        "badPublicKey" => (
            "the CA does not accept this kind of key",
            "choose another [cert] key (ecdsa-p256 is accepted everywhere)",
        ),
        "badRevocationReason" => (
            "the CA does not accept this revocation reason",
            "revoke with another --reason (e.g. superseded)",
        ),
        "badSignatureAlgorithm" => (
            "the CA does not accept the signature algorithm",
            "choose another [cert] key (ecdsa-p256 is accepted everywhere)",
        ),
        "caa" => (
            "a CAA record in DNS forbids this CA to issue for the name",
            "add a CAA record for this CA at the DNS host, or remove the CAA records",
        ),
        "compound" => (
            "the CA found several problems",
            "see the CA's detail for each name",
        ),
        "connection" => (
            "the CA could not connect to the box to check the challenge",
            "make the port reachable from outside (`direkt doctor` shows which), or use dns-01",
        ),
        "dns" => (
            "the CA could not look up the name in DNS",
            "publish the address (`direkt ddns update`) and check that the zone answers",
        ),
        "externalAccountRequired" => (
            "the CA needs an external account binding (EAB)",
            "set [cert] eab_kid and the secret cert.eab_hmac_key from the CA's dashboard",
        ),
        "incorrectResponse" => (
            "the CA reached the box but got a wrong challenge answer",
            "check that the port reaches this box and that no other server answers for the name",
        ),
        "invalidContact" | "unsupportedContact" => (
            "the CA refused the contact address",
            "set a valid [cert] email, or remove it",
        ),
        "malformed" => (
            "the CA could not make sense of the request",
            "run again with -v and report it if it persists",
        ),
        "orderNotReady" => (
            "the order was not ready to be finalized",
            "run again: direkt places a new order",
        ),
        "rateLimited" => (
            "the CA's rate limit for this account or name is reached",
            "wait: direkt backs off on its own; do not force repeated orders",
        ),
        "rejectedIdentifier" | "unsupportedIdentifier" => (
            "the CA will not issue for this name",
            "use a name the CA issues for (not an internal or reserved name)",
        ),
        "serverInternal" => (
            "the CA had an internal error",
            "run again later; direkt retries on the next run",
        ),
        "tls" => (
            "the TLS connection from the CA to the box failed",
            "check that port 443 reaches this box and nothing else answers there",
        ),
        "unauthorized" => (
            "the CA refused: this account may not do this for the name",
            "check the names in the config and the account; then run with --force",
        ),
        "userActionRequired" => (
            "the CA needs you to act first (e.g. accept new terms)",
            "open the CA's instructions link in the detail, then run again",
        ),
        _ => (
            "the CA refused the request",
            "run again with -v to see the CA's answers",
        ),
    }
}

/// What the CA itself said: its detail and each subproblem's, or that it gave none.
pub fn ca_detail(p: &Problem) -> String {
    let mut s = p
        .detail
        .clone()
        .filter(|d| !d.trim().is_empty())
        .unwrap_or_else(|| "it gave no detail".into());
    for sp in &p.subproblems {
        if let Some(d) = &sp.detail {
            s = format!("{s}; {d}");
        }
    }
    s
}

/// The problem in one line: the sentence for its type, then the CA's words.
pub fn sentence(p: &Problem) -> String {
    let (what, _) = meaning(super::flow::problem_kind(p));
    format!("{what} (the CA says: {})", ca_detail(p))
}

/// The next step for this problem.
pub fn next_step(p: &Problem) -> &'static str {
    meaning(super::flow::problem_kind(p)).1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(kind: Option<&str>, detail: Option<&str>) -> Problem {
        Problem {
            r#type: kind.map(|k| format!("urn:ietf:params:acme:error:{k}")),
            detail: detail.map(String::from),
            status: Some(400),
            subproblems: vec![],
        }
    }

    /// Every type RFC 8555 6.7 and RFC 9773 define.
    const TYPES: [&str; 25] = [
        "accountDoesNotExist",
        "alreadyRevoked",
        "alreadyReplaced",
        "badCSR",
        "badNonce",
        "badPublicKey",
        "badRevocationReason",
        "badSignatureAlgorithm",
        "caa",
        "compound",
        "connection",
        "dns",
        "externalAccountRequired",
        "incorrectResponse",
        "invalidContact",
        "malformed",
        "orderNotReady",
        "rateLimited",
        "rejectedIdentifier",
        "serverInternal",
        "tls",
        "unauthorized",
        "unsupportedContact",
        "unsupportedIdentifier",
        "userActionRequired",
    ];

    #[test]
    fn every_problem_type_has_its_own_sentence_and_next_step() {
        let (generic, generic_step) = meaning("somethingNew");
        for t in TYPES {
            let (what, step) = meaning(t);
            assert_ne!(what, generic, "{t} has no sentence");
            assert_ne!(step, generic_step, "{t} has no next step");
            assert!(!what.contains("urn:") && !step.contains("urn:"), "{t}");
        }
    }

    #[test]
    fn instant_acme_errors_and_revocation_reasons_read_as_words() {
        use super::super::flow::error_text;
        let t = error_text(&instant_acme::Error::Unsupported(
            "ACME renewal information (ARI)",
        ));
        assert_eq!(t, "the CA does not offer ACME renewal information (ARI)");
        let t = error_text(&instant_acme::Error::Timeout(None));
        assert_eq!(t, "the CA did not finish the order in time");
        let json = serde_json::from_str::<serde_json::Value>("{").unwrap_err();
        assert!(error_text(&instant_acme::Error::Json(json)).starts_with("the CA's answer is not"));
        let api = instant_acme::Error::Api(problem(Some("caa"), Some("CAA record forbids")));
        assert!(error_text(&api).starts_with("a CAA record in DNS forbids"));
        assert_eq!(
            super::super::reason_name(&instant_acme::RevocationReason::KeyCompromise),
            "key-compromise"
        );
    }

    #[test]
    fn the_sentence_carries_the_cas_detail_and_no_urn() {
        let p = problem(
            Some("rateLimited"),
            Some("too many certificates (5) already issued"),
        );
        let s = sentence(&p);
        assert_eq!(
            s,
            "the CA's rate limit for this account or name is reached (the CA says: too many \
             certificates (5) already issued)"
        );
        assert!(next_step(&p).contains("backs off"));
        // No detail, no type: still a sentence.
        let bare = problem(None, None);
        assert_eq!(
            sentence(&bare),
            "the CA refused the request (the CA says: it gave no detail)"
        );
        // Subproblems name each identifier's trouble.
        let mut c = problem(Some("compound"), Some("2 problems"));
        c.subproblems = serde_json::from_value(serde_json::json!([
            {"type": "urn:ietf:params:acme:error:caa", "detail": "CAA forbids a.example"},
            {"type": "urn:ietf:params:acme:error:dns", "detail": "NXDOMAIN b.example"}
        ]))
        .unwrap();
        let s = sentence(&c);
        assert!(
            s.contains("CAA forbids a.example; NXDOMAIN b.example"),
            "{s}"
        );
        assert!(!s.contains("Subproblem") && !s.contains("Some("), "{s}");
    }
}
