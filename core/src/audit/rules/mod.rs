//! The rules, one file per family.

pub(crate) mod balance;
pub(crate) mod coverage;
pub(crate) mod lists;
pub(crate) mod matters;
pub(crate) mod meetings;
pub(crate) mod people;
pub(crate) mod registration;
pub(crate) mod structure;
pub(crate) mod time;
