//! ketqua: a static-site generator for the results of mid-term reviews
//! (sơ kết giữa nhiệm kỳ). See ARCHITECTURE.md for the map of modules.
//!
//! The pipeline follows the data: [`load`] (disk → sources with spans) →
//! [`model`] (units, hierarchy, indicators, checks; no IO) → [`render`]
//! (view model and templates; no IO) → [`write`] (the only code that touches
//! the output folder). [`build`] runs it; [`cli`] is the command line.

#![forbid(unsafe_code)]

pub mod build;
pub mod chart;
pub mod cli;
pub mod consistency;
pub mod diag;
pub mod export;
pub mod highlight;
pub mod i18n;
pub mod init;
pub mod intern;
pub mod load;
pub mod markdown;
pub mod model;
pub mod packed;
pub mod public;
pub mod render;
pub mod rollup;
pub mod scan;
pub mod search;
pub mod serve;
pub mod target;
pub mod theme;
pub mod timings;
pub mod vi;
pub mod view;
pub mod write;
