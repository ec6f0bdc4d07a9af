//! The spreadsheet reader (`ketqua import figures`): .xlsx, .xls and .ods
//! through calamine, after the zip's caps, and CSV (an input whose first
//! byte is even). Never panics, never hangs.
#![no_main]

use ketqua::read_sheet;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let name = if first % 2 == 0 {
        "figures.csv"
    } else {
        "figures.xlsx"
    };
    let _ = read_sheet(name, rest.to_vec());
});
