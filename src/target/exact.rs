//! Exact rational numbers for the status rules.
//!
//! Every figure a report writes is a decimal ("57,7", "305", "0,001"), and
//! every figure the rules compute from them is a quotient of decimals (41/71 ×
//! 100, a mean of yearly figures, a share of a target). [`Exact`] holds such a
//! quotient as two integers, so comparing a figure with its target is exact and
//! rounding happens once, for display ([`Exact::round`]). Arithmetic is checked:
//! a result that does not fit is `None`, never a wrong value.
//!
//! `rust_decimal` holds the written figures (with their written digits); its
//! division rounds to 28 digits, which is why the quotients are kept here as
//! integer fractions rather than as decimals.

use std::cmp::Ordering;

use rust_decimal::Decimal;

/// A rational number `num / den` with `den > 0`, in lowest terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Exact {
    num: i128,
    den: i128,
}

/// How [`Exact::round`] breaks ties and picks a side.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// To the nearest, half away from zero.
    Nearest,
    /// Toward −∞.
    Down,
    /// Toward +∞.
    Up,
}

impl Exact {
    pub const ZERO: Exact = Exact { num: 0, den: 1 };
    pub const HUNDRED: Exact = Exact { num: 100, den: 1 };

    /// `num / den`; `None` when `den` is 0 or a value does not fit.
    pub fn ratio(num: i128, den: i128) -> Option<Exact> {
        if den == 0 {
            return None;
        }
        let (num, den) = if den < 0 {
            (num.checked_neg()?, den.checked_neg()?)
        } else {
            (num, den)
        };
        let g = gcd(num.unsigned_abs(), den.unsigned_abs());
        let g = i128::try_from(g).ok()?;
        Some(Exact {
            num: num / g,
            den: den / g,
        })
    }

    /// An integer.
    pub fn int(n: i64) -> Exact {
        Exact {
            num: i128::from(n),
            den: 1,
        }
    }

    /// A decimal, exactly.
    pub fn from_decimal(d: Decimal) -> Option<Exact> {
        let den = 10i128.checked_pow(d.scale())?;
        Exact::ratio(d.mantissa(), den)
    }

    pub fn checked_add(self, other: Exact) -> Option<Exact> {
        let num = self
            .num
            .checked_mul(other.den)?
            .checked_add(other.num.checked_mul(self.den)?)?;
        Exact::ratio(num, self.den.checked_mul(other.den)?)
    }

    pub fn checked_sub(self, other: Exact) -> Option<Exact> {
        self.checked_add(Exact {
            num: other.num.checked_neg()?,
            den: other.den,
        })
    }

    pub fn checked_mul(self, other: Exact) -> Option<Exact> {
        // Cross-reduce first to keep the integers small.
        let g1 = i128::try_from(gcd(self.num.unsigned_abs(), other.den.unsigned_abs())).ok()?;
        let g2 = i128::try_from(gcd(other.num.unsigned_abs(), self.den.unsigned_abs())).ok()?;
        let num = (self.num / g1.max(1)).checked_mul(other.num / g2.max(1))?;
        let den = (self.den / g2.max(1)).checked_mul(other.den / g1.max(1))?;
        Exact::ratio(num, den)
    }

    /// `self / other`; `None` for a division by 0.
    pub fn checked_div(self, other: Exact) -> Option<Exact> {
        if other.num == 0 {
            return None;
        }
        self.checked_mul(Exact::ratio(other.den, other.num)?)
    }

    /// Exact comparison; `None` only when the cross products do not fit.
    pub fn cmp_exact(self, other: Exact) -> Option<Ordering> {
        let a = self.num.checked_mul(other.den)?;
        let b = other.num.checked_mul(self.den)?;
        Some(a.cmp(&b))
    }

    pub fn is_zero(self) -> bool {
        self.num == 0
    }

    pub fn is_negative(self) -> bool {
        self.num < 0
    }

    pub fn abs(self) -> Exact {
        Exact {
            num: self.num.saturating_abs(),
            den: self.den,
        }
    }

    /// Whether the value is a decimal with at most `places` decimals.
    pub fn fits_places(self, places: u32) -> bool {
        10i128
            .checked_pow(places)
            .and_then(|p| self.num.checked_mul(p))
            .is_some_and(|n| n % self.den == 0)
    }

    /// The value rounded once to `places` decimals, as a decimal with exactly
    /// that scale; `None` when it does not fit a decimal.
    pub fn round(self, places: u32, mode: Rounding) -> Option<Decimal> {
        let scaled = self.num.checked_mul(10i128.checked_pow(places)?)?;
        let q = scaled.div_euclid(self.den);
        let r = scaled.rem_euclid(self.den);
        let q = match mode {
            _ if r == 0 => q,
            Rounding::Down => q,
            Rounding::Up => q.checked_add(1)?,
            Rounding::Nearest => {
                // q ≤ x < q + 1 (in units of the last place); ties go away
                // from zero.
                match (r.checked_mul(2)?).cmp(&self.den) {
                    Ordering::Less => q,
                    Ordering::Greater => q.checked_add(1)?,
                    Ordering::Equal if scaled < 0 => q,
                    Ordering::Equal => q.checked_add(1)?,
                }
            }
        };
        Decimal::try_from_i128_with_scale(q, places).ok()
    }

    /// The value rounded to `places` decimals half away from zero, unless
    /// that would move it across one of `pivots` (a target, 100 %, 0): then
    /// rounded toward the side it is on, so that a figure short of its target
    /// never shows as reaching it. A pivot must have at most `places`
    /// decimals for this to hold. A value that needs fewer decimals keeps
    /// only those (3, not 3,00; 57,7, not 57,70).
    pub fn round_within(self, places: u32, pivots: &[Exact]) -> Option<Decimal> {
        let nearest = self.round(places, Rounding::Nearest)?;
        let shown = Exact::from_decimal(nearest)?;
        if shown == self {
            return Some(nearest.normalize());
        }
        for &pivot in pivots {
            let exact_side = self.cmp_exact(pivot)?;
            let shown_side = shown.cmp_exact(pivot)?;
            if exact_side != shown_side {
                let mode = match exact_side {
                    Ordering::Less => Rounding::Down,
                    _ => Rounding::Up,
                };
                return self.round(places, mode);
            }
        }
        Some(nearest)
    }

    /// The nearest `f64`, for drawing only (never for comparing).
    pub fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// The value at full precision: 28 significant digits at most, for the
    /// JSON export ("57.74647887323943661971830986").
    pub fn to_decimal(self) -> Option<Decimal> {
        let num = Decimal::try_from_i128_with_scale(self.num, 0).ok()?;
        let den = Decimal::try_from_i128_with_scale(self.den, 0).ok()?;
        num.checked_div(den).map(|d| d.normalize())
    }
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn e(s: &str) -> Exact {
        Exact::from_decimal(d(s)).unwrap()
    }

    #[test]
    fn forty_one_of_seventy_one() {
        let share = Exact::int(41)
            .checked_mul(Exact::HUNDRED)
            .and_then(|x| x.checked_div(Exact::int(71)))
            .unwrap();
        assert_eq!(share.round(2, Rounding::Nearest), Some(d("57.75")));
        assert_eq!(share.round(1, Rounding::Nearest), Some(d("57.7")));
        // Of a 60% target: 96,24%, not 57,75 / 60 = 96,25%.
        let of_target = share
            .checked_mul(Exact::HUNDRED)
            .and_then(|x| x.checked_div(e("60")))
            .unwrap();
        assert_eq!(of_target.round(2, Rounding::Nearest), Some(d("96.24")));
        assert_eq!(share.cmp_exact(e("60")), Some(Ordering::Less));
    }

    #[test]
    fn rounding_never_crosses_a_pivot() {
        let x = Exact::ratio(19_999, 20_000)
            .unwrap()
            .checked_mul(Exact::HUNDRED)
            .unwrap();
        assert_eq!(x.round(2, Rounding::Nearest), Some(d("100.00")));
        assert_eq!(x.round_within(2, &[Exact::HUNDRED]), Some(d("99.99")));
        assert_eq!(
            e("3").round_within(2, &[]).map(|d| d.to_string()),
            Some("3".into())
        );
        assert_eq!(
            e("57.7").round_within(2, &[]).map(|d| d.to_string()),
            Some("57.7".into())
        );
        let above = e("60.001");
        assert_eq!(above.round_within(2, &[e("60")]), Some(d("60.01")));
        let neg = e("-0.005");
        assert_eq!(neg.round(2, Rounding::Nearest), Some(d("-0.01")));
        assert_eq!(e("0.125").round(2, Rounding::Nearest), Some(d("0.13")));
    }

    #[test]
    fn overflow_is_none() {
        let big = Exact::ratio(i128::MAX, 1).unwrap();
        assert_eq!(big.checked_add(big), None);
        assert_eq!(big.checked_mul(Exact::int(2)), None);
        assert_eq!(Exact::ratio(1, 0), None);
        assert_eq!(Exact::int(1).checked_div(Exact::ZERO), None);
    }

    #[test]
    fn places_and_full_precision() {
        assert!(e("0.001").fits_places(3));
        assert!(!e("0.001").fits_places(2));
        let third = Exact::ratio(1, 3).unwrap();
        assert_eq!(
            third.to_decimal().map(|d| d.to_string()),
            Some("0.3333333333333333333333333333".to_string())
        );
    }
}
