//! Importing China's administrative divisions (NBS 2023 codes).
