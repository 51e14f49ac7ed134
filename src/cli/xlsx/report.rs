//! The report workbook (`rubric eval … --format xlsx`).

use crate::report::Report;
use rust_xlsxwriter::{Workbook, XlsxError};

/// The report as a workbook.
pub fn workbook(report: &Report) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.write_string(0, 0, &report.subject)?;
    book.save_to_buffer()
}
