//! IPv6 pinholes through UPnP IGDv2's WANIPv6FirewallControl against real miniupnpd with PCP
//! off (scenario `dual-stack-upnp`): add, reach from the internet, keep, update, list, remove.
//! Needs root: ignored without it (see tests/support/lab.rs), never ignored under CI.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::Duration;

use support::lab::Lab;

/// A tiny HTTP server on the box (`port`, IPv4 and IPv6) answering `reply`.
fn serve_on_box(lab: &Lab, port: u16, reply: &'static str) {
    let listener = lab.in_ns("box", move || {
        TcpListener::bind(("::", port)).expect("bind in box")
    });
    std::thread::spawn(move || {
        for mut s in listener.incoming().flatten() {
            let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf);
            let _ = write!(
                s,
                "HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
}

/// An HTTP request from the internet namespace; the body, or why not.
fn get_from_inet(lab: &Lab, addr: &str) -> Result<String, String> {
    let addr: SocketAddr = addr.parse().unwrap();
    lab.in_ns("inet", move || {
        let mut s = TcpStream::connect_timeout(&addr, Duration::from_millis(1500))
            .map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
        s.write_all(b"GET / HTTP/1.0\r\nHost: box\r\n\r\n")
            .map_err(|e| e.to_string())?;
        let mut out = String::new();
        s.read_to_string(&mut out).map_err(|e| e.to_string())?;
        Ok(out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string())
    })
}

/// DeletePinhole `id` on the router, sent from the box's own IPv6 address (as miniupnpd wants),
/// behind direkt's back.
fn delete_pinhole(lab: &Lab, id: u64) {
    let body = format!(
        "<?xml version=\"1.0\"?><s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" \
         s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\"><s:Body><u:DeletePinhole \
         xmlns:u=\"urn:schemas-upnp-org:service:WANIPv6FirewallControl:1\"><UniqueID>{id}</UniqueID>\
         </u:DeletePinhole></s:Body></s:Envelope>"
    );
    let answer = lab.in_ns("box", move || {
        let mut s = TcpStream::connect("[2001:db8:77::1]:5000").unwrap();
        write!(
            s,
            "POST /ctl/IP6FCtl HTTP/1.0\r\nHost: [2001:db8:77::1]:5000\r\nContent-Type: text/xml\r\n\
             SOAPAction: \"urn:schemas-upnp-org:service:WANIPv6FirewallControl:1#DeletePinhole\"\r\n\
             Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .unwrap();
        let mut out = String::new();
        let _ = s.read_to_string(&mut out);
        out
    });
    assert!(answer.contains("DeletePinholeResponse"), "{answer}");
}

fn v6_entry(j: &serde_json::Value, mapping: &str) -> serde_json::Value {
    j["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["mapping"] == mapping && m["family"] == "ipv6")
        .cloned()
        .unwrap_or_else(|| panic!("no IPv6 {mapping} in {j}"))
}

#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn igdv2_pinhole_without_pcp_add_reach_keep_update_list_remove() {
    let lab = Lab::up("dual-stack-upnp");
    assert_eq!(lab.info()["router"]["natpmp_pcp"], false);
    lab.set_forward("[8443]");
    serve_on_box(&lab, 8443, "hello through an IGDv2 pinhole");
    let box6 = "[2001:db8:77::10]:8443";
    // Before: the router's firewall drops inbound IPv6.
    assert!(get_from_inet(&lab, box6).is_err());

    let run = lab.box_direkt(&["ports", "add", "8443", "--ipv6"]);
    run.code(0)
        .stdout_has("8443/tcp (IPv6 pinhole) forwarded via UPnP IGDv2");
    assert_eq!(
        get_from_inet(&lab, box6).as_deref(),
        Ok("hello through an IGDv2 pinhole")
    );
    // The pinhole's UniqueID is recorded with the firewall service at the router's IPv6 address.
    let state: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(lab.state_dir().join("state.json")).unwrap())
            .unwrap();
    let rec = state["ports"]["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["family"] == "ipv6")
        .cloned()
        .unwrap_or_else(|| panic!("{state}"));
    assert!(rec["pinhole_id"].as_u64().is_some(), "{rec}");
    assert_eq!(
        rec["upnp_service"]["control_url"],
        "http://[2001:db8:77::1]:5000/ctl/IP6FCtl"
    );

    // refresh: kept (GetPinholePackets says it is there); --force: UpdatePinhole extends it.
    let j = lab
        .box_direkt(&["ports", "refresh", "--json"])
        .code(0)
        .json();
    assert_eq!(v6_entry(&j, "8443/tcp")["action"], "kept", "{j}");
    let j = lab
        .box_direkt(&["ports", "refresh", "--force", "--json"])
        .code(0)
        .json();
    let e = v6_entry(&j, "8443/tcp");
    assert_eq!(
        (&e["action"], &e["via"]),
        (&"extended".into(), &"upnp-igd2".into()),
        "{j}"
    );

    // Gone from the router behind direkt's back (deleted by another control point on the box): the next
    // refresh notices (GetPinholePackets answers 704) and opens it again.
    delete_pinhole(&lab, rec["pinhole_id"].as_u64().unwrap());
    assert!(get_from_inet(&lab, box6).is_err());
    let j = lab
        .box_direkt(&["ports", "refresh", "--json"])
        .code(0)
        .json();
    let action = v6_entry(&j, "8443/tcp")["action"].clone();
    assert!(action == "restored" || action == "extended", "{j}");
    assert_eq!(
        get_from_inet(&lab, box6).as_deref(),
        Ok("hello through an IGDv2 pinhole")
    );

    let j = lab.box_direkt(&["ports", "list", "--json"]).code(0).json();
    let listed = j["mappings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["family"] == "ipv6")
        .cloned()
        .unwrap_or_else(|| panic!("{j}"));
    assert_eq!(
        (&listed["via"], &listed["external_port"]),
        (&"upnp-igd2".into(), &8443.into()),
        "{j}"
    );

    lab.box_direkt(&["ports", "remove", "--all"])
        .code(0)
        .stdout_has("8443/tcp (IPv6 pinhole) removed");
    assert!(get_from_inet(&lab, box6).is_err());
    let j = lab.box_direkt(&["ports", "list", "--json"]).code(0).json();
    assert_eq!(j["mappings"].as_array().unwrap().len(), 0, "{j}");
}

/// miniupnpd refuses pinholes below port 1024 (606): the message says why, and what to do.
#[test]
#[cfg_attr(not(has_lab), ignore = "needs root and the lab's packages (tests/run)")]
fn igdv2_pinhole_below_1024_is_refused_in_words() {
    let lab = Lab::up("dual-stack-upnp");
    let run = lab.box_direkt(&["ports", "add", "443", "--ipv6"]);
    run.code(1)
        .stderr_has("UPnP error 606")
        .stderr_has("ports from 1024 up");
}
