//! Personal data minimisation: stable pseudonyms for the national level.

use crate::domain::RecordId;

/// A pseudonym derived from a person's id: the same on every device, meaningless outside.
pub fn pseudonym_for(id: RecordId) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("maillage:pseudonym:{id}").as_bytes());
    let code: String = digest[..3].iter().map(|b| format!("{b:02X}")).collect();
    format!("Personne {code}")
}
