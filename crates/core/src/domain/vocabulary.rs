//! The closed lists of the method (actor categories, statuses, kinds of link…), each value with
//! its code (JSON, command line) and its French label (interface, reports). The lists are data,
//! in `crates/core/defaults/vocabulary.lists`; `build.rs` turns them into the enums below.

use serde::{Deserialize, Serialize};

/// One entry of a closed list, as the interface shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

/// Each list an enum whose variants carry their code (serde) and their French label, then
/// `all_lists()`. The lists themselves are data, in `defaults/vocabulary.lists`: `build.rs` writes
/// the one call of this macro into OUT_DIR.
macro_rules! vocabulary {
    ($($(#[$meta:meta])* $name:ident as $key:literal {
        $($variant:ident = $code:literal : $label:literal),+ $(,)?
    })+) => {
        $(
            $(#[$meta])*
            #[cfg_attr(feature = "ts", derive(ts_rs::TS))]
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
            pub enum $name {
                $(#[serde(rename = $code)] $variant),+
            }

            impl $name {
                pub const ALL: &'static [$name] = &[$($name::$variant),+];

                pub fn code(self) -> &'static str {
                    match self { $($name::$variant => $code),+ }
                }

                pub fn label(self) -> &'static str {
                    match self { $($name::$variant => $label),+ }
                }

                pub fn choices() -> Vec<Choice> {
                    Self::ALL.iter().map(|v| Choice { code: v.code(), label: v.label() }).collect()
                }
            }
        )+

        /// Every list, keyed by name, for the interface's selects.
        pub fn all_lists() -> Vec<(&'static str, Vec<Choice>)> {
            vec![$(($key, $name::choices())),+]
        }
    };
}

include!(concat!(env!("OUT_DIR"), "/vocabulary.rs"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_what_json_carries() {
        for c in ActorCategory::ALL {
            let json = serde_json::to_string(c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.code()));
        }
    }

    #[test]
    fn every_list_has_distinct_codes() {
        for (name, list) in all_lists() {
            let mut codes: Vec<_> = list.iter().map(|c| c.code).collect();
            codes.sort();
            codes.dedup();
            assert_eq!(codes.len(), list.len(), "duplicate code in {name}");
        }
    }
}
