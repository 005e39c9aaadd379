//! Shared pieces of Tandem's fuzz targets: module generation and the
//! differential oracle (Tandem's interpreter against wasmi).

pub mod generate;
pub mod oracle;
