//! The domain model: the field dictionary, typed items, vocabularies, codes and provenance.

pub mod catalog;
pub mod codes;
pub mod divisions;
pub mod field;
pub mod item;
pub mod provenance;
pub mod vocab;
