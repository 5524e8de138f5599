//! What lets several devices edit offline and still agree: the hybrid logical clock that orders
//! edits. (Bundles, merge plans and conflicts build on it.)

pub mod clock;
