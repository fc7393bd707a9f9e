//! The probe server: the outside vantage point that tells a client its public address. (The
//! connect-back checks of design.md come with the doctor.)

pub mod server;
