//! `rubric eval RUBRIC --batch INPUT`: many inspections in one run.
//!
//! INPUT is a JSON Lines file (one findings object per line, blank lines
//! skipped, `-` for standard input) or a directory of findings files taken in
//! file-name order. The batch is streamed: a bounded window of inspections is
//! read, evaluated in parallel, written out in input order, and only then is
//! the next window read, so memory does not grow with the number of
//! inspections. The aggregate keeps one running total per distinct clause,
//! owner and grade.
//!
//! An inspection that fails (text that is not JSON, findings that do not fit
//! the rubric, a file that cannot be read) is reported on stderr with its line
//! number or file name and every error, and as a failed row; the batch goes
//! on. Nothing is skipped silently: every non-blank line and every `.json`
//! file is one row.

use super::Outcome;
use crate::eval;
use crate::report::Report;
use crate::Rubric;
use rayon::prelude::*;
use rust_decimal::Decimal;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// How the summary table is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum SummaryFormat {
    /// Aligned columns for the terminal, then the aggregate.
    #[default]
    Text,
    /// One row per inspection with a header row; the aggregate goes to `--out`.
    Csv,
    /// A Markdown table, then the aggregate as Markdown tables.
    Markdown,
    /// One JSON object per inspection, then one `{"aggregate": …}` line.
    Jsonl,
}

/// Options of a batch run.
#[derive(Debug, Clone)]
pub struct BatchOptions {
    /// How the summary is written.
    pub format: SummaryFormat,
    /// When set, one full JSON report per scored inspection, and the
    /// aggregate as `aggregate.json`, are written into this directory.
    pub out: Option<PathBuf>,
    /// The most inspections held in memory at once.
    pub window: usize,
    /// The most bytes of findings text held in memory at once (a window
    /// closes early when its lines reach this size).
    pub window_bytes: usize,
    /// How many of its largest deductions a row shows.
    pub largest: usize,
    /// How many clauses and owners the text and Markdown aggregate show.
    pub top: usize,
    /// Where the files of `out` are written until the run is complete
    /// (then the folder is renamed to `out`); `None` writes into `out`.
    pub staging: Option<PathBuf>,
    /// Start a CSV summary with a UTF-8 byte-order mark, so that Excel and
    /// WPS read its Chinese as UTF-8.
    pub bom: bool,
}

/// The longest line a JSON Lines batch reads (16 MiB); a longer line fails
/// alone, as its row, and the batch goes on.
pub const MAX_LINE_BYTES: usize = 16 << 20;

impl Default for BatchOptions {
    fn default() -> BatchOptions {
        BatchOptions {
            format: SummaryFormat::Text,
            out: None,
            window: 2048,
            window_bytes: 64 << 20,
            largest: 3,
            top: 10,
            staging: None,
            bom: true,
        }
    }
}

/// What the summary needs from one scored inspection.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    /// The inspected subject.
    pub subject: String,
    /// The final score, rounded as the rubric says.
    pub score: Decimal,
    /// Total less score.
    pub lost: Decimal,
    /// The grade's id and label, when the rubric has grades.
    pub grade: Option<(String, String)>,
    /// Every non-zero clause deduction as `ITEM/CLAUSE` and its amount
    /// (after the clause's own cap, before the item cap), in rubric order.
    pub deductions: Vec<(String, Decimal)>,
    /// Points lost per owner, as the report's `by_owner` gives them.
    pub by_owner: Vec<(String, Decimal)>,
    /// The ids of the triggered vetoes.
    pub vetoes: Vec<String>,
    /// The full JSON report, when `--out` asked for it.
    pub report_json: Option<String>,
}

/// The batch's view of a report: what the summary row and the aggregate
/// need, and the full JSON report when `report_json` is true.
pub fn scored(report: &Report, report_json: bool) -> Scored {
    Scored {
        subject: report.subject.clone(),
        score: report.score,
        lost: report
            .total
            .checked_sub(report.score)
            .unwrap_or(Decimal::ZERO),
        grade: report
            .grade
            .as_ref()
            .map(|grade| (grade.id.to_owned(), grade.label.to_owned())),
        deductions: report
            .deductions()
            .filter(|located| !located.deduction.amount.is_zero())
            .map(|located| {
                (
                    format!("{}/{}", located.item, located.deduction.clause),
                    located.deduction.amount,
                )
            })
            .collect(),
        by_owner: report
            .by_owner
            .iter()
            .map(|owner| (owner.owner.to_owned(), owner.lost))
            .collect(),
        vetoes: report
            .vetoes
            .iter()
            .map(|veto| veto.id.to_owned())
            .collect(),
        report_json: report_json.then(|| report.to_json()),
    }
}

/// Evaluates one findings text against `rubric` for [`run_batch`]: the
/// summary, or every error of the findings.
pub fn evaluator(
    rubric: &Rubric,
    options: eval::Options,
) -> impl Fn(&str, bool) -> Result<Scored, Vec<Problem>> + Sync + '_ {
    move |text, report_json| match rubric.evaluate_json(text, &options) {
        Ok(report) => Ok(scored(&report, report_json)),
        Err(errors) => Err(errors
            .iter()
            .map(|error| Problem {
                location: (error.location != eval::Location::Document)
                    .then(|| error.location.to_string()),
                message: error.message.clone(),
                help: error.help.clone(),
            })
            .collect()),
    }
}

/// The rubric's grades as (id, label), best first, for the aggregate.
pub fn grade_names(rubric: &Rubric) -> Vec<(String, String)> {
    rubric
        .grades()
        .iter()
        .map(|grade| (grade.id.name.clone(), grade.label.value.clone()))
        .collect()
}

/// One reason an inspection failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where in the findings (`findings[3].count`), when it is about one place.
    pub location: Option<String>,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Problem {
    /// A problem with the inspection as a whole.
    pub fn new(message: impl Into<String>) -> Problem {
        Problem {
            location: None,
            message: message.into(),
            help: None,
        }
    }

    /// The stderr lines, as `rubric eval` writes them:
    /// `SOURCE: LOCATION: error: MESSAGE`, then `  = help: …`.
    fn error_lines(&self, source: &str) -> String {
        let mut text = format!("{source}: ");
        if let Some(location) = &self.location {
            let _ = write!(text, "{location}: ");
        }
        let _ = write!(text, "error: {}", self.message);
        if let Some(help) = &self.help {
            let _ = write!(text, "\n  = help: {help}");
        }
        text
    }

    /// One line for a summary row: `LOCATION: MESSAGE (help: …)`.
    fn summary(&self) -> String {
        let mut text = String::new();
        if let Some(location) = &self.location {
            let _ = write!(text, "{location}: ");
        }
        text.push_str(&self.message);
        if let Some(help) = &self.help {
            let _ = write!(text, " (help: {help})");
        }
        text
    }
}

/// Where an inspection came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A line of a JSON Lines input (1-based).
    Line {
        /// The input's display name (`<stdin>` for `-`).
        input: String,
        /// The line number.
        line: u64,
    },
    /// A file of a directory input.
    File(PathBuf),
}

impl Source {
    /// `stream.jsonl:12` or `dir/a.json`, the prefix of error lines.
    pub fn display(&self) -> String {
        match self {
            Source::Line { input, line } => format!("{input}:{line}"),
            Source::File(path) => path.display().to_string(),
        }
    }
}

/// What is known of an inspection before it is evaluated.
#[derive(Debug)]
pub enum Content {
    /// The findings text (one line).
    Text(String),
    /// A findings file, read by the worker that evaluates it.
    File(PathBuf),
    /// The input could not be read as text.
    Unreadable(String),
}

/// One inspection of the input.
#[derive(Debug)]
pub struct Record {
    /// 1-based position among the inspections (blank lines do not count).
    pub number: u64,
    /// Where it came from.
    pub source: Source,
    /// Its findings.
    pub content: Content,
}

impl Record {
    fn size(&self) -> usize {
        match &self.content {
            Content::Text(text) => text.len(),
            _ => 0,
        }
    }
}

/// How a batch ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Inspections read.
    pub inspections: u64,
    /// Inspections scored.
    pub scored: u64,
    /// Inspections that failed.
    pub failed: u64,
    /// True when a report file could not be written.
    pub io_error: bool,
    /// True when standard output closed before the summary was written whole.
    pub output_closed: bool,
    /// Why the aggregate was refused: a sum past the exact range.
    pub aggregate_refused: Option<String>,
}

/// The inspections of a JSON Lines stream: one per non-blank line.
pub struct LineRecords<R> {
    reader: R,
    input: String,
    line: u64,
    number: u64,
    bytes_read: u64,
    buffer: Vec<u8>,
    max_line: usize,
    /// Whether the last line read ended with `\n` (not the end of input).
    line_ended: bool,
}

impl<R: BufRead> LineRecords<R> {
    /// Reads lines of at most `max_line` bytes (default [`MAX_LINE_BYTES`]);
    /// a longer line becomes a failed row and is skipped without being held.
    pub fn with_max_line(mut self, max_line: usize) -> LineRecords<R> {
        self.max_line = max_line;
        self
    }

    /// Reads one line into the buffer, keeping at most `max_line + 1`
    /// bytes of it: the length of the whole line, and whether it ended.
    fn read_line(&mut self) -> io::Result<usize> {
        let mut length = 0;
        self.line_ended = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                return Ok(length);
            }
            let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
                Some(at) => (available.get(..=at).unwrap_or(available), true),
                None => (available, false),
            };
            let room = (self.max_line + 1).saturating_sub(self.buffer.len());
            self.buffer
                .extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or_default());
            let used = chunk.len();
            length += used;
            self.reader.consume(used);
            if done {
                self.line_ended = true;
                return Ok(length);
            }
        }
    }
    /// Reads `reader`; `input` is its name in error lines.
    pub fn new(reader: R, input: impl Into<String>) -> LineRecords<R> {
        LineRecords {
            reader,
            input: input.into(),
            line: 0,
            number: 0,
            bytes_read: 0,
            buffer: Vec::new(),
            max_line: MAX_LINE_BYTES,
            line_ended: false,
        }
    }

    /// Bytes consumed so far, for the progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }
}

impl<R: BufRead> Iterator for LineRecords<R> {
    type Item = io::Result<Record>;

    fn next(&mut self) -> Option<io::Result<Record>> {
        loop {
            self.buffer.clear();
            let read = match self.read_line() {
                Ok(0) => return None,
                Ok(read) => read,
                Err(e) => return Some(Err(e)),
            };
            self.bytes_read += read as u64;
            self.line += 1;
            if self.buffer.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            self.number += 1;
            let source = Source::Line {
                input: self.input.clone(),
                line: self.line,
            };
            let length = read.saturating_sub(usize::from(self.line_ended));
            let content = if length > self.max_line {
                Content::Unreadable(format!(
                    "the line is {length} bytes long, more than the limit of {} bytes for one inspection",
                    self.max_line
                ))
            } else {
                match std::str::from_utf8(&self.buffer) {
                    Ok(text) => Content::Text(text.trim_end_matches(['\n', '\r']).to_owned()),
                    Err(e) => Content::Unreadable(format!(
                        "the line is not UTF-8 text (invalid byte at column {})",
                        e.valid_up_to() + 1
                    )),
                }
            };
            return Some(Ok(Record {
                number: self.number,
                source,
                content,
            }));
        }
    }
}

/// The `.json` files of a directory, sorted by file name, and the names of
/// the entries that are left out (so that they can be reported).
pub fn directory_files(dir: &Path) -> io::Result<(Vec<PathBuf>, Vec<String>)> {
    let mut files = Vec::new();
    let mut left_out = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let is_json = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json"));
        if is_json && path.is_file() {
            files.push(path);
        } else {
            left_out.push(entry.file_name().to_string_lossy().into_owned());
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    left_out.sort();
    Ok((files, left_out))
}

/// The inspections of a list of files, one per file.
pub fn file_records(files: Vec<PathBuf>) -> impl Iterator<Item = io::Result<Record>> {
    files.into_iter().zip(1..).map(|(path, number)| {
        Ok(Record {
            number,
            source: Source::File(path.clone()),
            content: Content::File(path),
        })
    })
}

/// One inspection after evaluation, ready to be written in order.
struct Processed {
    number: u64,
    source: Source,
    result: Result<Scored, Vec<Problem>>,
    report_path: Option<PathBuf>,
    io_error: bool,
}

/// Set when Ctrl-C or SIGTERM stops the run: no report is written after it.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Where report files go: written into `write`, shown as in `show`.
#[derive(Clone, Copy)]
struct ReportDir<'a> {
    write: &'a Path,
    show: &'a Path,
}

fn process<E>(record: Record, evaluate: &E, out: Option<ReportDir<'_>>) -> Processed
where
    E: Fn(&str, bool) -> Result<Scored, Vec<Problem>> + Sync,
{
    let Record {
        number,
        source,
        content,
    } = record;
    let text = match content {
        Content::Text(text) => Ok(text),
        Content::File(path) => super::read_input(&path).map_err(|message| {
            vec![Problem::new(
                message.strip_prefix("error: ").unwrap_or(&message),
            )]
        }),
        Content::Unreadable(message) => Err(vec![Problem::new(message)]),
    };
    let mut result = text.and_then(|text| evaluate(&text, out.is_some()));
    let mut report_path = None;
    let mut io_error = false;
    if INTERRUPTED.load(Ordering::SeqCst) {
        return Processed {
            number,
            source,
            result,
            report_path: None,
            io_error: false,
        };
    }
    if let (Ok(scored), Some(dir)) = (&mut result, out) {
        if let Some(json) = scored.report_json.take() {
            let name = report_file_name(number, &scored.subject);
            let path = dir.write.join(&name);
            // The folder is renamed into place only when the run is whole,
            // so a file cut short by a full disk is never seen.
            match std::fs::write(&path, json) {
                Ok(()) => report_path = Some(dir.show.join(name)),
                Err(e) => {
                    io_error = true;
                    result = Err(vec![Problem::new(format!(
                        "cannot write `{}`: {e}",
                        path.display()
                    ))]);
                }
            }
        }
    }
    Processed {
        number,
        source,
        result,
        report_path,
        io_error,
    }
}

/// `0001-临泽县.json`: the inspection number keeps names unique and in input
/// order; the subject is reduced to letters, digits, `-` and `_`.
pub fn report_file_name(number: u64, subject: &str) -> String {
    let mut safe = String::new();
    for c in subject.chars().take(60) {
        if c.is_alphanumeric() || c == '-' || c == '_' {
            safe.push(c);
        } else if !safe.ends_with('_') {
            safe.push('_');
        }
    }
    let safe = safe.trim_matches('_');
    if safe.is_empty() {
        format!("{number:04}.json")
    } else {
        format!("{number:04}-{safe}.json")
    }
}

/// Runs a batch: reads `records` a window at a time, evaluates each window in
/// parallel on the current rayon pool, and writes rows to `out` and errors to
/// `errors` in input order; then writes the aggregate. `progress` is called
/// after each window with the number of inspections done so far.
pub fn run_batch<E>(
    records: &mut dyn Iterator<Item = io::Result<Record>>,
    evaluate: &E,
    grades: &[(String, String)],
    options: &BatchOptions,
    out: &mut dyn Write,
    errors: &mut dyn FnMut(&str),
    progress: &mut dyn FnMut(&Totals),
) -> io::Result<Totals>
where
    E: Fn(&str, bool) -> Result<Scored, Vec<Problem>> + Sync,
{
    let mut totals = Totals::default();
    let mut aggregate = Aggregate::new(grades);
    let writer = SummaryWriter { options };
    let mut sink = Sink { out, closed: false };
    let out = &mut sink;
    writer.header(out)?;
    let report_dir = options.out.as_deref().map(|show| ReportDir {
        write: options.staging.as_deref().unwrap_or(show),
        show,
    });
    let mut window = Vec::with_capacity(options.window.min(4096));
    loop {
        window.clear();
        let mut bytes = 0;
        while window.len() < options.window.max(1) && bytes < options.window_bytes {
            match records.next() {
                Some(record) => {
                    let record = record?;
                    bytes += record.size();
                    window.push(record);
                }
                None => break,
            }
        }
        if window.is_empty() {
            break;
        }
        let processed: Vec<Processed> = window
            .par_drain(..)
            .map(|record| process(record, evaluate, report_dir))
            .collect();
        for done in processed {
            totals.inspections += 1;
            totals.io_error |= done.io_error;
            match &done.result {
                Ok(scored) => {
                    totals.scored += 1;
                    aggregate.add(scored);
                }
                Err(messages) => {
                    totals.failed += 1;
                    let source = done.source.display();
                    for problem in messages {
                        errors(&problem.error_lines(&source));
                    }
                }
            }
            writer.row(out, &done)?;
        }
        out.flush()?;
        progress(&totals);
        // Without report files there is nothing left to do for a reader
        // that went away; with them, the reports and aggregate are finished.
        if out.closed && report_dir.is_none() {
            totals.output_closed = true;
            return Ok(totals);
        }
    }
    totals.aggregate_refused = aggregate
        .beyond
        .get()
        .map(|(what, a, b)| format!("{what}: {}", crate::exact::out_of_range(a, '+', b)));
    if totals.aggregate_refused.is_none() {
        writer.footer(out, &aggregate, &totals)?;
        if let Some(dir) = report_dir {
            let json = aggregate.to_json(&totals, usize::MAX).to_string();
            let path = dir.write.join("aggregate.json");
            std::fs::write(&path, json + "\n").map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "cannot write `{}`: {e}",
                        dir.show.join("aggregate.json").display()
                    ),
                )
            })?;
        }
    }
    out.flush()?;
    totals.output_closed = out.closed;
    Ok(totals)
}

/// The summary's stream: once the reader has gone (a closed pipe), what
/// is left is dropped and noted, so that report files can still be finished.
struct Sink<'a> {
    out: &'a mut dyn Write,
    closed: bool,
}

impl Write for Sink<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.closed {
            return Ok(buf.len());
        }
        match self.out.write(buf) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(buf.len())
            }
            other => other,
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.closed {
            return Ok(());
        }
        match self.out.flush() {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed = true;
                Ok(())
            }
            other => other,
        }
    }
}

/// Adds exactly; the first sum past the exact range is kept in `beyond`
/// (with what it was the sum of) and the aggregate is then refused.
fn add(
    beyond: &std::cell::Cell<Option<(&'static str, Decimal, Decimal)>>,
    what: &'static str,
    sum: &mut Decimal,
    amount: Decimal,
) {
    match crate::exact::add(*sum, amount) {
        Some(next) => *sum = next,
        None => {
            if beyond.get().is_none() {
                beyond.set(Some((what, *sum, amount)));
            }
        }
    }
}

#[derive(Debug, Default, Clone)]
struct ClauseTotal {
    points: Decimal,
    triggered: u64,
}

/// Running totals across all scored inspections; one entry per distinct
/// clause, owner, grade and veto, whatever the number of inspections.
struct Aggregate {
    grades: Vec<(String, String, u64)>,
    ungraded: u64,
    clauses: HashMap<String, ClauseTotal>,
    owners: HashMap<String, Decimal>,
    vetoes: HashMap<String, u64>,
    score_sum: Decimal,
    lowest: Option<Decimal>,
    highest: Option<Decimal>,
    /// The first sum that left the exact range: what it summed, and its operands.
    beyond: std::cell::Cell<Option<(&'static str, Decimal, Decimal)>>,
}

impl Aggregate {
    fn new(grades: &[(String, String)]) -> Aggregate {
        Aggregate {
            grades: grades
                .iter()
                .map(|(id, label)| (id.clone(), label.clone(), 0))
                .collect(),
            ungraded: 0,
            clauses: HashMap::new(),
            owners: HashMap::new(),
            vetoes: HashMap::new(),
            score_sum: Decimal::ZERO,
            lowest: None,
            highest: None,
            beyond: std::cell::Cell::new(None),
        }
    }

    fn add(&mut self, scored: &Scored) {
        add(
            &self.beyond,
            "the sum of the scores",
            &mut self.score_sum,
            scored.score,
        );
        self.lowest = Some(self.lowest.map_or(scored.score, |l| l.min(scored.score)));
        self.highest = Some(self.highest.map_or(scored.score, |h| h.max(scored.score)));
        let grade = scored
            .grade
            .as_ref()
            .and_then(|(id, _)| self.grades.iter_mut().find(|g| &g.0 == id));
        match grade {
            Some(grade) => grade.2 += 1,
            None => self.ungraded += 1,
        }
        for (clause, amount) in &scored.deductions {
            // One allocation per distinct clause, not per inspection.
            let total = match self.clauses.get_mut(clause) {
                Some(total) => total,
                None => self.clauses.entry(clause.clone()).or_default(),
            };
            add(
                &self.beyond,
                "the points lost to a clause",
                &mut total.points,
                *amount,
            );
            total.triggered += 1;
        }
        for (owner, amount) in &scored.by_owner {
            let total = match self.owners.get_mut(owner) {
                Some(total) => total,
                None => self.owners.entry(owner.clone()).or_default(),
            };
            add(&self.beyond, "the points lost by an owner", total, *amount);
        }
        for veto in &scored.vetoes {
            match self.vetoes.get_mut(veto) {
                Some(count) => *count += 1,
                None => {
                    self.vetoes.insert(veto.clone(), 1);
                }
            }
        }
    }

    fn mean(&self, scored: u64) -> Option<Decimal> {
        let mean = self.score_sum.checked_div(Decimal::from(scored))?;
        Some(
            mean.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
                .normalize(),
        )
    }

    /// Clauses by points lost, most first; ties in id order.
    fn clauses_ranked(&self) -> Vec<(&String, &ClauseTotal)> {
        let mut list: Vec<_> = self.clauses.iter().collect();
        list.sort_by(|a, b| b.1.points.cmp(&a.1.points).then_with(|| a.0.cmp(b.0)));
        list
    }

    /// Owners by points lost, most first; ties in name order.
    fn owners_ranked(&self) -> Vec<(&String, &Decimal)> {
        let mut list: Vec<_> = self.owners.iter().collect();
        list.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        list
    }

    fn vetoes_ranked(&self) -> Vec<(&String, &u64)> {
        let mut list: Vec<_> = self.vetoes.iter().collect();
        list.sort_by(|a, b| b.1.cmp(a.1).then_with(|| a.0.cmp(b.0)));
        list
    }

    fn to_json(&self, totals: &Totals, top: usize) -> serde_json::Value {
        use serde_json::json;
        let decimal = |d: Option<Decimal>| d.map(|d| d.normalize().to_string());
        let mut grades: Vec<_> = self
            .grades
            .iter()
            .map(|(id, label, count)| json!({"grade": id, "label": label, "count": count}))
            .collect();
        if self.ungraded > 0 {
            grades.push(json!({"grade": null, "label": null, "count": self.ungraded}));
        }
        json!({
            "aggregate": {
                "inspections": totals.inspections,
                "scored": totals.scored,
                "failed": totals.failed,
                "score": {
                    // The exact sum lets aggregates of shards be merged.
                    "sum": decimal(Some(self.score_sum)),
                    "mean": decimal(self.mean(totals.scored)),
                    "lowest": decimal(self.lowest),
                    "highest": decimal(self.highest),
                },
                "grades": grades,
                "clauses": self.clauses_ranked().into_iter().take(top).map(|(clause, t)| json!({
                    "clause": clause,
                    "points": t.points.normalize().to_string(),
                    "triggered": t.triggered,
                })).collect::<Vec<_>>(),
                "owners": self.owners_ranked().into_iter().take(top).map(|(owner, points)| json!({
                    "owner": owner,
                    "points": points.normalize().to_string(),
                })).collect::<Vec<_>>(),
                "vetoes": self.vetoes_ranked().into_iter().map(|(veto, count)| json!({
                    "veto": veto,
                    "triggered": count,
                })).collect::<Vec<_>>(),
            }
        })
    }
}

/// Writes the summary table in the chosen format, one row at a time.
struct SummaryWriter<'a> {
    options: &'a BatchOptions,
}

const TEXT_SUBJECT_WIDTH: usize = 20;

impl SummaryWriter<'_> {
    fn header(&self, out: &mut dyn Write) -> io::Result<()> {
        match self.options.format {
            SummaryFormat::Text => writeln!(
                out,
                "{:>6}  {}  {:>8}  {}  {:>8}  largest deductions",
                "#",
                pad("subject", TEXT_SUBJECT_WIDTH),
                "score",
                pad("grade", 8),
                "lost"
            ),
            SummaryFormat::Csv => writeln!(
                out,
                "{}number,source,status,subject,score,grade,lost,largest_deductions,errors",
                if self.options.bom { "\u{feff}" } else { "" }
            ),
            SummaryFormat::Markdown => writeln!(
                out,
                "| # | subject | score | grade | lost | largest deductions |\n|--:|---|--:|---|--:|---|"
            ),
            SummaryFormat::Jsonl => Ok(()),
        }
    }

    fn largest(&self, scored: &Scored) -> Vec<(String, Decimal)> {
        let mut list: Vec<(String, Decimal)> = scored.deductions.clone();
        // Stable: equal amounts keep rubric order.
        list.sort_by_key(|d| std::cmp::Reverse(d.1));
        list.truncate(self.options.largest);
        list
    }

    fn row(&self, out: &mut dyn Write, done: &Processed) -> io::Result<()> {
        let source = done.source.display();
        match (&done.result, self.options.format) {
            (Ok(scored), SummaryFormat::Jsonl) => {
                let largest: Vec<_> = self
                    .largest(scored)
                    .into_iter()
                    .map(|(clause, amount)| serde_json::json!({"clause": clause, "amount": amount.normalize().to_string()}))
                    .collect();
                let mut row = serde_json::json!({
                    "number": done.number,
                    "source": source,
                    "status": "scored",
                    "subject": scored.subject,
                    "score": scored.score.to_string(),
                    "grade": scored.grade.as_ref().map(|g| &g.0),
                    "grade_label": scored.grade.as_ref().map(|g| &g.1),
                    "lost": scored.lost.to_string(),
                    "largest_deductions": largest,
                });
                if let (Some(path), Some(map)) = (&done.report_path, row.as_object_mut()) {
                    map.insert("report".into(), path.display().to_string().into());
                }
                writeln!(out, "{row}")
            }
            (Err(messages), SummaryFormat::Jsonl) => {
                let errors: Vec<String> = messages.iter().map(Problem::summary).collect();
                let row = serde_json::json!({
                    "number": done.number,
                    "source": source,
                    "status": "failed",
                    "errors": errors,
                });
                writeln!(out, "{row}")
            }
            (Ok(scored), format) => {
                let largest = self
                    .largest(scored)
                    .iter()
                    .map(|(clause, amount)| format!("{clause} −{}", amount.normalize()))
                    .collect::<Vec<_>>()
                    .join(", ");
                let grade = scored.grade.as_ref().map_or("", |g| g.1.as_str());
                match format {
                    SummaryFormat::Csv => writeln!(
                        out,
                        "{},{},scored,{},{},{},{},{},",
                        done.number,
                        csv(&source),
                        csv(&scored.subject),
                        scored.score,
                        csv(grade),
                        scored.lost,
                        csv(&largest)
                    ),
                    SummaryFormat::Markdown => writeln!(
                        out,
                        "| {} | {} | {} | {} | {} | {} |",
                        done.number,
                        markdown(&scored.subject),
                        scored.score,
                        markdown(grade),
                        scored.lost,
                        markdown(&largest)
                    ),
                    _ => writeln!(
                        out,
                        "{:>6}  {}  {:>8}  {}  {:>8}  {}",
                        done.number,
                        pad(&scored.subject, TEXT_SUBJECT_WIDTH),
                        scored.score.to_string(),
                        pad(grade, 8),
                        scored.lost.to_string(),
                        largest
                    ),
                }
            }
            (Err(messages), format) => {
                let first = messages.first().map(Problem::summary).unwrap_or_default();
                let summary = match messages.len() {
                    0 | 1 => first,
                    n => format!("{first} (and {} more)", n - 1),
                };
                match format {
                    SummaryFormat::Csv => writeln!(
                        out,
                        "{},{},failed,,,,,,{}",
                        done.number,
                        csv(&source),
                        csv(&messages
                            .iter()
                            .map(Problem::summary)
                            .collect::<Vec<_>>()
                            .join("\n"))
                    ),
                    SummaryFormat::Markdown => writeln!(
                        out,
                        "| {} | {} | | **failed** | | {} |",
                        done.number,
                        markdown(&source),
                        markdown(&summary)
                    ),
                    _ => writeln!(
                        out,
                        "{:>6}  {}  {:>8}  {}  {:>8}  {}",
                        done.number,
                        pad(&source, TEXT_SUBJECT_WIDTH),
                        "-",
                        pad("failed", 8),
                        "-",
                        summary
                    ),
                }
            }
        }
    }

    fn footer(
        &self,
        out: &mut dyn Write,
        aggregate: &Aggregate,
        totals: &Totals,
    ) -> io::Result<()> {
        let top = self.options.top;
        match self.options.format {
            SummaryFormat::Csv => Ok(()),
            SummaryFormat::Jsonl => writeln!(out, "{}", aggregate.to_json(totals, usize::MAX)),
            SummaryFormat::Text => out.write_all(text_aggregate(aggregate, totals, top).as_bytes()),
            SummaryFormat::Markdown => {
                out.write_all(markdown_aggregate(aggregate, totals, top).as_bytes())
            }
        }
    }
}

fn share(count: u64, of: u64) -> String {
    if of == 0 {
        return "-".to_owned();
    }
    let percent = Decimal::from(count) * Decimal::ONE_HUNDRED / Decimal::from(of);
    format!(
        "{}%",
        percent.round_dp_with_strategy(1, rust_decimal::RoundingStrategy::MidpointAwayFromZero)
    )
}

fn score_line(aggregate: &Aggregate, totals: &Totals) -> String {
    let show = |d: Option<Decimal>| d.map_or("-".to_owned(), |d| d.to_string());
    format!(
        "mean {}, lowest {}, highest {}",
        show(aggregate.mean(totals.scored)),
        show(aggregate.lowest),
        show(aggregate.highest)
    )
}

fn text_aggregate(aggregate: &Aggregate, totals: &Totals, top: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\naggregate: {} inspections, {} scored, {} failed",
        totals.inspections, totals.scored, totals.failed
    );
    let _ = writeln!(text, "score: {}", score_line(aggregate, totals));
    text.push_str("\ngrades:\n");
    for (id, label, count) in &aggregate.grades {
        let _ = writeln!(
            text,
            "  {}  {:>8}  {:>6}",
            pad(&format!("{label} ({id})"), 24),
            count,
            share(*count, totals.scored)
        );
    }
    if aggregate.ungraded > 0 {
        let _ = writeln!(
            text,
            "  {}  {:>8}",
            pad("(no grade)", 24),
            aggregate.ungraded
        );
    }
    let clauses = aggregate.clauses_ranked();
    let _ = writeln!(
        text,
        "\nclauses that cost the most points ({} of {}; after clause caps, before item caps):",
        clauses.len().min(top),
        clauses.len()
    );
    let _ = writeln!(
        text,
        "  {}  {:>10}  {:>9}",
        pad("clause", 16),
        "points",
        "triggered"
    );
    for (clause, total) in clauses.into_iter().take(top) {
        let _ = writeln!(
            text,
            "  {}  {:>10}  {:>9}",
            pad(clause, 16),
            total.points.normalize().to_string(),
            total.triggered
        );
    }
    let owners = aggregate.owners_ranked();
    let _ = writeln!(
        text,
        "\npoints lost per owner ({} of {}):",
        owners.len().min(top),
        owners.len()
    );
    for (owner, points) in owners.into_iter().take(top) {
        let _ = writeln!(
            text,
            "  {}  {:>10}",
            pad(owner, 24),
            points.normalize().to_string()
        );
    }
    let vetoes = aggregate.vetoes_ranked();
    if !vetoes.is_empty() {
        text.push_str("\nvetoes triggered:\n");
        for (veto, count) in vetoes {
            let _ = writeln!(text, "  {}  {:>8}", pad(veto, 24), count);
        }
    }
    text
}

fn markdown_aggregate(aggregate: &Aggregate, totals: &Totals, top: usize) -> String {
    let mut text = String::new();
    let _ = writeln!(
        text,
        "\n## Aggregate\n\n{} inspections, {} scored, {} failed. Score: {}.",
        totals.inspections,
        totals.scored,
        totals.failed,
        score_line(aggregate, totals)
    );
    text.push_str("\n| grade | inspections | share |\n|---|--:|--:|\n");
    for (id, label, count) in &aggregate.grades {
        let _ = writeln!(
            text,
            "| {} ({}) | {} | {} |",
            markdown(label),
            markdown(id),
            count,
            share(*count, totals.scored)
        );
    }
    if aggregate.ungraded > 0 {
        let _ = writeln!(text, "| (no grade) | {} | |", aggregate.ungraded);
    }
    text.push_str(
        "\nClauses that cost the most points (after clause caps, before item caps):\n\n\
         | clause | points | triggered |\n|---|--:|--:|\n",
    );
    for (clause, total) in aggregate.clauses_ranked().into_iter().take(top) {
        let _ = writeln!(
            text,
            "| {} | {} | {} |",
            markdown(clause),
            total.points.normalize(),
            total.triggered
        );
    }
    text.push_str("\nPoints lost per owner:\n\n| owner | points |\n|---|--:|\n");
    for (owner, points) in aggregate.owners_ranked().into_iter().take(top) {
        let _ = writeln!(text, "| {} | {} |", markdown(owner), points.normalize());
    }
    let vetoes = aggregate.vetoes_ranked();
    if !vetoes.is_empty() {
        text.push_str("\n| veto | triggered |\n|---|--:|\n");
        for (veto, count) in vetoes {
            let _ = writeln!(text, "| {} | {} |", markdown(veto), count);
        }
    }
    text
}

/// A CSV field, quoted when it needs to be. Text that a spreadsheet would
/// run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage
/// return) is written after an apostrophe, so that it is shown, not run.
fn csv(field: &str) -> String {
    let neutral;
    let field = if crate::export::csv_formula_like(field) {
        neutral = format!("'{field}");
        neutral.as_str()
    } else {
        field
    };
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// Text for a Markdown table cell.
fn markdown(cell: &str) -> String {
    cell.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// Columns a character takes in a terminal: two for CJK and other wide
/// characters, one otherwise.
fn char_width(c: char) -> usize {
    let wide = matches!(u32::from(c),
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
        | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6 | 0x20000..=0x3FFFD);
    if wide {
        2
    } else {
        1
    }
}

/// `text` padded with spaces to `width` terminal columns.
fn pad(text: &str, width: usize) -> String {
    let used: usize = text.chars().map(char_width).sum();
    let mut padded = text.to_owned();
    padded.extend(std::iter::repeat(' ').take(width.saturating_sub(used)));
    padded
}

/// A progress bar on stderr when stderr is a terminal; nothing otherwise.
pub struct Progress {
    bar: Option<indicatif::ProgressBar>,
}

impl Progress {
    /// A bar of `length` steps (`None`: a spinner), or nothing when stderr is
    /// not a terminal.
    pub fn new(length: Option<u64>, unit: &str) -> Progress {
        use std::io::IsTerminal;
        if !io::stderr().is_terminal() {
            return Progress { bar: None };
        }
        let bar = match length {
            Some(length) => {
                let bar = indicatif::ProgressBar::new(length);
                let template = format!(
                    "{{bar:40}} {{pos}}/{{len}} {unit} {{msg}} [{{elapsed_precise}}, eta {{eta}}]"
                );
                if let Ok(style) = indicatif::ProgressStyle::with_template(&template) {
                    bar.set_style(style);
                }
                bar
            }
            None => {
                let bar = indicatif::ProgressBar::new_spinner();
                if let Ok(style) =
                    indicatif::ProgressStyle::with_template("{spinner} {msg} [{elapsed_precise}]")
                {
                    bar.set_style(style);
                }
                bar
            }
        };
        Progress { bar: Some(bar) }
    }

    /// Moves the bar to `position` and shows how the batch is doing.
    pub fn update(&self, position: Option<u64>, totals: &Totals) {
        if let Some(bar) = &self.bar {
            if let Some(position) = position {
                bar.set_position(position);
            }
            bar.set_message(format!(
                "{} inspections, {} failed",
                totals.inspections, totals.failed
            ));
        }
    }

    /// Prints a line on stderr without breaking the bar.
    pub fn println(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.suspend(|| errln!("{line}")),
            None => errln!("{line}"),
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The options `--batch` brings to `rubric eval`.
#[derive(Debug, Clone, clap::Args)]
pub struct BatchArgs {
    /// Evaluate many inspections: a JSON Lines file (one findings object per
    /// line; `-` reads standard input) or a directory of `.json` findings files
    /// and filled `.xlsx` workbooks.
    #[arg(long, value_name = "INPUT")]
    pub batch: Option<PathBuf>,
    /// With `--batch`: write one full JSON report per scored inspection, and
    /// `aggregate.json`, into this directory.
    /// The folder appears when the run is complete; a folder that is not
    /// empty is refused unless `--replace` is given.
    #[arg(long, value_name = "DIR", requires = "batch")]
    pub out: Option<PathBuf>,
    /// With `--out`: replace a folder that is not empty, whole, when the run
    /// is complete (its old files are removed, never mixed with new ones).
    #[arg(long, requires = "out")]
    pub replace: bool,
    /// With `--batch`: the number of threads (default: one per core).
    #[arg(long, value_name = "N", requires = "batch", value_parser = clap::value_parser!(u16).range(1..))]
    pub jobs: Option<u16>,
    /// Write CSV without the UTF-8 byte-order mark that Excel and WPS need to read Chinese.
    #[arg(long)]
    pub no_bom: bool,
}

/// `rubric eval RUBRIC --batch INPUT`.
pub fn run(
    rubric_path: &Path,
    format: SummaryFormat,
    missing: eval::Missing,
    args: &BatchArgs,
) -> Outcome {
    let Some(input) = &args.batch else {
        errln!("error: give a findings file or `--batch INPUT`");
        return Outcome::Usage;
    };
    if rubric_path == Path::new("-") && input == Path::new("-") {
        errln!("error: the rubric and the batch cannot both be read from standard input");
        return Outcome::Usage;
    }
    let rubric = match super::load_rubric(rubric_path) {
        Ok(rubric) => rubric,
        Err(outcome) => return outcome,
    };
    let staging = match &args.out {
        Some(dir) => match prepare_out(dir, args.replace) {
            Ok(staging) => Some(staging),
            Err(message) => {
                errln!("error: {message}");
                return Outcome::Usage;
            }
        },
        None => None,
    };
    // Ctrl-C or SIGTERM: say that the run stopped early, remove the partial
    // folder (`DIR` itself is never touched before the run is complete),
    // and exit 130. If no handler can be set, the signal still ends the
    // process and only the partial folder is left.
    let cleanup = staging.clone();
    let shown = args.out.clone();
    let _ = ctrlc::set_handler(move || {
        INTERRUPTED.store(true, Ordering::SeqCst);
        errln!("error: interrupted; the run stopped early and its summary is incomplete");
        if let (Some(partial), Some(dir)) = (&cleanup, &shown) {
            // A report being written as the signal came may land after a
            // first removal: try again until the folder is gone.
            for _ in 0..20 {
                let _ = std::fs::remove_dir_all(partial);
                if !partial.exists() {
                    break;
                }
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            errln!("note: nothing was written to `{}`", dir.display());
        }
        std::process::exit(130);
    });
    let options = BatchOptions {
        format,
        out: args.out.clone(),
        staging,
        bom: !args.no_bom,
        ..BatchOptions::default()
    };
    let evaluate = evaluator(&rubric, eval::Options::new().missing_external(missing));
    run_command(
        input,
        &evaluate,
        &grade_names(&rubric),
        &options,
        args.jobs.map(usize::from),
    )
}

/// The batch command: reads INPUT, evaluates every inspection with
/// `evaluate`, writes the summary to stdout and errors to stderr.
///
/// Exit code: 0 when every inspection was scored, 1 when any failed, 2 on
/// usage or I/O errors.
pub fn run_command<E>(
    input: &Path,
    evaluate: &E,
    grades: &[(String, String)],
    options: &BatchOptions,
    jobs: Option<usize>,
) -> Outcome
where
    E: Fn(&str, bool) -> Result<Scored, Vec<Problem>> + Sync,
{
    if let Some(dir) = options.staging.as_ref().or(options.out.as_ref()) {
        if let Err(e) = std::fs::create_dir_all(dir) {
            errln!("error: cannot create `{}`: {e}", dir.display());
            return Outcome::Usage;
        }
    }
    let pool = match jobs {
        Some(threads) => match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => Some(pool),
            Err(e) => {
                errln!("error: cannot start {threads} threads: {e}");
                return Outcome::Usage;
            }
        },
        None => None,
    };
    let run = || run_input(input, evaluate, grades, options);
    let outcome = match pool {
        Some(pool) => pool.install(run),
        None => run(),
    };
    match (&options.staging, &options.out) {
        (Some(staging), Some(dir)) => finish_out(staging, dir, outcome),
        _ => outcome,
    }
}

/// Checks that `--out DIR` may be written, and makes the folder the run
/// writes into until it is complete: `.DIR.partial-PID`, beside `DIR`.
fn prepare_out(dir: &Path, replace: bool) -> Result<PathBuf, String> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => {
            if entries.next().is_some() && !replace {
                return Err(format!(
                    "`{}` is not empty: this run's reports would mix with what is there\n  = help: give a new or empty folder, or `--replace` to replace the folder whole when the run is complete",
                    dir.display()
                ));
            }
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            return Err(format!(
                "cannot use `{}` as the output folder: {e}",
                dir.display()
            ))
        }
    }
    let staging = sibling(dir, "partial");
    std::fs::create_dir_all(&staging)
        .map_err(|e| format!("cannot create `{}`: {e}", staging.display()))?;
    Ok(staging)
}

/// `.NAME.WHAT-PID` in the folder that holds `dir`.
fn sibling(dir: &Path, what: &str) -> PathBuf {
    let name = dir
        .file_name()
        .map_or_else(|| "out".into(), |n| n.to_string_lossy());
    dir.with_file_name(format!(".{name}.{what}-{}", std::process::id()))
}

/// Puts the finished folder in place of `dir`, or, when the run did not
/// complete, removes it and says that nothing was written.
fn finish_out(staging: &Path, dir: &Path, outcome: Outcome) -> Outcome {
    if outcome == Outcome::Usage {
        let _ = std::fs::remove_dir_all(staging);
        errln!(
            "note: the run did not complete; nothing was written to `{}`",
            dir.display()
        );
        return outcome;
    }
    let old = sibling(dir, "old");
    let result = (|| -> Result<(), String> {
        let name = |p: &Path, e: io::Error| format!("cannot replace `{}`: {e}", p.display());
        if std::fs::remove_dir(dir).is_err() && dir.exists() {
            // Not empty: `--replace` asked for it to be replaced whole.
            std::fs::rename(dir, &old).map_err(|e| name(dir, e))?;
        }
        std::fs::rename(staging, dir).map_err(|e| name(dir, e))?;
        if old.exists() {
            std::fs::remove_dir_all(&old).map_err(|e| name(&old, e))?;
        }
        Ok(())
    })();
    match result {
        Ok(()) => outcome,
        Err(message) => {
            errln!("error: {message}");
            Outcome::Usage
        }
    }
}

fn run_input<E>(
    input: &Path,
    evaluate: &E,
    grades: &[(String, String)],
    options: &BatchOptions,
) -> Outcome
where
    E: Fn(&str, bool) -> Result<Scored, Vec<Problem>> + Sync,
{
    let stdout = io::stdout();
    // Not locked for the whole run: an interrupt exits the process, and
    // exiting flushes standard output, which must then be free to lock.
    let mut out = io::BufWriter::with_capacity(1 << 16, stdout);
    let result = if input == Path::new("-") {
        let progress = Progress::new(None, "");
        let mut records = LineRecords::new(io::stdin().lock(), "<stdin>");
        let result = run_batch(
            &mut records,
            evaluate,
            grades,
            options,
            &mut out,
            &mut |line| progress.println(line),
            &mut |totals| progress.update(None, totals),
        );
        progress.finish();
        result
    } else if input.is_dir() {
        let (files, left_out) = match directory_files(input) {
            Ok(listing) => listing,
            Err(e) => {
                errln!(
                    "error: cannot read the directory `{}`: {e}",
                    input.display()
                );
                return Outcome::Usage;
            }
        };
        if !left_out.is_empty() {
            errln!(
                "note: {} entries of `{}` are not `.json` files and were not read: {}",
                left_out.len(),
                input.display(),
                left_out.join(", ")
            );
        }
        let progress = Progress::new(Some(files.len() as u64), "files");
        let mut records = file_records(files);
        let result = run_batch(
            &mut records,
            evaluate,
            grades,
            options,
            &mut out,
            &mut |line| progress.println(line),
            &mut |totals| progress.update(Some(totals.inspections), totals),
        );
        progress.finish();
        result
    } else {
        let file = match std::fs::File::open(input) {
            Ok(file) => file,
            Err(e) => {
                errln!("error: cannot read `{}`: {e}", input.display());
                return Outcome::Usage;
            }
        };
        let length = file.metadata().ok().map(|m| m.len());
        let progress = Progress::new(length, "bytes");
        let mut records = LineRecords::new(
            io::BufReader::with_capacity(1 << 16, file),
            super::display_name(input),
        );
        let position = std::cell::Cell::new(0);
        let result = {
            let mut counted = std::iter::from_fn(|| {
                let next = records.next();
                position.set(records.bytes_read());
                next
            });
            run_batch(
                &mut counted,
                evaluate,
                grades,
                options,
                &mut out,
                &mut |line| progress.println(line),
                &mut |totals| progress.update(Some(position.get()), totals),
            )
        };
        progress.finish();
        result
    };
    match result {
        Ok(totals) if totals.output_closed => {
            let reports = if options.out.is_some() {
                "; the report files and the aggregate were written whole"
            } else {
                ""
            };
            errln!(
                "error: standard output was closed after {} of the inspections; the summary stopped early{reports}",
                totals.inspections
            );
            Outcome::Failure
        }
        Ok(totals) if totals.io_error => Outcome::Usage,
        Ok(totals) if totals.aggregate_refused.is_some() => {
            errln!(
                "error: the aggregate is refused, its figures would not be exact: {}",
                totals.aggregate_refused.unwrap_or_default()
            );
            Outcome::Failure
        }
        Ok(totals) if totals.failed > 0 => Outcome::Failure,
        Ok(_) => Outcome::Success,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
            errln!("error: standard output was closed; the run stopped early");
            Outcome::Failure
        }
        Err(e) => {
            errln!("error: {e}");
            Outcome::Usage
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        text.parse().unwrap_or_default()
    }

    /// A stand-in evaluator: `{"s": SUBJECT, "d": [[CLAUSE, AMOUNT], …]}`
    /// scores 10 less the amounts; anything else fails.
    fn fake(text: &str, _report: bool) -> Result<Scored, Vec<Problem>> {
        let value: serde_json::Value =
            serde_json::from_str(text).map_err(|e| vec![Problem::new(format!("not JSON: {e}"))])?;
        let subject = value["s"]
            .as_str()
            .ok_or(vec![Problem::new("no subject")])?;
        let mut deductions = Vec::new();
        let mut lost = Decimal::ZERO;
        for pair in value["d"].as_array().into_iter().flatten() {
            let amount = decimal(pair[1].as_str().unwrap_or("0"));
            lost += amount;
            deductions.push((pair[0].as_str().unwrap_or("").to_owned(), amount));
        }
        let score = Decimal::TEN - lost;
        let grade = if score >= Decimal::from(9) {
            "good"
        } else {
            "bad"
        };
        Ok(Scored {
            subject: subject.to_owned(),
            score,
            lost,
            grade: Some((grade.to_owned(), grade.to_uppercase())),
            deductions,
            by_owner: vec![("office".to_owned(), lost)],
            vetoes: Vec::new(),
            report_json: None,
        })
    }

    fn run(input: &str, options: &BatchOptions) -> (String, Vec<String>, Totals) {
        let grades = [
            ("good".to_owned(), "GOOD".to_owned()),
            ("bad".to_owned(), "BAD".to_owned()),
        ];
        let mut out = Vec::new();
        let mut errors = Vec::new();
        let mut records = LineRecords::new(input.as_bytes(), "in.jsonl");
        let totals = run_batch(
            &mut records,
            &fake,
            &grades,
            options,
            &mut out,
            &mut |line| errors.push(line.to_owned()),
            &mut |_| {},
        );
        let totals = totals.unwrap_or_default();
        (String::from_utf8(out).unwrap_or_default(), errors, totals)
    }

    #[test]
    fn rows_keep_input_order_across_windows() {
        let input: String = (0..50)
            .map(|n| format!("{{\"s\":\"s{n}\",\"d\":[[\"1/a\",\"0.5\"]]}}\n\n"))
            .collect();
        let options = BatchOptions {
            format: SummaryFormat::Jsonl,
            window: 7,
            ..BatchOptions::default()
        };
        let (out, errors, totals) = run(&input, &options);
        assert!(errors.is_empty());
        assert_eq!(totals.scored, 50);
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_default())
            .collect();
        assert_eq!(lines.len(), 51);
        for (n, row) in lines.iter().take(50).enumerate() {
            assert_eq!(row["subject"], format!("s{n}"));
            assert_eq!(row["number"], n as u64 + 1);
            // Blank lines count for line numbers, not for inspections.
            assert_eq!(row["source"], format!("in.jsonl:{}", 2 * n + 1));
        }
        let aggregate = &lines[50]["aggregate"];
        assert_eq!(aggregate["clauses"][0]["points"], "25");
        assert_eq!(aggregate["clauses"][0]["triggered"], 50);
        assert_eq!(aggregate["score"]["mean"], "9.5");
    }

    #[test]
    fn failures_are_rows_and_errors_and_the_batch_goes_on() {
        let input = "{\"s\":\"a\"}\nnot json\n{\"x\":1}\n{\"s\":\"b\",\"d\":[[\"2/b\",\"3\"]]}\n";
        let (out, errors, totals) = run(input, &BatchOptions::default());
        assert_eq!(
            (totals.inspections, totals.scored, totals.failed),
            (4, 2, 2)
        );
        assert_eq!(errors.len(), 2);
        assert!(errors[0].starts_with("in.jsonl:2: error: not JSON"));
        assert_eq!(errors[1], "in.jsonl:3: error: no subject");
        let rows: Vec<&str> = out.lines().skip(1).take(4).collect();
        assert!(rows[0].contains("a "), "{out}");
        assert!(rows[1].contains("failed") && rows[1].contains("in.jsonl:2"));
        assert!(rows[3].contains("2/b −3"));
        assert!(out.contains("aggregate: 4 inspections, 2 scored, 2 failed"));
    }

    #[test]
    fn aggregate_ranks_clauses_owners_and_grades_exactly() {
        let input = "{\"s\":\"a\",\"d\":[[\"1/a\",\"0.1\"],[\"2/b\",\"0.2\"]]}\n\
                     {\"s\":\"b\",\"d\":[[\"1/a\",\"0.1\"],[\"1/a\",\"0.1\"]]}\n\
                     {\"s\":\"c\",\"d\":[[\"3/c\",\"1.5\"]]}\n";
        let options = BatchOptions {
            format: SummaryFormat::Jsonl,
            ..BatchOptions::default()
        };
        let (out, _, _) = run(input, &options);
        let last = out.lines().last().unwrap_or_default();
        let aggregate: serde_json::Value = serde_json::from_str(last).unwrap_or_default();
        let aggregate = &aggregate["aggregate"];
        assert_eq!(aggregate["clauses"][0]["clause"], "3/c");
        assert_eq!(aggregate["clauses"][1]["clause"], "1/a");
        assert_eq!(aggregate["clauses"][1]["points"], "0.3");
        assert_eq!(aggregate["clauses"][1]["triggered"], 3);
        assert_eq!(aggregate["owners"][0]["points"], "2");
        assert_eq!(aggregate["grades"][0]["count"], 2);
        assert_eq!(aggregate["grades"][1]["count"], 1);
        assert_eq!(aggregate["score"]["lowest"], "8.5");
    }

    #[test]
    fn csv_and_markdown_escape_their_cells() {
        let input = "{\"s\":\"a,\\\"b\\\"|c\"}\n";
        let csv_options = BatchOptions {
            format: SummaryFormat::Csv,
            ..BatchOptions::default()
        };
        let (out, _, _) = run(input, &csv_options);
        assert_eq!(
            out.lines().nth(1),
            Some("1,in.jsonl:1,scored,\"a,\"\"b\"\"|c\",10,GOOD,0,,")
        );
        assert_eq!(out.lines().count(), 2);
        let md_options = BatchOptions {
            format: SummaryFormat::Markdown,
            ..BatchOptions::default()
        };
        let (out, _, _) = run(input, &md_options);
        assert!(
            out.contains("| 1 | a,\"b\"\\|c | 10 | GOOD | 0 |  |"),
            "{out}"
        );
    }

    #[test]
    fn report_file_names_are_safe_and_numbered() {
        assert_eq!(report_file_name(1, "临泽县"), "0001-临泽县.json");
        assert_eq!(
            report_file_name(12, "../etc/passwd"),
            "0012-etc_passwd.json"
        );
        assert_eq!(report_file_name(3, "///"), "0003.json");
        assert_eq!(report_file_name(12345, "a b"), "12345-a_b.json");
    }

    #[test]
    fn invalid_utf8_lines_fail_alone() {
        let mut records = LineRecords::new(&b"{\"s\":\"a\"}\n\xff\xfe\n"[..], "x");
        let first = records.next();
        assert!(matches!(
            first,
            Some(Ok(Record {
                content: Content::Text(_),
                ..
            }))
        ));
        let second = records.next();
        assert!(matches!(
            second,
            Some(Ok(Record {
                content: Content::Unreadable(_),
                number: 2,
                ..
            }))
        ));
        assert!(records.next().is_none());
    }

    #[test]
    fn padding_counts_cjk_as_two_columns() {
        assert_eq!(pad("临泽", 6), "临泽  ");
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("toolong", 3), "toolong");
    }

    #[test]
    fn an_aggregate_past_the_exact_range_is_refused_not_saturated() {
        let line = r#"{"s": "big", "d": [["1/a", "-29999999999999999999999999990"]]}"#;
        let input = format!("{line}\n{line}\n{line}\n");
        let options = BatchOptions {
            format: SummaryFormat::Jsonl,
            ..BatchOptions::default()
        };
        let (out, _, totals) = run(&input, &options);
        assert_eq!(totals.scored, 3);
        let refused = totals.aggregate_refused.unwrap_or_default();
        assert!(
            refused.starts_with("the sum of the scores: 60000000000000000000000000000 + 30000000000000000000000000000 cannot be computed exactly"),
            "{refused}"
        );
        assert!(
            !out.contains("aggregate"),
            "no figure of a refused aggregate is shown"
        );
        // Two of them still add up exactly.
        let (out, _, totals) = run(&format!("{line}\n{line}\n"), &options);
        assert_eq!(totals.aggregate_refused, None);
        assert!(
            out.contains(r#""sum":"60000000000000000000000000000""#),
            "{out}"
        );
    }

    #[test]
    fn a_line_past_the_size_limit_fails_alone() {
        let input = "{\"s\": \"ok\"}\n{\"s\": \"too long\"}\n{\"s\": \"ok\"}\n";
        let records: Vec<Record> = LineRecords::new(input.as_bytes(), "in.jsonl")
            .with_max_line(11)
            .map(|r| r.unwrap_or_else(|e| panic!("{e}")))
            .collect();
        assert_eq!(records.len(), 3);
        // At the limit: 11 bytes without the line end.
        assert!(matches!(&records[0].content, Content::Text(t) if t == "{\"s\": \"ok\"}"));
        assert!(
            matches!(&records[1].content, Content::Unreadable(m) if m.contains("17 bytes long, more than the limit of 11 bytes")),
            "{:?}",
            records[1].content
        );
        assert!(matches!(&records[2].content, Content::Text(_)));
    }

    #[test]
    fn csv_fields_that_look_like_formulas_are_neutralised() {
        let options = BatchOptions {
            format: SummaryFormat::Csv,
            ..BatchOptions::default()
        };
        let input = r#"{"s": "=HYPERLINK(\"http://x\",\"y\")", "d": []}
{"s": "+1+1", "d": []}
{"s": "@SUM(A1)", "d": []}
{"s": "-2", "d": []}
{"s": "\tTAB", "d": []}
{"s": "临泽县", "d": []}
"#;
        let (out, _, _) = run(input, &options);
        assert!(
            out.contains(r#","'=HYPERLINK(""http://x"",""y"")","#),
            "{out}"
        );
        for neutral in [",'+1+1,", ",'@SUM(A1),", ",'-2,", ",'\tTAB,", ",临泽县,"] {
            assert!(out.contains(neutral), "{neutral} in {out}");
        }
    }

    /// A stream whose reader has gone after `room` bytes.
    struct ClosesAfter {
        room: usize,
        written: Vec<u8>,
    }

    impl Write for ClosesAfter {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.written.len() + buf.len() > self.room {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            self.written.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_output_stops_the_run_and_says_so() {
        let input = "{\"s\": \"a\", \"d\": []}\n".repeat(10);
        let options = BatchOptions {
            format: SummaryFormat::Csv,
            window: 2,
            ..BatchOptions::default()
        };
        let mut out = ClosesAfter {
            room: 100,
            written: Vec::new(),
        };
        let mut records = LineRecords::new(input.as_bytes(), "in.jsonl");
        let totals = run_batch(
            &mut records,
            &fake,
            &[],
            &options,
            &mut out,
            &mut |_| {},
            &mut |_| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(totals.output_closed);
        assert!(totals.inspections < 10, "the run stopped early: {totals:?}");
    }
}
