//! ketqua: a static-site generator for the results of the reviews of
//! congress resolutions (sơ kết giữa nhiệm kỳ, tổng kết nhiệm kỳ). See
//! ARCHITECTURE.md for the map of modules and their layers.
//!
//! The pipeline follows the data: `load` (disk → sources with spans) →
//! `model` (units, hierarchy, indicators; no IO) → checks (`consistency`,
//! `highlight`, `public`) → `render` (views, templates, charts; no IO) →
//! `write` (the only code that touches the output folder). `build` runs
//! it; `cli` is the command line.
//!
//! Every module is the crate's own. What is public is re-exported below:
//! what the binary, the fuzz targets (`fuzz/`) and the integration tests
//! (`tests/it/`) use, and nothing more, so that the compiler reports code
//! nothing uses.
#![forbid(unsafe_code)]
#![warn(unreachable_pub)]

mod build;
mod cache;
mod chart;
mod cli;
mod consistency;
mod diag;
mod escape;
mod export;
mod highlight;
mod i18n;
mod import;
mod init;
mod intern;
mod load;
mod markdown;
mod model;
mod overall;
mod packed;
mod public;
mod render;
mod rollup;
mod round;
mod rows;
mod scan;
mod search;
mod serve;
mod target;
mod theme;
mod timeline;
mod timings;
mod urls;
mod vi;
mod view;
mod write;

// The binary.
pub use cli::main;

// The integration tests: a build, the preview held in memory, the output's
// marker file.
pub use build::{BuildOptions, Silent, build};
pub use serve::preview::{Change, Lookup, Preview};
pub use write::MARKER;

// The integration tests and the fuzz targets: the readers of office files.
pub use import::{ImportError, ReadReport, read_report, read_sheet};

// The fuzz targets: the parsers of what people write.
pub use i18n::{Language, Strings};
pub use markdown::{Labels, render as render_report, render_inline};
pub use target::{
    Amount, Claim, Exact, Figure, Observation, ParseError, Reading, assess, compatible,
    margin_text, mismatch, parse_figure, parse_period, parse_stated, parse_target,
};
