//! The token stream as a nom input, and the parser's error type.

use super::lexer::{Token, TokenKind};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use nom::error::{ErrorKind, ParseError};
use nom::{Input, Needed};

/// A window `pos..end` of the token list, with the source the spans point into.
#[derive(Debug, Clone, Copy)]
pub struct Tokens<'a> {
    pub source: &'a str,
    pub all: &'a [Token],
    pub pos: usize,
    pub end: usize,
}

impl<'a> Tokens<'a> {
    pub fn new(source: &'a str, all: &'a [Token], pos: usize) -> Tokens<'a> {
        Tokens {
            source,
            all,
            pos: pos.min(all.len()),
            end: all.len(),
        }
    }

    /// The next token, if any.
    pub fn peek(&self) -> Option<&'a Token> {
        if self.pos < self.end {
            self.all.get(self.pos)
        } else {
            None
        }
    }

    /// The text of a token.
    pub fn text(&self, token: &Token) -> &'a str {
        self.source.get(token.span.range()).unwrap_or("")
    }

    /// The window without its first token.
    pub fn advance(self) -> Tokens<'a> {
        Tokens {
            pos: (self.pos + 1).min(self.end),
            ..self
        }
    }

    /// The end of the last token before the window (0 at the start).
    pub fn previous_end(&self) -> usize {
        self.pos
            .checked_sub(1)
            .and_then(|i| self.all.get(i))
            .map_or(0, |t| t.span.end)
    }

    fn slice(&self) -> &'a [Token] {
        self.all.get(self.pos..self.end).unwrap_or(&[])
    }
}

impl<'a> Input for Tokens<'a> {
    type Item = &'a Token;
    type Iter = std::slice::Iter<'a, Token>;
    type IterIndices = std::iter::Enumerate<std::slice::Iter<'a, Token>>;

    fn input_len(&self) -> usize {
        self.end - self.pos
    }

    fn take(&self, index: usize) -> Self {
        Tokens {
            end: (self.pos + index).min(self.end),
            ..*self
        }
    }

    fn take_from(&self, index: usize) -> Self {
        Tokens {
            pos: (self.pos + index).min(self.end),
            ..*self
        }
    }

    fn take_split(&self, index: usize) -> (Self, Self) {
        (self.take_from(index), self.take(index))
    }

    fn position<P>(&self, predicate: P) -> Option<usize>
    where
        P: Fn(Self::Item) -> bool,
    {
        self.slice().iter().position(predicate)
    }

    fn iter_elements(&self) -> Self::Iter {
        self.slice().iter()
    }

    fn iter_indices(&self) -> Self::IterIndices {
        self.slice().iter().enumerate()
    }

    fn slice_index(&self, count: usize) -> Result<usize, Needed> {
        if count <= self.input_len() {
            Ok(count)
        } else {
            Err(Needed::new(count - self.input_len()))
        }
    }
}

/// Why a parser failed: at which token, and what it expected there; or a
/// finished diagnostic when the problem is more precise than "expected …".
#[derive(Debug, Clone, PartialEq)]
pub struct SyntaxError {
    /// Index of the token where the parser stopped.
    pub pos: usize,
    /// What would have been accepted, as shown to people (`` `deduct` ``, `a number`).
    pub expected: Vec<&'static str>,
    /// A complete diagnostic that replaces the "expected … found …" message.
    pub diagnostic: Option<Box<Diagnostic>>,
}

impl SyntaxError {
    pub fn expected(pos: usize, what: &'static str) -> SyntaxError {
        SyntaxError {
            pos,
            expected: vec![what],
            diagnostic: None,
        }
    }

    pub fn custom(pos: usize, diagnostic: Diagnostic) -> SyntaxError {
        SyntaxError {
            pos,
            expected: Vec::new(),
            diagnostic: Some(Box::new(diagnostic)),
        }
    }
}

impl<'a> ParseError<Tokens<'a>> for SyntaxError {
    fn from_error_kind(input: Tokens<'a>, _kind: ErrorKind) -> Self {
        SyntaxError {
            pos: input.pos,
            expected: Vec::new(),
            diagnostic: None,
        }
    }

    fn append(_input: Tokens<'a>, _kind: ErrorKind, other: Self) -> Self {
        other
    }

    /// Keeps the error that got furthest; at the same token, unites what they expected.
    fn or(mut self, other: Self) -> Self {
        if other.pos > self.pos
            || (other.pos == self.pos && self.diagnostic.is_none() && other.diagnostic.is_some())
        {
            return other;
        }
        if other.pos == self.pos {
            for e in other.expected {
                if !self.expected.contains(&e) {
                    self.expected.push(e);
                }
            }
        }
        self
    }
}

/// The result of a parser over tokens.
pub type PResult<'a, T> = nom::IResult<Tokens<'a>, T, SyntaxError>;

/// How a token is named in "found …".
pub fn describe(tokens: &Tokens<'_>, token: Option<&Token>) -> String {
    match token {
        None => "the end of the file".into(),
        Some(t) => match t.kind {
            TokenKind::Str { .. } => "a string".into(),
            _ => format!("`{}`", tokens.text(t)),
        },
    }
}

/// Where to point for "expected …, found `token`": at the token when it is on
/// the line where something is missing, else just after the previous token.
pub fn error_span(tokens: &Tokens<'_>, pos: usize) -> Span {
    let previous_end = pos
        .checked_sub(1)
        .and_then(|i| tokens.all.get(i))
        .map(|t| t.span.end);
    match (tokens.all.get(pos), previous_end) {
        (Some(t), Some(end)) if t.line_start => Span::at(end),
        (Some(t), _) => t.span,
        (None, Some(end)) => Span::at(end),
        (None, None) => Span::at(tokens.source.len()),
    }
}
