//! A deterministic synthetic model generator on the real division skeleton.
