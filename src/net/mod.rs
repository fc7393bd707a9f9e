//! The low-level network layer every domain shares, one of each: the kernel's routing table and
//! interface addresses ([`routes`]), one UDP request/resend helper ([`udp`]), one TCP accept loop
//! helper ([`tcp`]), one HTTP client policy ([`http`]), time formatting ([`time`]), which
//! programs listen on which TCP ports ([`listen`]) and the IP [`Family`].
//!
//! Nothing here imports from a domain or a job: this is the bottom layer.

pub mod dns;
pub mod family;
pub mod hops;
pub mod http;
pub mod listen;
pub mod nat;
pub mod routes;
pub mod tcp;
pub mod time;
pub mod udp;

pub use family::Family;
