//! Source text → tokens with byte spans, comments apart.
//!
//! The lexer never fails: a malformed number, a full-width character or an
//! unclosed string is reported once here and replaced by the token the
//! author most likely meant, so the parser does not report it again.

use super::ast::Comment;
use crate::diagnostic::{Code, Diagnostic};
use crate::span::Span;
use nom::bytes::complete::take_while;
use nom::character::complete::{char, digit1, satisfy};
use nom::combinator::recognize;
use nom::multi::many0_count;
use nom::sequence::pair;
use nom::{IResult, Parser};

/// What a token is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    /// `[A-Za-z_][A-Za-z0-9_-]*`.
    Ident,
    /// Digits with dots between them (`2`, `0.3`, `2.1.1`), maybe followed by `%`.
    /// `fullwidth` when written with full-width digits (already reported).
    Number {
        /// Written with `%`.
        percent: bool,
        /// Written with full-width digits or `％`; the text must be normalized.
        fullwidth: bool,
    },
    /// A string literal; `closed` is false when the line ended first (already reported).
    Str {
        /// Closed by a quote.
        closed: bool,
    },
    /// `{`.
    LBrace,
    /// `}`.
    RBrace,
    /// `,`.
    Comma,
    /// `/`.
    Slash,
    /// A comparison in a condition: `>=` `>` `<=` `<` `=`.
    Op(crate::model::CompareOp),
}

/// A token and where it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// What it is.
    pub kind: TokenKind,
    /// Where. For a number with a unit glued on, only the number.
    pub span: Span,
    /// True when it is the first token on its line.
    pub line_start: bool,
    /// True when an empty line (or more) separates it from the token or comment before it.
    pub blank_before: bool,
}

/// The output of [`lex`].
#[derive(Debug, Default)]
pub struct Lexed {
    /// Tokens, without comments.
    pub tokens: Vec<Token>,
    /// Comments, in source order, with `own_line` telling whether a token precedes them on their line.
    pub comments: Vec<LexedComment>,
    /// Lexical errors, in source order.
    pub diagnostics: Vec<Diagnostic>,
}

/// A comment and whether it stands alone on its line.
#[derive(Debug, Clone)]
pub struct LexedComment {
    /// The comment.
    pub comment: Comment,
    /// True when no token precedes it on its line.
    pub own_line: bool,
}

/// Full-width characters that authors type where ASCII was meant, with the
/// ASCII character meant.
pub const FULL_WIDTH: &[(char, char)] = &[
    ('，', ','),
    ('、', ','),
    ('：', ':'),
    ('；', ';'),
    ('（', '('),
    ('）', ')'),
    ('“', '"'),
    ('”', '"'),
    ('｛', '{'),
    ('｝', '}'),
    ('％', '%'),
    ('／', '/'),
    ('．', '.'),
    ('＃', '#'),
];

/// Words of Chinese rubrics that authors write where a keyword belongs, with
/// the keyword meant.
const CHINESE_KEYWORDS: &[(&str, &str)] = &[
    ("扣", "deduct"),
    ("扣分", "deduct"),
    ("扣除", "deduct"),
    ("不得分", "deduct all"),
    ("酌情扣分", "deduct up to"),
    ("最多扣", "capped at"),
    ("封顶", "capped at"),
    ("每", "per"),
    ("分值", "weight"),
    ("权重", "weight"),
    ("选查", "optional"),
    ("责任单位", "owner"),
    ("评分依据", "basis"),
    ("检查要求", "check"),
    ("考核要点", "item"),
    ("评分要点", "clause"),
    ("减分项", "penalty"),
    ("总分", "total"),
];

fn ascii_for(c: char) -> Option<char> {
    FULL_WIDTH
        .iter()
        .find(|(full, _)| *full == c)
        .map(|(_, ascii)| *ascii)
}

/// Characters an editor does not show: controls, zero-width spaces and marks,
/// a byte-order mark away from the start of the file.
fn is_invisible(c: char) -> bool {
    c.is_control() || matches!(c, '\u{200b}'..='\u{200f}' | '\u{2060}' | '\u{feff}')
}

/// What to do with punctuation that is no token in ASCII either.
fn no_ascii_either(c: char) -> Option<&'static str> {
    match c {
        ':' => Some("remove it: a keyword and its value are separated by a space (`weight 4`)"),
        ';' => Some("remove it: declarations need no terminator"),
        '(' | ')' => Some("remove it: parentheses belong inside the quoted text"),
        _ => None,
    }
}

fn is_fullwidth_digit(c: char) -> bool {
    ('０'..='９').contains(&c)
}

/// The ASCII form of a number written with full-width digits, `．` or `％`.
pub fn normalize_number(text: &str) -> String {
    text.chars()
        .map(|c| {
            if is_fullwidth_digit(c) {
                char::from(b'0' + (c as u32 - '０' as u32) as u8)
            } else {
                ascii_for(c).unwrap_or(c)
            }
        })
        .collect()
}

fn identifier(input: &str) -> IResult<&str, &str> {
    recognize(pair(
        satisfy(|c| c.is_ascii_alphabetic() || c == '_'),
        take_while(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '-'),
    ))
    .parse(input)
}

fn dotted_digits(input: &str) -> IResult<&str, &str> {
    recognize(pair(digit1, many0_count(pair(char('.'), digit1)))).parse(input)
}

/// Characters that end a glued suffix such as the `分` of `0.3分`.
fn ends_word(c: char) -> bool {
    c.is_whitespace()
        || is_invisible(c)
        || (c.is_ascii_punctuation() && !matches!(c, '.' | '%' | '_' | '-' | '+'))
        || ascii_for(c).is_some()
}

struct Lexer<'a> {
    source: &'a str,
    pos: usize,
    out: Lexed,
    line_has_token: bool,
    newlines_since_last: usize,
}

/// Splits `source` into tokens and comments. Never fails; linear in the source length.
pub fn lex(source: &str) -> Lexed {
    let mut lexer = Lexer {
        source,
        pos: 0,
        out: Lexed::default(),
        line_has_token: false,
        newlines_since_last: 0,
    };
    if source.starts_with('\u{feff}') {
        lexer.pos = '\u{feff}'.len_utf8();
    }
    lexer.run();
    lexer.out
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        self.source.get(self.pos..).unwrap_or("")
    }

    fn error(&mut self, code: Code, span: Span, message: String, help: Option<String>) {
        let mut diagnostic = Diagnostic::new(code, span, message);
        diagnostic.help = help;
        self.out.diagnostics.push(diagnostic);
    }

    fn push(&mut self, kind: TokenKind, span: Span) {
        self.out.tokens.push(Token {
            kind,
            span,
            line_start: !self.line_has_token,
            blank_before: self.newlines_since_last >= 2,
        });
        self.line_has_token = true;
        self.newlines_since_last = 0;
    }

    fn run(&mut self) {
        while let Some(c) = self.rest().chars().next() {
            let start = self.pos;
            match c {
                '\n' => {
                    self.pos += 1;
                    self.line_has_token = false;
                    self.newlines_since_last += 1;
                }
                c if c.is_whitespace() => self.pos += c.len_utf8(),
                '#' => self.comment(),
                '"' => self.string(start + 1, '"'),
                '{' => self.single(TokenKind::LBrace),
                '}' => self.single(TokenKind::RBrace),
                ',' => self.single(TokenKind::Comma),
                '/' => self.single(TokenKind::Slash),
                '>' | '<' | '=' => self.operator(c),
                '0'..='9' => self.number(),
                '.' | '-' | '+' if self.rest().get(1..).is_some_and(starts_with_digit) => {
                    self.signed_or_dotted_number(c)
                }
                c if c.is_ascii_alphabetic() || c == '_' => match identifier(self.rest()) {
                    Ok((rest, _)) => {
                        let end = self.source.len() - rest.len();
                        self.push(TokenKind::Ident, Span::new(start, end));
                        self.pos = end;
                    }
                    Err(_) => self.pos += 1,
                },
                c if is_fullwidth_digit(c) => self.fullwidth_number(),
                c => self.unexpected(c),
            }
        }
    }

    /// `>=` `>` `<=` `<` `=`.
    fn operator(&mut self, first: char) {
        use crate::model::CompareOp;
        let equals = self.rest().get(1..).is_some_and(|r| r.starts_with('='));
        let (op, len) = match (first, equals) {
            ('>', true) => (CompareOp::Ge, 2),
            ('>', false) => (CompareOp::Gt, 1),
            ('<', true) => (CompareOp::Le, 2),
            ('<', false) => (CompareOp::Lt, 1),
            _ => (CompareOp::Eq, 1),
        };
        self.push(TokenKind::Op(op), Span::new(self.pos, self.pos + len));
        self.pos += len;
    }

    fn single(&mut self, kind: TokenKind) {
        self.push(kind, Span::new(self.pos, self.pos + 1));
        self.pos += 1;
    }

    fn comment(&mut self) {
        let start = self.pos;
        let line_end = self
            .rest()
            .find('\n')
            .map_or(self.source.len(), |i| self.pos + i);
        let text = self.source.get(start..line_end).unwrap_or("").trim_end();
        let own_line = !self.line_has_token;
        self.out.comments.push(LexedComment {
            comment: Comment {
                text: text.to_owned(),
                span: Span::new(start, start + text.len()),
                blank_before: self.newlines_since_last >= 2,
            },
            own_line,
        });
        self.newlines_since_last = 0;
        self.pos = line_end;
    }

    /// A string whose opening quote ends at `body_start`; `opening` is the quote written.
    fn string(&mut self, body_start: usize, opening: char) {
        let start = self.pos;
        let mut pos = body_start;
        let bytes = self.source.as_bytes();
        let mut closed = false;
        // `“…”` pairs are ordinary text inside a string; an unpaired `”`
        // followed by a space is a closing quote typed full-width.
        let mut open_curly = 0usize;
        while let Some(&b) = bytes.get(pos) {
            match b {
                b'"' => {
                    pos += 1;
                    closed = true;
                    break;
                }
                b'\n' => break,
                b'\\' => pos = self.escape(pos),
                _ => {
                    let rest = self.source.get(pos..).unwrap_or("");
                    if rest.starts_with('“') {
                        open_curly += 1;
                    } else if rest.starts_with('”') {
                        let after = rest.get('”'.len_utf8()..).unwrap_or("");
                        let ends = after.is_empty() || after.starts_with(char::is_whitespace);
                        if opening == '“' || (open_curly == 0 && ends) {
                            if opening == '"' {
                                self.error(
                                    Code::UnexpectedCharacter,
                                    Span::new(pos, pos + '”'.len_utf8()),
                                    "expected `\"` to close this string, found the full-width `”`"
                                        .into(),
                                    Some("close the string with an ASCII `\"`".into()),
                                );
                            }
                            pos += '”'.len_utf8();
                            closed = true;
                            break;
                        }
                        open_curly = open_curly.saturating_sub(1);
                    }
                    pos += 1;
                }
            }
        }
        let mut end = pos;
        if !closed {
            // The string runs to the end of its line, without the `\r` of a CRLF.
            if end > body_start && bytes.get(end - 1) == Some(&b'\r') {
                end -= 1;
            }
            let line = self.source.get(body_start..end).unwrap_or("");
            let help = if line.contains('”') {
                "the string ends with a full-width `”`; close it with an ASCII `\"`"
            } else {
                "a string ends on the line where it starts; add the closing `\"`"
            };
            if opening == '"' {
                self.error(
                    Code::UnterminatedString,
                    Span::new(start, body_start),
                    "expected `\"` to close this string, found the end of the line".into(),
                    Some(help.into()),
                );
            }
        }
        self.push(TokenKind::Str { closed }, Span::new(start, end));
        self.pos = pos;
    }

    /// Checks the escape at `pos` (a backslash) and returns the offset after it.
    fn escape(&mut self, pos: usize) -> usize {
        let after = self.source.get(pos + 1..).unwrap_or("");
        let next = after.chars().next();
        match next {
            Some('"' | '\\' | 'n' | 't') => pos + 2,
            Some('u') => {
                let (valid, len) = unicode_escape(after.get(1..).unwrap_or(""));
                if !valid {
                    self.error(
                        Code::InvalidEscape,
                        Span::new(pos, pos + 2 + len),
                        format!(
                            "expected `\\u{{XXXX}}` with 1 to 6 hex digits naming a character, found `\\u{}`",
                            after.get(1..1 + len).unwrap_or("")
                        ),
                        Some("write a character as `\\u{4E00}`".into()),
                    );
                }
                pos + 2 + len
            }
            Some('\n') | None => {
                self.error(
                    Code::InvalidEscape,
                    Span::new(pos, pos + 1),
                    "expected an escape after `\\`, found the end of the line".into(),
                    Some("write a backslash as `\\\\`".into()),
                );
                pos + 1
            }
            Some(c) => {
                self.error(
                    Code::InvalidEscape,
                    Span::new(pos, pos + 1 + c.len_utf8()),
                    format!("unknown escape `\\{c}`"),
                    Some("the escapes are `\\\"` `\\\\` `\\n` `\\t` `\\u{XXXX}`; write a backslash as `\\\\`".into()),
                );
                pos + 1 + c.len_utf8()
            }
        }
    }

    fn number(&mut self) {
        let start = self.pos;
        let Ok((rest, _)) = dotted_digits(self.rest()) else {
            self.pos += 1;
            return;
        };
        let digits_end = self.source.len() - rest.len();
        let mut end = digits_end;
        let mut kind = TokenKind::Number {
            percent: false,
            fullwidth: false,
        };
        let mut next = rest.chars().next();
        if next == Some('%') || next == Some('％') {
            if next == Some('％') {
                self.error(
                    Code::UnexpectedCharacter,
                    Span::new(end, end + '％'.len_utf8()),
                    "expected `%`, found the full-width `％`".into(),
                    Some("use the ASCII `%` instead".into()),
                );
                kind = TokenKind::Number {
                    percent: true,
                    fullwidth: true,
                };
            } else {
                kind = TokenKind::Number {
                    percent: true,
                    fullwidth: false,
                };
            }
            end += next.map_or(0, char::len_utf8);
            next = self.source.get(end..).and_then(|r| r.chars().next());
        }
        self.pos = end;
        if let Some(c) = next.filter(|c| !ends_word(*c)) {
            self.glued(start, digits_end, end, c);
        } else if next == Some(',') && end == digits_end {
            self.decimal_comma(start, end);
        }
        self.push(kind, Span::new(start, end));
    }

    /// `1,5` is a decimal written with a comma, as many locales do: one error,
    /// not a number followed by a stray `,`. (No list separates numbers by
    /// commas, so `1,5` cannot mean anything else.)
    fn decimal_comma(&mut self, start: usize, end: usize) {
        let fraction = self
            .source
            .get(end + 1..)
            .unwrap_or("")
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(self.source.len().saturating_sub(end + 1));
        if fraction == 0 {
            return;
        }
        let whole_end = end + 1 + fraction;
        let whole = self.source.get(start..whole_end).unwrap_or("");
        self.error(
            Code::InvalidNumber,
            Span::new(start, whole_end),
            format!("expected a number, found `{whole}`"),
            Some(format!(
                "write a decimal with a point: `{}`",
                whole.replace(',', ".")
            )),
        );
        self.pos = whole_end;
    }

    /// Reports what is glued to the number `start..digits_end` (ending at `end`)
    /// and skips it.
    fn glued(&mut self, start: usize, digits_end: usize, end: usize, first: char) {
        let suffix_len = self
            .source
            .get(end..)
            .unwrap_or("")
            .find(ends_word)
            .unwrap_or(self.source.len() - end);
        let whole_end = end + suffix_len;
        let whole = self.source.get(start..whole_end).unwrap_or("");
        let number = self.source.get(start..end).unwrap_or("");
        let digits = self.source.get(start..digits_end).unwrap_or("");
        let after = self.source.get(end..whole_end).unwrap_or("");
        let span = Span::new(start, whole_end);
        if first == '.'
            && after
                .get(1..)
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
        {
            self.error(
                Code::InvalidNumber,
                span,
                format!("expected a number or an item id, found `{whole}`"),
                Some(format!(
                    "to name a clause of an item, write `{number}/{}`",
                    after.get(1..).unwrap_or("")
                )),
            );
        } else if first == '.' && after.len() == 1 {
            self.error(
                Code::InvalidNumber,
                span,
                format!("expected a digit after the `.` of `{whole}`"),
                Some(format!("write `{digits}` or `{digits}.0`")),
            );
        } else if matches!(first, 'e' | 'E')
            && after.get(1..).is_some_and(|r| {
                r.trim_start_matches(['-', '+'])
                    .starts_with(|c: char| c.is_ascii_digit())
            })
        {
            self.error(
                Code::InvalidNumber,
                span,
                format!("expected a plain decimal number, found `{whole}`"),
                Some("numbers have no exponent; write all the digits".into()),
            );
        } else if first == '.' {
            // `0..3`, `1.2.3`: dots where one was meant, or an item id where a number is.
            let mut collapsed = String::new();
            for c in whole.chars() {
                if !(c == '.' && collapsed.ends_with('.')) {
                    collapsed.push(c);
                }
            }
            let help = if collapsed.matches('.').count() == 1 && !collapsed.ends_with('.') {
                format!("a number has at most one `.`: did you mean `{collapsed}`?")
            } else {
                "a number has at most one `.`".to_owned()
            };
            self.error(
                Code::InvalidNumber,
                span,
                format!("expected a number, found `{whole}`"),
                Some(help),
            );
        } else {
            self.error(
                Code::InvalidNumber,
                span,
                format!("expected a number, found `{whole}`"),
                Some(format!("write the number alone: `{number}`")),
            );
        }
        self.pos = whole_end;
    }

    fn signed_or_dotted_number(&mut self, first: char) {
        let start = self.pos;
        self.pos += 1;
        let digits_start = self.pos;
        self.number();
        let Some(token) = self.out.tokens.last().copied() else {
            return;
        };
        let written = self.source.get(start..token.span.end).unwrap_or("");
        let digits = self.source.get(digits_start..token.span.end).unwrap_or("");
        let (message, help) = if first == '.' {
            (
                format!("expected a digit before the `.` of `{written}`"),
                format!("write `0{written}`"),
            )
        } else {
            (
                format!("expected a number without a sign, found `{written}`"),
                format!("numbers have no sign; write `{digits}`"),
            )
        };
        // The number after the sign was already pushed; this error comes first in the source.
        let at = self
            .out
            .diagnostics
            .iter()
            .rposition(|d| d.span.start < start)
            .map_or(0, |i| i + 1);
        let diagnostic = Diagnostic::new(
            Code::InvalidNumber,
            Span::new(start, token.span.end),
            message,
        )
        .with_help(help);
        self.out.diagnostics.insert(at, diagnostic);
        if let Some(last) = self.out.tokens.last_mut() {
            last.span.start = digits_start;
        }
    }

    fn fullwidth_number(&mut self) {
        let start = self.pos;
        let len = self
            .rest()
            .find(|c: char| !(is_fullwidth_digit(c) || c.is_ascii_digit() || c == '．' || c == '.'))
            .unwrap_or(self.rest().len());
        let mut end = start + len;
        let mut percent = false;
        if let Some(c @ ('%' | '％')) = self.source.get(end..).and_then(|r| r.chars().next()) {
            end += c.len_utf8();
            percent = true;
        }
        let written = self.source.get(start..end).unwrap_or("");
        self.error(
            Code::InvalidNumber,
            Span::new(start, end),
            format!("expected a number in ASCII digits, found `{written}`"),
            Some(format!("use ASCII digits: `{}`", normalize_number(written))),
        );
        self.pos = end;
        self.push(
            TokenKind::Number {
                percent,
                fullwidth: true,
            },
            Span::new(start, end),
        );
    }

    fn unexpected(&mut self, c: char) {
        let start = self.pos;
        // A comparison typed as one mathematical or full-width sign: report
        // it and read the comparison meant.
        let comparison = match c {
            '≥' | '⩾' => Some((crate::model::CompareOp::Ge, ">=")),
            '≤' | '⩽' => Some((crate::model::CompareOp::Le, "<=")),
            '＞' => Some((crate::model::CompareOp::Gt, ">")),
            '＜' => Some((crate::model::CompareOp::Lt, "<")),
            '＝' => Some((crate::model::CompareOp::Eq, "=")),
            _ => None,
        };
        if let Some((op, ascii)) = comparison {
            let span = Span::new(start, start + c.len_utf8());
            self.error(
                Code::UnexpectedCharacter,
                span,
                format!("unexpected character `{c}`"),
                Some(format!("write the comparison in ASCII: `{ascii}`")),
            );
            self.push(TokenKind::Op(op), span);
            self.pos = span.end;
            return;
        }
        if let Some(ascii) = ascii_for(c) {
            let span = Span::new(start, start + c.len_utf8());
            let help = if c == '“' || c == '”' {
                "write strings between ASCII quotes `\"`".to_owned()
            } else if let Some(help) = no_ascii_either(ascii) {
                // The ASCII character would be an error too: say what to do instead.
                help.to_owned()
            } else {
                format!("use the ASCII `{ascii}` instead")
            };
            self.error(
                Code::UnexpectedCharacter,
                span,
                format!("unexpected full-width character `{c}`"),
                Some(help),
            );
            // Read it as the character meant, so that parsing goes on undisturbed.
            match ascii {
                ',' => self.single_at(TokenKind::Comma, span),
                '{' => self.single_at(TokenKind::LBrace, span),
                '}' => self.single_at(TokenKind::RBrace, span),
                '/' => self.single_at(TokenKind::Slash, span),
                '#' => self.comment(),
                '"' => self.string(span.end, c),
                _ => self.pos = span.end,
            }
            return;
        }
        if is_invisible(c) {
            // Invisible in an editor: name it by its code point.
            let span = Span::new(start, start + c.len_utf8());
            let message = if c == '\u{feff}' {
                "unexpected byte-order mark U+FEFF (only the first character of a file may be one)"
                    .to_owned()
            } else {
                format!("unexpected invisible character U+{:04X}", u32::from(c))
            };
            self.error(
                Code::UnexpectedCharacter,
                span,
                message,
                Some("remove it: a rubric is plain text".to_owned()),
            );
            self.pos = span.end;
            return;
        }
        // A run of other characters (often text that lost its quotes) is one error.
        let len = self
            .rest()
            .find(|ch: char| {
                ch.is_ascii()
                    || ch.is_whitespace()
                    || ascii_for(ch).is_some()
                    || is_fullwidth_digit(ch)
            })
            .unwrap_or(self.rest().len())
            .max(c.len_utf8());
        let span = Span::new(start, start + len);
        let text = self.source.get(span.range()).unwrap_or("");
        // A number just before, on this line: `2 分`, `50 %`.
        let number_before = self
            .out
            .tokens
            .last()
            .filter(|t| {
                matches!(t.kind, TokenKind::Number { .. })
                    && self.source.get(t.span.end..start).is_some_and(|gap| {
                        !gap.is_empty() && gap.chars().all(|g| g == ' ' || g == '\t')
                    })
            })
            .and_then(|t| self.source.get(t.span.range()));
        let unit_like = c == '%' || (!c.is_ascii() && text.chars().count() <= 2);
        if let Some(number) = number_before.filter(|_| unit_like) {
            let help = if c == '%' {
                format!("write the `%` right after the number: `{number}%`")
            } else {
                format!("write the number alone: `{number}`")
            };
            self.error(
                Code::UnexpectedCharacter,
                span,
                format!("unexpected `{text}` after the number `{number}`"),
                Some(help),
            );
            self.pos = span.end;
            return;
        }
        // Right after `per`, with only blanks between: `per 人`.
        let after_per = self.out.tokens.last().is_some_and(|t| {
            t.kind == TokenKind::Ident
                && self.source.get(t.span.range()) == Some("per")
                && self
                    .source
                    .get(t.span.end..start)
                    .is_some_and(|gap| gap.chars().all(|g| g == ' ' || g == '\t'))
        });
        // Right after a keyword that an id follows: `unit 人`, `item 二.1`.
        let id_expected_after = self.out.tokens.last().and_then(|t| {
            let word = self.source.get(t.span.range())?;
            let blank = self
                .source
                .get(t.span.end..start)
                .is_some_and(|gap| !gap.is_empty() && gap.chars().all(|g| g == ' ' || g == '\t'));
            (t.kind == TokenKind::Ident
                && blank
                && matches!(
                    word,
                    "unit"
                        | "item"
                        | "clause"
                        | "section"
                        | "grade"
                        | "veto"
                        | "penalty"
                        | "external"
                ))
            .then_some(word)
        });
        let keyword = CHINESE_KEYWORDS
            .iter()
            .find(|(chinese, _)| *chinese == text)
            .map(|(_, keyword)| *keyword);
        let help = if c == ';' {
            Some("remove the `;`: declarations need no terminator".to_owned())
        } else if c == '\'' {
            Some("write strings between double quotes `\"`".to_owned())
        } else if let Some(help) = no_ascii_either(c) {
            Some(help.to_owned())
        } else if let Some(keyword) = id_expected_after {
            Some(format!(
                "the id after `{keyword}` is written in ASCII (`2.1`, `person`, `a`); Chinese text goes in the quoted title"
            ))
        } else if after_per && !c.is_ascii() {
            Some(format!(
                "`per` takes a unit id, not its measure word: declare `unit ID \"{text}\"` and write `per ID`"
            ))
        } else if let Some(keyword) = keyword {
            Some(format!(
                "did you mean `{keyword}`? keywords are written in English; text goes between quotes"
            ))
        } else if c.is_ascii() {
            None
        } else {
            Some("text must be written between quotes: `\"…\"`".to_owned())
        };
        self.error(
            Code::UnexpectedCharacter,
            span,
            format!("unexpected `{text}`"),
            help,
        );
        self.pos = span.end;
    }

    fn single_at(&mut self, kind: TokenKind, span: Span) {
        self.push(kind, span);
        self.pos = span.end;
    }
}

fn starts_with_digit(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_digit())
}

/// Checks the text after `\u`: `{` 1–6 hex digits naming a scalar value `}`.
/// Returns whether it is valid and how many bytes it spans.
fn unicode_escape(after: &str) -> (bool, usize) {
    let Some(body) = after.strip_prefix('{') else {
        return (false, 0);
    };
    let hex_len = body
        .find(|c: char| !c.is_ascii_hexdigit())
        .unwrap_or(body.len());
    let hex = body.get(..hex_len).unwrap_or("");
    if !body.get(hex_len..).is_some_and(|r| r.starts_with('}')) {
        return (false, 1 + hex_len);
    }
    let valid = (1..=6).contains(&hex_len)
        && u32::from_str_radix(hex, 16)
            .ok()
            .and_then(char::from_u32)
            .is_some();
    (valid, 2 + hex_len)
}

/// The text of a string literal (`raw` without its quotes), escapes resolved.
/// Invalid escapes (already reported) are kept as written.
pub fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(i) = rest.find('\\') {
        out.push_str(rest.get(..i).unwrap_or(""));
        let after = rest.get(i + 1..).unwrap_or("");
        let mut chars = after.chars();
        match chars.next() {
            Some('"') => {
                out.push('"');
                rest = chars.as_str();
            }
            Some('\\') => {
                out.push('\\');
                rest = chars.as_str();
            }
            Some('n') => {
                out.push('\n');
                rest = chars.as_str();
            }
            Some('t') => {
                out.push('\t');
                rest = chars.as_str();
            }
            Some('u') => {
                let body = chars.as_str();
                let (valid, len) = unicode_escape(body);
                let decoded = body
                    .get(1..len.saturating_sub(1))
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .and_then(char::from_u32);
                match (valid, decoded) {
                    (true, Some(c)) => {
                        out.push(c);
                        rest = body.get(len..).unwrap_or("");
                    }
                    _ => {
                        out.push('\\');
                        rest = after;
                    }
                }
            }
            _ => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lexes `input` and renders tokens, comments and diagnostics one per line.
    fn check(input: &str, expected: &str) {
        let lexed = lex(input);
        let mut out = String::new();
        for t in &lexed.tokens {
            let text = input.get(t.span.range()).unwrap_or("?");
            out.push_str(&format!("{:?} `{}`\n", t.kind, text));
        }
        for c in &lexed.comments {
            out.push_str(&format!(
                "comment `{}` own_line={}\n",
                c.comment.text, c.own_line
            ));
        }
        for d in &lexed.diagnostics {
            out.push_str(&format!(
                "{}..{} {}: {}{}\n",
                d.span.start,
                d.span.end,
                d.code,
                d.message,
                d.help
                    .as_deref()
                    .map(|h| format!(" (help: {h})"))
                    .unwrap_or_default()
            ));
        }
        assert_eq!(out.trim_end(), expected.trim(), "\nfor input {input:?}");
    }

    #[test]
    fn tokens() {
        check(
            "item 2.1 \"a\\\"b\" 50% { } , 2.1/a not-applicable # note",
            r#"
Ident `item`
Number { percent: false, fullwidth: false } `2.1`
Str { closed: true } `"a\"b"`
Number { percent: true, fullwidth: false } `50%`
LBrace `{`
RBrace `}`
Comma `,`
Number { percent: false, fullwidth: false } `2.1`
Slash `/`
Ident `a`
Ident `not-applicable`
comment `# note` own_line=false"#,
        );
    }

    #[test]
    fn glued_units_and_bad_numbers() {
        check(
            "0.3分 2分 5. 1e5 -1",
            r#"
Number { percent: false, fullwidth: false } `0.3`
Number { percent: false, fullwidth: false } `2`
Number { percent: false, fullwidth: false } `5`
Number { percent: false, fullwidth: false } `1`
Number { percent: false, fullwidth: false } `1`
0..6 E0104: expected a number, found `0.3分` (help: write the number alone: `0.3`)
7..11 E0104: expected a number, found `2分` (help: write the number alone: `2`)
12..14 E0104: expected a digit after the `.` of `5.` (help: write `5` or `5.0`)
15..18 E0104: expected a plain decimal number, found `1e5` (help: numbers have no exponent; write all the digits)
19..21 E0104: expected a number without a sign, found `-1` (help: numbers have no sign; write `1`)"#,
        );
    }

    #[test]
    fn decimal_commas_and_doubled_dots() {
        check(
            "1,5 0..3 1.2.3 2, 3 、",
            r#"
Number { percent: false, fullwidth: false } `1`
Number { percent: false, fullwidth: false } `0`
Number { percent: false, fullwidth: false } `1.2.3`
Number { percent: false, fullwidth: false } `2`
Comma `,`
Number { percent: false, fullwidth: false } `3`
Comma `、`
0..3 E0104: expected a number, found `1,5` (help: write a decimal with a point: `1.5`)
4..8 E0104: expected a number, found `0..3` (help: a number has at most one `.`: did you mean `0.3`?)
20..23 E0105: unexpected full-width character `、` (help: use the ASCII `,` instead)"#,
        );
    }

    #[test]
    fn chinese_where_a_keyword_or_unit_belongs() {
        check(
            "扣分 2 per 人 责任单位 '",
            r#"
Number { percent: false, fullwidth: false } `2`
Ident `per`
0..6 E0105: unexpected `扣分` (help: did you mean `deduct`? keywords are written in English; text goes between quotes)
13..16 E0105: unexpected `人` (help: `per` takes a unit id, not its measure word: declare `unit ID "人"` and write `per ID`)
17..29 E0105: unexpected `责任单位` (help: did you mean `owner`? keywords are written in English; text goes between quotes)
30..31 E0105: unexpected `'` (help: write strings between double quotes `"`)"#,
        );
    }

    #[test]
    fn invisible_characters_are_named() {
        check(
            "2\u{0}x \u{7} a\u{200b}b \u{feff}",
            r#"
Number { percent: false, fullwidth: false } `2`
Ident `x`
Ident `a`
Ident `b`
1..2 E0105: unexpected invisible character U+0000 (help: remove it: a rubric is plain text)
4..5 E0105: unexpected invisible character U+0007 (help: remove it: a rubric is plain text)
7..10 E0105: unexpected invisible character U+200B (help: remove it: a rubric is plain text)
12..15 E0105: unexpected byte-order mark U+FEFF (only the first character of a file may be one) (help: remove it: a rubric is plain text)"#,
        );
    }

    #[test]
    fn punctuation_invalid_in_ascii_too_gets_a_fix_that_works() {
        check(
            "weight：4 weight: 4 （a） unit 人 item 二",
            r#"
Ident `weight`
Number { percent: false, fullwidth: false } `4`
Ident `weight`
Number { percent: false, fullwidth: false } `4`
Ident `a`
Ident `unit`
Ident `item`
6..9 E0105: unexpected full-width character `：` (help: remove it: a keyword and its value are separated by a space (`weight 4`))
17..18 E0105: unexpected `:` (help: remove it: a keyword and its value are separated by a space (`weight 4`))
21..24 E0105: unexpected full-width character `（` (help: remove it: parentheses belong inside the quoted text)
25..28 E0105: unexpected full-width character `）` (help: remove it: parentheses belong inside the quoted text)
34..37 E0105: unexpected `人` (help: the id after `unit` is written in ASCII (`2.1`, `person`, `a`); Chinese text goes in the quoted title)
43..46 E0105: unexpected `二` (help: the id after `item` is written in ASCII (`2.1`, `person`, `a`); Chinese text goes in the quoted title)"#,
        );
    }

    #[test]
    fn full_width() {
        check(
            "\"a\"，“b” １０",
            r#"
Str { closed: true } `"a"`
Comma `，`
Str { closed: true } `“b”`
Number { percent: false, fullwidth: true } `１０`
3..6 E0105: unexpected full-width character `，` (help: use the ASCII `,` instead)
6..9 E0105: unexpected full-width character `“` (help: write strings between ASCII quotes `"`)
14..20 E0104: expected a number in ASCII digits, found `１０` (help: use ASCII digits: `10`)"#,
        );
    }

    #[test]
    fn unterminated_string_and_escapes() {
        check(
            "\"abc\r\n\"\\q\\u{110000}\"",
            r#"
Str { closed: false } `"abc`
Str { closed: true } `"\q\u{110000}"`
0..1 E0102: expected `"` to close this string, found the end of the line (help: a string ends on the line where it starts; add the closing `"`)
7..9 E0103: unknown escape `\q` (help: the escapes are `\"` `\\` `\n` `\t` `\u{XXXX}`; write a backslash as `\\`)
9..19 E0103: expected `\u{XXXX}` with 1 to 6 hex digits naming a character, found `\u{110000}` (help: write a character as `\u{4E00}`)"#,
        );
    }

    #[test]
    fn units_and_percent_signs_apart_from_their_number() {
        check(
            "2 分 50 %",
            r#"
Number { percent: false, fullwidth: false } `2`
Number { percent: false, fullwidth: false } `50`
2..5 E0105: unexpected `分` after the number `2` (help: write the number alone: `2`)
9..10 E0105: unexpected `%` after the number `50` (help: write the `%` right after the number: `50%`)"#,
        );
    }

    #[test]
    fn unescapes() {
        assert_eq!(unescape(r#"a\"b\\c\nd\te\u{4E00}"#), "a\"b\\c\nd\te一");
        assert_eq!(unescape(r"bad\q\u{zz}"), r"bad\q\u{zz}");
    }
}
