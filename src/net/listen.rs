//! Which programs listen on which TCP ports of this box, read from `/proc` alone (no `ss`, no
//! `lsof`): `/proc/net/tcp` and `/proc/net/tcp6` list the listening sockets of the caller's
//! network namespace with their inodes, `/proc/<pid>/fd/*` links (`socket:[<inode>]`) say which
//! process holds which socket, and `/proc/<pid>/comm`, `exe`, `cmdline` and `cgroup` name the
//! program, how it was started and which systemd unit runs it.
//!
//! Without root the fd links of other users' processes cannot be read: the socket is then
//! reported with no process, which is still "something listens here".

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The `st` column's value for a listening socket (TCP_LISTEN).
const TCP_LISTEN: &str = "0A";

/// A listening TCP socket from `/proc/net/tcp{,6}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Socket {
    pub address: IpAddr,
    pub port: u16,
    pub inode: u64,
}

/// The process holding a listening socket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Process {
    pub pid: u32,
    /// `/proc/<pid>/comm` (at most 15 characters).
    pub comm: String,
    /// `/proc/<pid>/exe`, where readable.
    pub exe: Option<PathBuf>,
    /// `/proc/<pid>/cmdline`, split at its NULs.
    pub cmdline: Vec<String>,
    /// The systemd service running it (from `/proc/<pid>/cgroup`), e.g. `nginx.service`.
    pub unit: Option<String>,
}

/// What listens on one port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    pub port: u16,
    pub address: IpAddr,
    /// None when no readable process holds the socket (another user's, without root).
    pub process: Option<Process>,
}

/// The listening sockets in one `/proc/net/tcp` (or `tcp6`) text.
///
/// Addresses are printed as the u32 words the kernel holds (network byte order) in hex, in host
/// order: the bytes are each word's native-endian bytes, as in `/proc/net/route`. The port is
/// plain hex.
pub fn parse_tcp(text: &str) -> Vec<Socket> {
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let f: Vec<&str> = line.split_whitespace().collect();
            if f.len() < 10 || f[3] != TCP_LISTEN {
                return None;
            }
            let (addr, port) = f[1].split_once(':')?;
            Some(Socket {
                address: parse_address(addr)?,
                port: u16::from_str_radix(port, 16).ok()?,
                inode: f[9].parse().ok()?,
            })
        })
        .collect()
}

fn parse_address(hex: &str) -> Option<IpAddr> {
    let words: Vec<u32> = (0..hex.len() / 8)
        .map(|i| u32::from_str_radix(hex.get(i * 8..i * 8 + 8)?, 16).ok())
        .collect::<Option<_>>()?;
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_ne_bytes()).collect();
    match bytes.len() {
        4 => Some(IpAddr::V4(Ipv4Addr::new(
            bytes[0], bytes[1], bytes[2], bytes[3],
        ))),
        16 => {
            let b: [u8; 16] = bytes.try_into().ok()?;
            Some(IpAddr::V6(Ipv6Addr::from(b)))
        }
        _ => None,
    }
}

/// The socket inode of an fd link's target (`socket:[12345]`).
pub fn socket_inode(link: &str) -> Option<u64> {
    link.strip_prefix("socket:[")?
        .strip_suffix(']')?
        .parse()
        .ok()
}

/// The systemd service in `/proc/<pid>/cgroup` text: the last path element ending `.service`
/// (`0::/system.slice/nginx.service` -> `nginx.service`).
pub fn parse_unit(cgroup: &str) -> Option<String> {
    cgroup
        .lines()
        .filter_map(|l| l.splitn(3, ':').nth(2))
        .flat_map(|path| path.split('/'))
        .rfind(|el| el.ends_with(".service"))
        .map(str::to_string)
}

/// What listens on each of `ports` in this network namespace (per port, the sockets on every
/// address; several processes sharing one socket, like nginx's workers, count once, as the
/// lowest pid: the master).
pub fn listeners(ports: &[u16]) -> Vec<Listener> {
    listeners_in(Path::new("/proc"), ports)
}

/// [`listeners`] with `/proc` at `proc_root` (tests use a directory of fixtures).
pub fn listeners_in(proc_root: &Path, ports: &[u16]) -> Vec<Listener> {
    let mut sockets = vec![];
    for file in ["net/tcp", "net/tcp6"] {
        if let Ok(text) = std::fs::read_to_string(proc_root.join(file)) {
            sockets.extend(
                parse_tcp(&text)
                    .into_iter()
                    .filter(|s| ports.contains(&s.port)),
            );
        }
    }
    if sockets.is_empty() {
        return vec![];
    }
    let holders = holders(
        proc_root,
        &sockets.iter().map(|s| s.inode).collect::<Vec<_>>(),
    );
    let mut out: Vec<Listener> = sockets
        .into_iter()
        .map(|s| Listener {
            port: s.port,
            address: s.address,
            process: holders
                .iter()
                .filter(|(inode, _)| *inode == s.inode)
                .map(|(_, pid)| *pid)
                .min()
                .and_then(|pid| process(proc_root, pid)),
        })
        .collect();
    out.sort_by_key(|l| (l.port, l.address.is_ipv6()));
    out
}

/// (inode, pid) for every process fd that is one of `inodes`.
fn holders(proc_root: &Path, inodes: &[u64]) -> Vec<(u64, u32)> {
    let Ok(dir) = std::fs::read_dir(proc_root) else {
        return vec![];
    };
    let mut out = vec![];
    for entry in dir.flatten() {
        let Some(pid) = entry
            .file_name()
            .to_str()
            .and_then(|s| s.parse::<u32>().ok())
        else {
            continue;
        };
        let Ok(fds) = std::fs::read_dir(entry.path().join("fd")) else {
            continue;
        };
        for fd in fds.flatten() {
            let inode = std::fs::read_link(fd.path())
                .ok()
                .and_then(|t| socket_inode(&t.to_string_lossy()));
            if let Some(i) = inode.filter(|i| inodes.contains(i)) {
                out.push((i, pid));
            }
        }
    }
    out
}

fn process(proc_root: &Path, pid: u32) -> Option<Process> {
    let dir = proc_root.join(pid.to_string());
    let comm = std::fs::read_to_string(dir.join("comm")).ok()?;
    let cmdline = std::fs::read(dir.join("cmdline"))
        .map(|b| {
            b.split(|c| *c == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        })
        .unwrap_or_default();
    Some(Process {
        pid,
        comm: comm.trim_end().to_string(),
        exe: std::fs::read_link(dir.join("exe")).ok(),
        cmdline,
        unit: std::fs::read_to_string(dir.join("cgroup"))
            .ok()
            .and_then(|c| parse_unit(&c)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real `/proc/net/tcp` from a box with nginx on 0.0.0.0:443 and :80, sshd on :22 and one
    /// established connection to 443.
    const TCP: &str = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:01BB 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31337 1 0000000000000000 100 0 0 10 0
   1: 00000000:0050 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 31338 1 0000000000000000 100 0 0 10 0
   2: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 2001 1 0000000000000000 100 0 0 10 0
   3: 0A4DA8C0:01BB 0B4DA8C0:D431 01 00000000:00000000 02:000AF0A5 00000000    33        0 44444 2 0000000000000000 20 4 30 10 -1
";

    /// `/proc/net/tcp6`: Caddy on [::]:443 and a listener on ::1:8080.
    const TCP6: &str = "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 5555 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 6666 1 0000000000000000 100 0 0 10 0
";

    #[test]
    fn listening_sockets_with_port_address_and_inode() {
        let s = parse_tcp(TCP);
        assert_eq!(s.len(), 3, "{s:?}");
        assert_eq!(
            s[0],
            Socket {
                address: "0.0.0.0".parse().unwrap(),
                port: 443,
                inode: 31337
            }
        );
        assert_eq!(s[1].port, 80);
        if cfg!(target_endian = "little") {
            assert_eq!(s[2].address, "127.0.0.1".parse::<IpAddr>().unwrap());
        }
        let s6 = parse_tcp(TCP6);
        assert_eq!(s6.len(), 2);
        assert_eq!((s6[0].port, s6[0].inode), (443, 5555));
        assert!(s6[0].address.is_unspecified());
        if cfg!(target_endian = "little") {
            assert_eq!(s6[1].address, "::1".parse::<IpAddr>().unwrap());
        }
        assert_eq!(s6[1].port, 8080);
        assert!(parse_tcp("header only\n").is_empty());
        assert!(parse_tcp("x\n 0: garbage 0A\n").is_empty());
    }

    #[test]
    fn fd_links_and_cgroups() {
        assert_eq!(socket_inode("socket:[31337]"), Some(31337));
        assert_eq!(socket_inode("pipe:[31337]"), None);
        assert_eq!(socket_inode("/dev/null"), None);
        assert_eq!(
            parse_unit("0::/system.slice/nginx.service\n").as_deref(),
            Some("nginx.service")
        );
        assert_eq!(
            parse_unit(
                "12:pids:/system.slice/apache2.service\n0::/system.slice/apache2.service/x\n"
            )
            .as_deref(),
            Some("apache2.service")
        );
        assert_eq!(
            parse_unit("0::/user.slice/user-1000.slice/session-2.scope\n"),
            None
        );
        assert_eq!(parse_unit("0::/\n"), None);
    }

    /// A `/proc` tree of fixtures: nginx's master (pid 100) and a worker (101) share the 443
    /// and 80 sockets, sshd (7) holds 22; pid 200 has nothing of interest.
    #[test]
    fn sockets_map_to_the_lowest_pid_holding_them() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("net")).unwrap();
        std::fs::write(r.join("net/tcp"), TCP).unwrap();
        std::fs::write(r.join("net/tcp6"), TCP6).unwrap();
        let proc = |pid: u32, comm: &str, cmdline: &str, cgroup: &str, fds: &[&str]| {
            let d = r.join(pid.to_string());
            std::fs::create_dir_all(d.join("fd")).unwrap();
            std::fs::write(d.join("comm"), format!("{comm}\n")).unwrap();
            std::fs::write(d.join("cmdline"), cmdline.replace(' ', "\0")).unwrap();
            std::fs::write(d.join("cgroup"), cgroup).unwrap();
            for (i, t) in fds.iter().enumerate() {
                std::os::unix::fs::symlink(t, d.join("fd").join(i.to_string())).unwrap();
            }
        };
        let nginx_cg = "0::/system.slice/nginx.service\n";
        let fds = ["/dev/null", "socket:[31337]", "socket:[31338]"];
        proc(101, "nginx", "nginx: worker process", nginx_cg, &fds);
        proc(
            100,
            "nginx",
            "nginx: master process /usr/sbin/nginx -g daemon on;",
            nginx_cg,
            &fds,
        );
        proc(
            7,
            "sshd",
            "/usr/sbin/sshd -D",
            "0::/system.slice/ssh.service\n",
            &["socket:[2001]"],
        );
        proc(200, "bash", "bash", "0::/\n", &["pipe:[1]"]);
        std::fs::create_dir_all(r.join("self")).unwrap();

        let l = listeners_in(r, &[443, 80]);
        let seen: Vec<(u16, bool, Option<u32>)> = l
            .iter()
            .map(|l| {
                (
                    l.port,
                    l.address.is_ipv6(),
                    l.process.as_ref().map(|p| p.pid),
                )
            })
            .collect();
        // 80 (nginx), 443 (nginx over IPv4, nobody readable over IPv6).
        assert_eq!(
            seen,
            [
                (80, false, Some(100)),
                (443, false, Some(100)),
                (443, true, None)
            ]
        );
        let p = l[0].process.as_ref().unwrap();
        assert_eq!(p.comm, "nginx");
        assert_eq!(p.unit.as_deref(), Some("nginx.service"));
        assert_eq!(p.cmdline[0], "nginx:");
        // Nothing on the ports asked about: nothing at all.
        assert!(listeners_in(r, &[8443]).is_empty());
        assert!(listeners_in(&r.join("missing"), &[443]).is_empty());
    }
}
