//! What lets several devices edit offline and still agree: the merge of versions from elsewhere
//! (plan, then apply; conflicts kept). The clock that orders edits is `domain::clock`.

pub mod erasure;
pub mod merge;
