//! `ketqua serve`: builds the site into memory, serves it over HTTP on
//! loopback, watches the files it is made from, rebuilds what changed and
//! tells open pages to reload.

pub mod preview;
