//! Exact decimal arithmetic: a sum, difference or product is either exact
//! or refused, never silently rounded.
//!
//! `rust_decimal` keeps at most 28 or 29 significant digits (a 96-bit
//! integer and a scale of 0 to 28). Its `checked_*` operations return `None`
//! only when the *integer part* does not fit; when the fraction does not fit
//! they round it away without a word (`7922816251426433759354395033.5 + 0.01`
//! is `7922816251426433759354395033.5`). The exact result of adding two
//! decimals has the larger of their scales, and the exact product has the
//! sum of their scales; a result with a smaller scale was rounded. These
//! functions check that, retrying once with trailing zeros removed (so
//! `1.000…0 × 2` is not refused for zeros that carry no value).

use rust_decimal::Decimal;
use std::cell::Cell;

/// `a + b`, exactly, or `None`.
pub fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    if sum.scale() >= a.scale().max(b.scale()) {
        return Some(sum);
    }
    let (a, b) = (a.normalize(), b.normalize());
    let sum = a.checked_add(b)?;
    (sum.scale() >= a.scale().max(b.scale())).then_some(sum)
}

/// `a - b`, exactly, or `None`.
pub fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    add(a, -b)
}

/// `a × b`, exactly, or `None`.
pub fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    let product = a.checked_mul(b)?;
    if product.is_zero() || product.scale() >= a.scale() + b.scale() {
        return Some(product);
    }
    let (a, b) = (a.normalize(), b.normalize());
    let product = a.checked_mul(b)?;
    (product.scale() >= a.scale() + b.scale()).then_some(product)
}

/// `a ÷ 100`, exactly (a percentage as a fraction), or `None` when the
/// result would need more than 28 decimal places.
pub fn percent(a: Decimal) -> Option<Decimal> {
    let quotient = a.checked_div(Decimal::ONE_HUNDRED)?;
    let back = quotient.checked_mul(Decimal::ONE_HUNDRED)?;
    (back == a && (quotient.is_zero() == a.is_zero())).then_some(quotient)
}

/// The sum of `values`, exactly, or `None`.
pub fn sum(values: impl IntoIterator<Item = Decimal>) -> Option<Decimal> {
    values.into_iter().try_fold(Decimal::ZERO, add)
}

/// Keeps the first operation that left the exact range, so that a long
/// computation can go on with plain values and be refused at its end.
/// A failed operation gives a saturated value that is never shown.
#[derive(Debug, Default)]
pub struct Guard {
    first: Cell<Option<(Decimal, char, Decimal)>>,
}

impl Guard {
    fn failed(&self, a: Decimal, op: char, b: Decimal, saturated: Decimal) -> Decimal {
        if self.first.get().is_none() {
            self.first.set(Some((a, op, b)));
        }
        saturated
    }

    /// `a + b`, exactly, or a saturated value and the failure kept.
    pub fn add(&self, a: Decimal, b: Decimal) -> Decimal {
        add(a, b).unwrap_or_else(|| self.failed(a, '+', b, a.saturating_add(b)))
    }

    /// `a - b`, exactly, or a saturated value and the failure kept.
    pub fn sub(&self, a: Decimal, b: Decimal) -> Decimal {
        sub(a, b).unwrap_or_else(|| self.failed(a, '-', b, a.saturating_sub(b)))
    }

    /// `a × b`, exactly, or a saturated value and the failure kept.
    pub fn mul(&self, a: Decimal, b: Decimal) -> Decimal {
        mul(a, b).unwrap_or_else(|| self.failed(a, '×', b, a.saturating_mul(b)))
    }

    /// What went out of range, in words, when something did.
    pub fn error(&self) -> Option<String> {
        self.first.get().map(|(a, op, b)| out_of_range(a, op, b))
    }
}

/// "`a op b` cannot be computed exactly": the message for a refused operation.
pub fn out_of_range(a: Decimal, op: char, b: Decimal) -> String {
    format!(
        "{} {op} {} cannot be computed exactly: the result needs more than the 28 significant digits of an exact decimal",
        a.normalize(),
        b.normalize()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn sums_that_would_drop_a_fraction_are_refused() {
        assert_eq!(add(d("0.5"), d("0.25")), Some(d("0.75")));
        assert_eq!(add(d("7922816251426433759354395033.5"), d("0.01")), None);
        assert_eq!(add(d("79228162514264337593543950335"), d("1")), None);
        assert_eq!(
            sub(d("1"), d("0.0000000000000000000000000001")),
            Some(d("0.9999999999999999999999999999"))
        );
    }

    #[test]
    fn products_that_would_be_rounded_are_refused() {
        assert_eq!(mul(d("0.3"), d("7")), Some(d("2.1")));
        assert_eq!(mul(d("90000000000000.5"), d("90000000000001")), None);
        // Trailing zeros carry no value: not a reason to refuse.
        assert_eq!(
            mul(d("1.00000000000000000000"), d("2.0000000000")),
            Some(d("2"))
        );
        assert_eq!(
            mul(Decimal::ZERO, d("79228162514264337593543950335")),
            Some(Decimal::ZERO)
        );
    }

    #[test]
    fn percentages_are_exact_or_refused() {
        assert_eq!(percent(d("42")), Some(d("0.42")));
        assert_eq!(percent(d("12.50")), Some(d("0.125")));
        assert_eq!(percent(d("0.0000000000000000000000000001")), None);
        assert_eq!(percent(d("0.123456789012345678901234567")), None);
        assert_eq!(
            percent(d("7922816251426433759354395033.5")),
            Some(d("79228162514264337593543950.335"))
        );
        assert_eq!(percent(Decimal::ZERO), Some(Decimal::ZERO));
    }

    #[test]
    fn a_guard_keeps_the_first_failure() {
        let guard = Guard::default();
        assert_eq!(guard.add(d("1"), d("2")), d("3"));
        assert_eq!(guard.error(), None);
        let _ = guard.mul(d("90000000000000.5"), d("90000000000001"));
        let _ = guard.add(Decimal::MAX, d("1"));
        let error = guard.error().unwrap_or_default();
        assert!(
            error.starts_with("90000000000000.5 × 90000000000001 cannot"),
            "{error}"
        );
    }

    #[test]
    fn sums_of_many() {
        assert_eq!(sum([d("1"), d("2.5")]), Some(d("3.5")));
        assert_eq!(sum([Decimal::MAX, Decimal::ONE]), None);
    }
}
