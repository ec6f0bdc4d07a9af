//! Integration tests: run the real `ketqua` binary on fixture sites in
//! temporary folders and assert on what it prints and writes.

mod bad_input;
mod build;
mod consistency;
mod crash;
mod diagnostics;
mod example;
mod export;
mod golden;
mod i18n;
mod import;
mod incremental;
mod init;
mod layers;
mod links;
mod messages;
mod public;
mod rounds;
mod search;
mod serve;
mod support;
mod symlinks;
