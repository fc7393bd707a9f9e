//! The probe server and its client: the outside vantage point that tells a box its public
//! address and connects back to it to prove reachability.

pub mod api;
pub mod client;
pub mod echoip;
pub mod server;
pub mod tlsgrab;
