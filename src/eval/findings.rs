//! Findings: what an inspection found, as JSON (spec section 6) or built in
//! code.
//!
//! Reading JSON checks only the form of each field (a count is a whole
//! number, an amount a decimal, no unknown field); whether a finding fits
//! the rubric is decided by [`Rubric::evaluate`](crate::Rubric::evaluate).
//! Every problem is collected, never only the first.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// The findings of one inspection of one subject.
///
/// Build them from JSON with [`Findings::from_json`], or in code:
///
/// ```
/// use rubric::eval::{Finding, Findings};
/// use rust_decimal::Decimal;
///
/// let findings = Findings::new("临泽县")
///     .with(Finding::clause("2.1", "a"))
///     .with(Finding::clause("2.1", "c").count(2).note("座谈抽查，2人不清楚"))
///     .with(Finding::clause("10.2", "g").amount(Decimal::new(5, 1)))
///     .with(Finding::external("9.1", "daily", Decimal::new(125, 1)))
///     .with(Finding::veto("formality"));
/// assert_eq!(findings.findings.len(), 5);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Findings {
    /// Who was inspected (a county, a town, a company).
    pub subject: String,
    /// The findings, in the order given; the order never changes the report.
    pub findings: Vec<Finding>,
}

/// One finding: a clause found (or checked and not found), an external
/// score, an item declared not applicable, or a veto triggered.
///
/// Which fields may be set depends on what the finding names (spec
/// section 5, rule 10); evaluation refuses a field that does not fit.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Finding {
    /// The item or penalty id.
    pub item: Option<String>,
    /// The clause id, inside `item`.
    pub clause: Option<String>,
    /// The external id, inside `item`.
    pub external: Option<String>,
    /// The veto id, for a finding that triggers a veto directly.
    pub veto: Option<String>,
    /// How many times a clause was found (0: checked, not found).
    pub count: Option<u64>,
    /// The named things a `per` clause counts (enterprises, persons).
    pub entities: Option<Vec<String>>,
    /// The chosen deduction of a discretionary clause.
    pub amount: Option<Decimal>,
    /// The measured value of a threshold clause (a percentage divided by 100).
    pub value: Option<Decimal>,
    /// The score an external authority gave.
    pub score: Option<Decimal>,
    /// The fact a finding reports (`{"fact": "deaths", "value": 1}`); its
    /// number is `value`.
    pub fact: Option<String>,
    /// The level of a level-table clause: its number (1-based) or its label.
    pub level: Option<Level>,
    /// The target of a rate clause that measures from `target` (a
    /// percentage divided by 100).
    pub target: Option<Decimal>,
    /// True when the item does not apply to the subject.
    pub not_applicable: bool,
    /// Why the item does not apply.
    pub reason: Option<String>,
    /// The inspector's note, carried into the report.
    pub note: Option<String>,
    /// Where the evidence is, carried into the report.
    pub evidence: Vec<String>,
}

/// The level of a level-table finding: `"level": 2` or `"level": "较大"`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Level {
    /// The level's number, 1-based.
    Number(u64),
    /// One of the rubric's `levels` labels.
    Label(String),
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Level::Number(n) => write!(f, "{n}"),
            Level::Label(label) => write!(f, "\"{label}\""),
        }
    }
}

impl Findings {
    /// No findings yet for `subject`.
    pub fn new(subject: impl Into<String>) -> Findings {
        Findings {
            subject: subject.into(),
            findings: Vec::new(),
        }
    }

    /// Adds a finding (builder style).
    #[must_use]
    pub fn with(mut self, finding: Finding) -> Findings {
        self.findings.push(finding);
        self
    }

    /// Adds a finding.
    pub fn push(&mut self, finding: Finding) {
        self.findings.push(finding);
    }

    /// Reads findings from JSON text (spec section 6).
    ///
    /// Decimals are read exactly from JSON numbers and strings (`0.1` and
    /// `"0.1"` are both one tenth); a `value` may also be a percentage
    /// string (`"42%"` is 0.42). Unknown and repeated fields are refused.
    /// All problems are returned together, each with its position.
    pub fn from_json(text: &str) -> Result<Findings, FindingsErrors> {
        let (findings, errors) = read(text);
        if errors.is_empty() {
            Ok(findings)
        } else {
            Err(FindingsErrors(errors))
        }
    }
}

/// Reads findings JSON as far as it can: the findings (a refused one keeps
/// the fields that could be read, at its own position) and every problem of
/// form found on the way.
pub(crate) fn read(text: &str) -> (Findings, Vec<FindingError>) {
    let document: Json = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            let error = FindingError::new(Location::Document, format!("not valid JSON: {e}"));
            return (Findings::default(), vec![error]);
        }
    };
    let mut reader = Reader::default();
    let findings = reader.document(&document);
    (findings, reader.errors)
}

impl Extend<Finding> for Findings {
    fn extend<I: IntoIterator<Item = Finding>>(&mut self, iter: I) {
        self.findings.extend(iter);
    }
}

impl Finding {
    /// A clause of an item or penalty was found (once, unless `count` says otherwise).
    pub fn clause(item: impl Into<String>, clause: impl Into<String>) -> Finding {
        Finding {
            item: Some(item.into()),
            clause: Some(clause.into()),
            ..Finding::default()
        }
    }

    /// The score another authority gave to an external part of an item.
    pub fn external(
        item: impl Into<String>,
        external: impl Into<String>,
        score: Decimal,
    ) -> Finding {
        Finding {
            item: Some(item.into()),
            external: Some(external.into()),
            score: Some(score),
            ..Finding::default()
        }
    }

    /// The item does not apply to the subject.
    pub fn not_applicable(item: impl Into<String>) -> Finding {
        Finding {
            item: Some(item.into()),
            not_applicable: true,
            ..Finding::default()
        }
    }

    /// A fact's value (`{"fact": "deaths", "value": 1}`).
    pub fn fact(fact: impl Into<String>, value: Decimal) -> Finding {
        Finding {
            fact: Some(fact.into()),
            value: Some(value),
            ..Finding::default()
        }
    }

    /// A veto is triggered directly.
    pub fn veto(veto: impl Into<String>) -> Finding {
        Finding {
            veto: Some(veto.into()),
            ..Finding::default()
        }
    }

    /// How many times the clause was found; 0 records "checked, not found".
    #[must_use]
    pub fn count(mut self, count: u64) -> Finding {
        self.count = Some(count);
        self
    }

    /// Adds one named thing (an enterprise, a person) for a `per` clause.
    #[must_use]
    pub fn entity(mut self, name: impl Into<String>) -> Finding {
        self.entities.get_or_insert_with(Vec::new).push(name.into());
        self
    }

    /// Adds named things for a `per` clause.
    #[must_use]
    pub fn entities<S: Into<String>>(mut self, names: impl IntoIterator<Item = S>) -> Finding {
        self.entities
            .get_or_insert_with(Vec::new)
            .extend(names.into_iter().map(Into::into));
        self
    }

    /// The chosen deduction of a discretionary clause.
    #[must_use]
    pub fn amount(mut self, amount: Decimal) -> Finding {
        self.amount = Some(amount);
        self
    }

    /// The measured value of a threshold clause; a rate of 42% is `0.42`.
    #[must_use]
    pub fn value(mut self, value: Decimal) -> Finding {
        self.value = Some(value);
        self
    }

    /// The level found, by number (1-based), for a level-table clause.
    #[must_use]
    pub fn level(mut self, level: u64) -> Finding {
        self.level = Some(Level::Number(level));
        self
    }

    /// The level found, by its label, for a level-table clause.
    #[must_use]
    pub fn level_label(mut self, label: impl Into<String>) -> Finding {
        self.level = Some(Level::Label(label.into()));
        self
    }

    /// The target of a rate clause that measures from `target`.
    #[must_use]
    pub fn target(mut self, target: Decimal) -> Finding {
        self.target = Some(target);
        self
    }

    /// Why the item does not apply.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Finding {
        self.reason = Some(reason.into());
        self
    }

    /// The inspector's note.
    #[must_use]
    pub fn note(mut self, note: impl Into<String>) -> Finding {
        self.note = Some(note.into());
        self
    }

    /// Adds a piece of evidence (a document, a page, a photo).
    #[must_use]
    pub fn evidence(mut self, evidence: impl Into<String>) -> Finding {
        self.evidence.push(evidence.into());
        self
    }
}

/// Where a problem with findings is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Location {
    /// The JSON text as a whole.
    Document,
    /// A top-level field (`subject`, `findings`).
    Field(&'static str),
    /// The finding at this index of `findings`, or one of its fields.
    Finding {
        /// 0-based index in `findings`.
        index: usize,
        /// The field, when the problem is about one field.
        field: Option<&'static str>,
    },
    /// Something the findings leave out (a missing external score), named
    /// by its place in the rubric, such as `9.1/daily`.
    Rubric(String),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Document => f.write_str("document"),
            Location::Field(name) => f.write_str(name),
            Location::Finding { index, field: None } => write!(f, "findings[{index}]"),
            Location::Finding {
                index,
                field: Some(field),
            } => write!(f, "findings[{index}].{field}"),
            Location::Rubric(place) => f.write_str(place),
        }
    }
}

/// One problem with findings: where, what, and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FindingError {
    /// Where the problem is.
    pub location: Location,
    /// What is wrong: lowercase, rubric words.
    pub message: String,
    /// How to fix it, when there is something to say.
    pub help: Option<String>,
}

impl FindingError {
    pub(crate) fn new(location: Location, message: impl Into<String>) -> FindingError {
        FindingError {
            location,
            message: message.into(),
            help: None,
        }
    }

    pub(crate) fn with_help(mut self, help: impl Into<String>) -> FindingError {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for FindingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location != Location::Document {
            write!(f, "{}: ", self.location)?;
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, " (help: {help})")?;
        }
        Ok(())
    }
}

/// Every problem found while reading findings or fitting them to a rubric,
/// in order of position. Never empty when returned as an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
pub struct FindingsErrors(pub Vec<FindingError>);

impl FindingsErrors {
    /// The problems, in order of position.
    pub fn iter(&self) -> std::slice::Iter<'_, FindingError> {
        self.0.iter()
    }

    /// Number of problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there is no problem.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'a> IntoIterator for &'a FindingsErrors {
    type Item = &'a FindingError;
    type IntoIter = std::slice::Iter<'a, FindingError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for FindingsErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.split_first() {
            None => f.write_str("no problems"),
            Some((first, [])) => write!(f, "{first}"),
            Some((first, rest)) => write!(f, "{first} (and {} more problems)", rest.len()),
        }
    }
}

/// Parses a decimal exactly, as written in a JSON number or string:
/// `-`? digits, optionally `.` digits, optionally an exponent. Nothing else
/// (no `_`, no spaces, no `+`) so that what is read is what was meant.
pub(crate) fn parse_decimal(text: &str) -> Option<Decimal> {
    let has_exponent = number_syntax(text)?;
    if has_exponent {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    }
}

/// Whether `text` is written as a number (the grammar of [`parse_decimal`]),
/// and if so whether it has an exponent; says nothing of its range.
fn number_syntax(text: &str) -> Option<bool> {
    let bytes = text.as_bytes();
    let mut i = usize::from(bytes.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while bytes.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i > start
    };
    if !digits(&mut i) {
        return None;
    }
    if bytes.get(i) == Some(&b'.') {
        i += 1;
        if !digits(&mut i) {
            return None;
        }
    }
    let mantissa_end = i;
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(bytes.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !digits(&mut i) {
            return None;
        }
    }
    (i == bytes.len()).then_some(mantissa_end != bytes.len())
}

/// The message for a number that is written correctly but cannot be held
/// exactly: too many digits, or too large or too small.
fn beyond_range(text: &str) -> String {
    format!(
        "`{text}` cannot be read exactly: decimals hold at most 28 significant digits, up to about 7.9e28"
    )
}

/// A JSON value that keeps numbers as their text and objects as the list of
/// their entries, so repeated keys can be refused instead of overwritten.
/// Strings and keys borrow from the JSON text unless they have escapes, so
/// reading costs one copy of each string: the one [`Finding`] keeps.
#[derive(Debug, Clone, PartialEq)]
enum Json<'a> {
    Null,
    Bool(bool),
    Number(Cow<'a, str>),
    String(Cow<'a, str>),
    Array(Vec<Json<'a>>),
    Object(Vec<(Cow<'a, str>, Json<'a>)>),
}

/// A string of the JSON text, borrowed when it has no escapes.
struct JsonStr<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for JsonStr<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<JsonStr<'de>, D::Error> {
        deserializer.deserialize_str(JsonStrVisitor)
    }
}

struct JsonStrVisitor;

impl<'de> Visitor<'de> for JsonStrVisitor {
    type Value = JsonStr<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<JsonStr<'de>, E> {
        Ok(JsonStr(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<JsonStr<'de>, E> {
        Ok(JsonStr(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<JsonStr<'de>, E> {
        Ok(JsonStr(Cow::Owned(v)))
    }
}

// With `arbitrary_precision`, serde_json hands a number to a visitor as a
// one-entry map whose key is this token and whose value is the number's text.
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

impl<'de> de::Deserialize<'de> for Json<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Json<'de>, D::Error> {
        deserializer.deserialize_any(JsonVisitor)
    }
}

struct JsonVisitor;

impl<'de> Visitor<'de> for JsonVisitor {
    type Value = Json<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json<'de>, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json<'de>, E> {
        Ok(Json::Number(Cow::Owned(v.to_string())))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json<'de>, E> {
        Ok(Json::Number(Cow::Owned(v.to_string())))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json<'de>, E> {
        Ok(Json::Number(Cow::Owned(v.to_string())))
    }
    fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Borrowed(v)))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E>(self, v: String) -> Result<Json<'de>, E> {
        Ok(Json::String(Cow::Owned(v)))
    }
    fn visit_unit<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_none<E>(self) -> Result<Json<'de>, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Json<'de>, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Json<'de>, A::Error> {
        let mut entries = Vec::new();
        while let Some(JsonStr(key)) = map.next_key::<JsonStr<'de>>()? {
            if entries.is_empty() && key == NUMBER_TOKEN {
                let JsonStr(text) = map.next_value()?;
                return Ok(Json::Number(text));
            }
            let value = map.next_value()?;
            entries.push((key, value));
        }
        Ok(Json::Object(entries))
    }
}

impl fmt::Display for Json<'_> {
    /// Compact JSON, shortened for messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Json::Null => "null".to_owned(),
            Json::Bool(b) => b.to_string(),
            Json::Number(n) => n.to_string(),
            Json::String(s) => serde_json::to_string(s.as_ref()).unwrap_or_default(),
            Json::Array(items) if items.is_empty() => "[]".to_owned(),
            Json::Array(_) => "[…]".to_owned(),
            Json::Object(entries) if entries.is_empty() => "{}".to_owned(),
            Json::Object(_) => "{…}".to_owned(),
        };
        let mut chars = text.chars();
        let short: String = chars.by_ref().take(40).collect();
        if chars.next().is_some() {
            write!(f, "{short}…")
        } else {
            f.write_str(&short)
        }
    }
}

const FINDING_FIELDS: &[&str] = &[
    "item",
    "clause",
    "external",
    "veto",
    "count",
    "entities",
    "amount",
    "value",
    "score",
    "fact",
    "level",
    "target",
    "not_applicable",
    "reason",
    "note",
    "evidence",
];

#[derive(Default)]
struct Reader {
    errors: Vec<FindingError>,
}

impl Reader {
    fn error(&mut self, location: Location, message: String) {
        self.errors.push(FindingError::new(location, message));
    }

    fn document(&mut self, document: &Json<'_>) -> Findings {
        let mut findings = Findings::default();
        let Json::Object(entries) = document else {
            self.error(
                Location::Document,
                format!("expected an object with `subject` and `findings`, found `{document}`"),
            );
            return findings;
        };
        let mut seen_subject = false;
        let mut seen_findings = false;
        for (key, value) in entries {
            match key.as_ref() {
                "subject" => {
                    if std::mem::replace(&mut seen_subject, true) {
                        self.error(
                            Location::Field("subject"),
                            "`subject` is given twice".into(),
                        );
                    }
                    match value {
                        Json::String(s) => s.as_ref().clone_into(&mut findings.subject),
                        other => self.error(
                            Location::Field("subject"),
                            format!("expected a string, found `{other}`"),
                        ),
                    }
                }
                "findings" => {
                    if std::mem::replace(&mut seen_findings, true) {
                        self.error(
                            Location::Field("findings"),
                            "`findings` is given twice".into(),
                        );
                    }
                    match value {
                        Json::Array(list) => {
                            findings.findings = list
                                .iter()
                                .enumerate()
                                .map(|(index, f)| self.finding(index, f))
                                .collect();
                        }
                        other => self.error(
                            Location::Field("findings"),
                            format!("expected a list of findings, found `{other}`"),
                        ),
                    }
                }
                other => {
                    let mut error = FindingError::new(
                        Location::Document,
                        format!("unknown field `{other}`; the fields are `subject` and `findings`"),
                    );
                    if let Some(near) = crate::diagnostic::closest(other, ["subject", "findings"]) {
                        error = error.with_help(format!("did you mean `{near}`?"));
                    }
                    self.errors.push(error);
                }
            }
        }
        if !seen_findings {
            self.error(
                Location::Document,
                "missing `findings` (a list, which may be empty)".into(),
            );
        }
        findings
    }

    fn finding(&mut self, index: usize, value: &Json<'_>) -> Finding {
        let mut finding = Finding::default();
        let Json::Object(entries) = value else {
            self.error(
                Location::Finding { index, field: None },
                format!("expected a finding (an object), found `{value}`"),
            );
            return finding;
        };
        // Bit n: `FINDING_FIELDS[n]` was given.
        let mut seen: u32 = 0;
        for (key, value) in entries {
            let Some((n, &field)) = FINDING_FIELDS
                .iter()
                .enumerate()
                .find(|(_, f)| **f == key.as_ref())
            else {
                let mut error = FindingError::new(
                    Location::Finding { index, field: None },
                    format!("unknown field `{key}`"),
                );
                let help = match crate::diagnostic::closest(key, FINDING_FIELDS.iter().copied()) {
                    Some(near) => format!("did you mean `{near}`?"),
                    None => format!("the fields of a finding are {}", FINDING_FIELDS.join(", ")),
                };
                error = error.with_help(help);
                self.errors.push(error);
                continue;
            };
            let at = Location::Finding {
                index,
                field: Some(field),
            };
            if seen & (1 << n) != 0 {
                self.error(at, format!("`{field}` is given twice"));
                continue;
            }
            seen |= 1 << n;
            match field {
                "item" => finding.item = self.id(at, value),
                "clause" => finding.clause = self.id(at, value),
                "external" => finding.external = self.id(at, value),
                "veto" => finding.veto = self.id(at, value),
                "count" => finding.count = self.count(at, value),
                "entities" => finding.entities = self.entities(at, value),
                "amount" => finding.amount = self.decimal(at, value, false),
                "value" => finding.value = self.decimal(at, value, true),
                "score" => finding.score = self.decimal(at, value, false),
                "fact" => finding.fact = self.id(at, value),
                "level" => finding.level = self.level(at, value),
                "target" => finding.target = self.decimal(at, value, true),
                "not_applicable" => match value {
                    Json::Bool(b) => finding.not_applicable = *b,
                    other => self.error(at, format!("expected `true` or `false`, found `{other}`")),
                },
                "reason" => finding.reason = self.text(at, value),
                "note" => finding.note = self.text(at, value),
                _ => finding.evidence = self.evidence(at, value),
            }
        }
        finding
    }

    fn id(&mut self, at: Location, value: &Json<'_>) -> Option<String> {
        match value {
            Json::String(s) if !s.is_empty() => Some(s.as_ref().to_owned()),
            Json::String(_) => {
                self.error(at, "expected an id, found an empty string".into());
                None
            }
            Json::Number(n) => {
                self.errors.push(
                    FindingError::new(at, format!("expected an id as a string, found `{n}`"))
                        .with_help(format!(
                            "write `\"{n}\"`: ids are names, and `19.10` is not `19.1`"
                        )),
                );
                None
            }
            other => {
                self.error(at, format!("expected an id as a string, found `{other}`"));
                None
            }
        }
    }

    fn text(&mut self, at: Location, value: &Json<'_>) -> Option<String> {
        match value {
            Json::String(s) => Some(s.as_ref().to_owned()),
            Json::Null => None,
            other => {
                self.error(at, format!("expected a string, found `{other}`"));
                None
            }
        }
    }

    fn evidence(&mut self, at: Location, value: &Json<'_>) -> Vec<String> {
        match value {
            Json::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item {
                        Json::String(s) => out.push(s.as_ref().to_owned()),
                        other => {
                            self.error(
                                at.clone(),
                                format!("expected a list of strings, found `{other}` in it"),
                            );
                        }
                    }
                }
                out
            }
            Json::Null => Vec::new(),
            other => {
                self.errors.push(
                    FindingError::new(at, format!("expected a list of strings, found `{other}`"))
                        .with_help("write `[\"…\"]` even for one piece of evidence"),
                );
                Vec::new()
            }
        }
    }

    fn entities(&mut self, at: Location, value: &Json<'_>) -> Option<Vec<String>> {
        let Json::Array(items) = value else {
            self.error(at, format!("expected a list of names, found `{value}`"));
            return None;
        };
        if items.is_empty() {
            self.errors.push(
                FindingError::new(at, "`entities` is empty")
                    .with_help("name at least one, or leave `entities` out"),
            );
            return None;
        }
        let mut names = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Json::String(s) if !s.trim().is_empty() => names.push(s.as_ref().to_owned()),
                other => self.error(
                    at.clone(),
                    format!("expected a list of names, found `{other}` in it"),
                ),
            }
        }
        Some(names)
    }

    fn count(&mut self, at: Location, value: &Json<'_>) -> Option<u64> {
        let text = match value {
            Json::Number(n) => Some(n.as_ref()),
            Json::String(s) => Some(s.as_ref()),
            _ => None,
        };
        let decimal = text.and_then(parse_decimal);
        // `-0` is zero, not a negative count.
        let whole =
            decimal.filter(|d| d.fract().is_zero() && (d.is_zero() || d.is_sign_positive()));
        let count = whole.and_then(|d| u64::try_from(d.trunc()).ok());
        if count.is_none() {
            let message = match (text, decimal, whole) {
                (_, Some(_), Some(_)) => {
                    format!(
                        "count `{value}` is too large: a count is at most {}",
                        u64::MAX
                    )
                }
                (Some(text), None, _)
                    if number_syntax(text).is_some() && !text.starts_with('-') =>
                {
                    beyond_range(text)
                }
                _ => format!("expected a whole number ≥ 0, found `{value}`"),
            };
            self.error(at, message);
        }
        count
    }

    fn level(&mut self, at: Location, value: &Json<'_>) -> Option<Level> {
        match value {
            Json::String(s) if !s.is_empty() => Some(Level::Label(s.as_ref().to_owned())),
            Json::Number(n) => {
                let whole = parse_decimal(n).filter(|d| d.fract().is_zero() && *d >= Decimal::ONE);
                match whole.and_then(|d| u64::try_from(d).ok()) {
                    Some(k) => Some(Level::Number(k)),
                    None => {
                        self.errors.push(
                            FindingError::new(
                                at,
                                format!("expected a level number (1, 2, …) or a level label, found `{value}`"),
                            )
                            .with_help("levels are counted from 1"),
                        );
                        None
                    }
                }
            }
            other => {
                self.error(
                    at,
                    format!("expected a level number (1, 2, …) or a level label, found `{other}`"),
                );
                None
            }
        }
    }

    fn decimal(&mut self, at: Location, value: &Json<'_>, percent: bool) -> Option<Decimal> {
        let parsed = match value {
            Json::Number(n) => parse_decimal(n),
            Json::String(s) => match s.strip_suffix('%') {
                Some(number) if percent => {
                    parse_decimal(number).and_then(|d| d.checked_div(Decimal::ONE_HUNDRED))
                }
                _ => parse_decimal(s),
            },
            _ => None,
        };
        if parsed.is_none() {
            let text = match value {
                Json::Number(n) => Some(n.as_ref()),
                Json::String(s) if percent => Some(s.strip_suffix('%').unwrap_or(s)),
                Json::String(s) => Some(s.as_ref()),
                _ => None,
            };
            if let Some(text) = text.filter(|t| number_syntax(t).is_some()) {
                self.error(at, beyond_range(text));
                return None;
            }
            let expected = if percent {
                "a number or a percentage such as `\"42%\"`"
            } else {
                "a decimal number such as `0.5` or `\"0.5\"`"
            };
            self.error(at, format!("expected {expected}, found `{value}`"));
        }
        parsed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(json: &str) -> Vec<String> {
        match Findings::from_json(json) {
            Ok(_) => Vec::new(),
            Err(e) => e.iter().map(ToString::to_string).collect(),
        }
    }

    #[test]
    fn reads_decimals_exactly() {
        let f = Findings::from_json(
            r#"{"subject":"s","findings":[
                {"item":"1","clause":"a","amount":0.1},
                {"item":"1","clause":"b","amount":"0.1"},
                {"item":"1","clause":"c","value":"42%"},
                {"item":"1","clause":"d","value":0.42},
                {"item":"1","clause":"e","score":1e-1, "count": 3}]}"#,
        )
        .unwrap();
        let tenth = Decimal::new(1, 1);
        assert_eq!(f.findings[0].amount, Some(tenth));
        assert_eq!(f.findings[1].amount, Some(tenth));
        assert_eq!(f.findings[2].value, Some(Decimal::new(42, 2)));
        assert_eq!(f.findings[3].value, Some(Decimal::new(42, 2)));
        assert_eq!(f.findings[4].score, Some(tenth));
        assert_eq!(f.findings[4].count, Some(3));
    }

    #[test]
    fn collects_every_problem_with_its_position() {
        let errs = errors(
            r#"{"subject":"s","findings":[
                {"item":"1","clause":"a"},
                {"item":"1","clause":"a","count":-1},
                {"item":"1","clause":"a","cout":2},
                {"item":2.1,"clause":"a","amount":"1_0","count":1.5},
                [],
                {"item":"1","clause":"a","count":1,"count":2}]}"#,
        );
        assert_eq!(
            errs,
            [
                "findings[1].count: expected a whole number ≥ 0, found `-1`",
                "findings[2]: unknown field `cout` (help: did you mean `count`?)",
                "findings[3].item: expected an id as a string, found `2.1` (help: write `\"2.1\"`: ids are names, and `19.10` is not `19.1`)",
                "findings[3].amount: expected a decimal number such as `0.5` or `\"0.5\"`, found `\"1_0\"`",
                "findings[3].count: expected a whole number ≥ 0, found `1.5`",
                "findings[4]: expected a finding (an object), found `[]`",
                "findings[5].count: `count` is given twice",
            ]
        );
    }

    #[test]
    fn document_level_problems() {
        assert_eq!(
            errors(r#"{"subject":"s"}"#),
            ["missing `findings` (a list, which may be empty)"]
        );
        assert_eq!(
            errors(r#"{"subjet":"s","findings":[]}"#),
            ["unknown field `subjet`; the fields are `subject` and `findings` (help: did you mean `subject`?)"]
        );
        assert_eq!(
            errors("[1"),
            ["not valid JSON: EOF while parsing a list at line 1 column 2"]
        );
        assert_eq!(errors("{\"findings\": []}"), Vec::<String>::new());
    }

    #[test]
    fn strict_decimals() {
        assert_eq!(parse_decimal("12.25"), Some(Decimal::new(1225, 2)));
        assert_eq!(parse_decimal("-0.5"), Some(Decimal::new(-5, 1)));
        assert_eq!(parse_decimal("2E1"), Some(Decimal::new(20, 0)));
        for bad in ["", "+1", "1.", ".5", "1_0", " 1", "1e", "0x10", "1e999"] {
            assert_eq!(parse_decimal(bad), None, "{bad}");
        }
    }

    #[test]
    fn counts_out_of_range_say_so() {
        let ok = Findings::from_json(
            r#"{"findings": [{"item": "1", "clause": "a", "count": -0},
                             {"item": "1", "clause": "a", "count": 18446744073709551615}]}"#,
        );
        let counts: Option<Vec<_>> = ok
            .ok()
            .map(|f| f.findings.iter().map(|f| f.count).collect());
        assert_eq!(counts, Some(vec![Some(0), Some(u64::MAX)]));
        let problems = errors(
            r#"{"findings": [{"item": "1", "clause": "a", "count": 18446744073709551616},
                             {"item": "1", "clause": "a", "count": 1e40},
                             {"item": "1", "clause": "a", "count": -1e40},
                             {"item": "1", "clause": "g", "amount": 1e400},
                             {"item": "1", "clause": "h", "value": "1e400%"}]}"#,
        );
        assert_eq!(problems.len(), 5, "{problems:?}");
        assert!(problems[0].contains("too large: a count is at most 18446744073709551615"));
        assert!(problems[1].contains("cannot be read exactly"));
        assert!(problems[2].contains("expected a whole number ≥ 0"));
        assert!(
            problems[3].contains("cannot be read exactly"),
            "{problems:?}"
        );
        assert!(problems[4].contains("`1e400` cannot be read exactly"));
    }
}
