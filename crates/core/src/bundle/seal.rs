//! Sealing for headquarters: the `age` format with X25519 keys. Headquarters keeps `hq.key` (an
//! `AGE-SECRET-KEY-1…` line) and hands `hq.pub` (an `age1…` line) to facilitators; a bundle sealed
//! to several keys opens with any of them, which allows a key rotation.

use std::path::Path;

use age::secrecy::ExposeSecret;

use crate::error::{Error, Result};

/// An `age1…` recipient given as the key itself or as a file holding it (comments allowed).
pub fn parse_recipient(text_or_path: &str) -> Result<age::x25519::Recipient> {
    let text = text_or_path.trim();
    if text.starts_with("age1") {
        return text.parse().map_err(|_| {
            Error::KeyFile(
                "la clé publique du siège n'est pas valide (attendu « age1… ») : recopiez-la sans la modifier".into(),
            )
        });
    }
    let path = Path::new(text);
    let content = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let key = key_lines(&content).next().ok_or_else(|| {
        Error::KeyFile(format!("{} ne contient pas de clé publique du siège (« age1… »)", path.display()))
    })?;
    key.parse().map_err(|_| {
        Error::KeyFile(format!(
            "{} ne contient pas une clé publique du siège valide (« age1… ») : demandez hq.pub au siège",
            path.display()
        ))
    })
}

/// The secret key of headquarters, from the file `keys hq-init` wrote (or `age-keygen`'s output).
pub fn read_identity(path: &Path) -> Result<age::x25519::Identity> {
    let content = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    parse_identity(&content).map_err(|e| match e {
        Error::KeyFile(message) => Error::KeyFile(format!("{} : {message}", path.display())),
        other => other,
    })
}

/// The secret key of headquarters from the text of its key file.
pub fn parse_identity(content: &str) -> Result<age::x25519::Identity> {
    let key = key_lines(content).find(|l| l.starts_with("AGE-SECRET-KEY-1")).ok_or_else(|| {
        Error::KeyFile(
            "ce fichier ne contient pas de clé secrète du siège (« AGE-SECRET-KEY-1… ») : indiquez le fichier hq.key"
                .into(),
        )
    })?;
    key.parse().map_err(|_| Error::KeyFile("la clé secrète du siège est abîmée".into()))
}

fn key_lines(content: &str) -> impl Iterator<Item = &str> {
    content.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A new headquarters key pair, as the two files' contents: (secret, public).
pub fn generate_hq_key(created_at: &str) -> (String, String) {
    let identity = age::x25519::Identity::generate();
    let public = identity.to_public().to_string();
    let secret = format!(
        "# Clé secrète du siège Maillage, créée le {created_at}.\n# Ne la partagez pas : elle ouvre les paquets scellés pour le siège.\n# Clé publique : {public}\n{}\n",
        identity.to_string().expose_secret()
    );
    (secret, format!("{public}\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_pair_reads_back() {
        let dir = tempfile::tempdir().unwrap();
        let (secret, public) = generate_hq_key("2026-11-22T00:00:00Z");
        std::fs::write(dir.path().join("hq.key"), &secret).unwrap();
        std::fs::write(dir.path().join("hq.pub"), &public).unwrap();
        let identity = read_identity(&dir.path().join("hq.key")).unwrap();
        let recipient = parse_recipient(dir.path().join("hq.pub").to_str().unwrap()).unwrap();
        assert_eq!(identity.to_public().to_string(), recipient.to_string());
        assert_eq!(parse_recipient(public.trim()).unwrap().to_string(), recipient.to_string());
    }

    #[test]
    fn a_public_key_file_is_not_a_secret_key() {
        let dir = tempfile::tempdir().unwrap();
        let (_, public) = generate_hq_key("now");
        std::fs::write(dir.path().join("hq.pub"), public).unwrap();
        let Err(err) = read_identity(&dir.path().join("hq.pub")) else { panic!("a public key is not a secret key") };
        assert!(err.to_string().contains("hq.key"), "{err}");
    }
}
