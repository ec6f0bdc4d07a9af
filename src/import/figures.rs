//! Figures of many units from a spreadsheet (.xlsx, .ods, .csv).

use std::path::PathBuf;

use super::ImportError;

/// What `import figures` is asked to do.
#[derive(Debug, Clone)]
pub(crate) struct FiguresOptions {
    pub root: PathBuf,
    pub file: PathBuf,
    pub sheet: Option<String>,
    pub write: bool,
}

/// What `import figures` found.
#[derive(Debug, Default)]
pub(crate) struct FiguresOutcome {
    pub changes: Vec<String>,
    pub errors: Vec<ImportError>,
    pub written: Vec<PathBuf>,
}

/// `ketqua import figures`.
pub(crate) fn import_figures(options: &FiguresOptions) -> Result<FiguresOutcome, ImportError> {
    super::site_root(&options.root)?;
    Err(ImportError::new(&options.file, "not yet"))
}
