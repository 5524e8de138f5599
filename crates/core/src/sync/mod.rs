//! What lets several devices edit offline and still agree: the hybrid logical clock that orders
//! edits, and the merge of versions from elsewhere (plan, then apply; conflicts kept).

pub mod clock;
pub mod merge;
