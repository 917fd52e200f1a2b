//! Redaction: people's names dropped and their ids replaced by keyed pseudonyms.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::error::{Error, Result};
use crate::model::Model;

/// How many hex digits of the HMAC a pseudonym keeps (64 bits: a collision among a
/// billion people has odds of about one in forty).
const PSEUDONYM_HEX: usize = 16;

/// The pseudonym [`Model::redact_people`] gives the person `id` under `key`: `p-`
/// and the first 16 hex digits of HMAC-SHA256(key, id). The same id and key give the
/// same pseudonym in every file, so joins survive; without the key it cannot be
/// reversed by hashing candidate ids (an unkeyed hash of a short id could).
///
/// # Example
/// ```
/// let a = tiaokuai::people::pseudonym(b"secret", "p-0001");
/// assert_eq!(a.len(), 18);
/// assert!(a.starts_with("p-"));
/// assert_eq!(a, tiaokuai::people::pseudonym(b"secret", "p-0001"));
/// assert_ne!(a, tiaokuai::people::pseudonym(b"other", "p-0001"));
/// ```
pub fn pseudonym(key: &[u8], id: &str) -> String {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes a key of any length");
    mac.update(id.as_bytes());
    let digest = mac.finalize().into_bytes();
    let mut out = String::with_capacity(2 + PSEUDONYM_HEX);
    out.push_str("p-");
    for byte in digest.iter().take(PSEUDONYM_HEX / 2) {
        out.push_str(&format!("{byte:02x}"));
    }
    out
}

impl Model {
    /// The model with its people redacted: every person's `name` dropped and its id
    /// replaced by [`pseudonym`]`(key, id)` in the person record and in every link
    /// that names it, so `holds` links still join and the same person gets the same
    /// pseudonym in every file redacted with the same key. Everything else, people's
    /// `attrs` and dates included, is kept as it was (keep nothing identifying in a
    /// person's attrs). The whole document is redacted; the answer is read at the
    /// same date as `self`.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the key is empty, or when a pseudonym is already the id
    /// of another record (vanishingly unlikely; choose another key).
    ///
    /// # Example
    /// ```
    /// let model = tiaokuai::Model::from_json(r#"{"format": "tiaokuai/1",
    ///   "units": [{"id": "jwh", "name": "居委会", "kind": "residents_committee"}],
    ///   "people": [{"id": "p1", "name": "张三"}],
    ///   "links": [{"from": "p1", "to": "jwh", "kind": "holds", "post": "director"}]}"#)?;
    /// let redacted = model.redact_people(b"secret")?;
    /// assert!(!redacted.to_json().contains("张三"));
    /// let id = tiaokuai::people::pseudonym(b"secret", "p1");
    /// assert_eq!(redacted.holders("jwh")?[0].person, id);
    /// # Ok::<(), tiaokuai::Error>(())
    /// ```
    pub fn redact_people(&self, key: &[u8]) -> Result<Model> {
        if key.is_empty() {
            return Err(Error::Invalid {
                what: "redaction key".into(),
                message: "the key is empty: an unkeyed hash of a short id is reversible by enumeration".into(),
            });
        }
        let whole = self.whole();
        let mut doc: serde_json::Value = serde_json::from_str(&whole.to_json()).expect("the writer emits valid JSON");
        let mut map = std::collections::HashMap::new();
        if let Some(people) = doc.get_mut("people").and_then(|p| p.as_array_mut()) {
            for person in people {
                let Some(obj) = person.as_object_mut() else { continue };
                obj.remove("name");
                if let Some(serde_json::Value::String(id)) = obj.get_mut("id") {
                    let new = pseudonym(key, id);
                    map.insert(std::mem::replace(id, new.clone()), new);
                }
            }
        }
        if map.is_empty() {
            return Ok(self.clone());
        }
        if let Some(links) = doc.get_mut("links").and_then(|l| l.as_array_mut()) {
            for link in links {
                let Some(obj) = link.as_object_mut() else { continue };
                for end in ["from", "to"] {
                    if let Some(serde_json::Value::String(id)) = obj.get_mut(end)
                        && let Some(new) = map.get(id.as_str())
                    {
                        *id = new.clone();
                    }
                }
            }
        }
        let redacted = Model::from_json(&doc.to_string()).map_err(|e| match e {
            Error::DuplicateId { .. } => Error::Invalid {
                what: "redaction".into(),
                message: format!("a pseudonym is already the id of another record ({e}); choose another key"),
            },
            e => e,
        })?;
        Ok(match self.date() {
            Some(date) => redacted.at(date),
            None => redacted.whole(),
        })
    }
}
