//! Property tests of the status rules: what the table-driven tests hold for
//! the seeds' cases, held here for any figure and target.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;

/// A target of any numeric shape, its bounds with at most two decimals.
fn any_target() -> impl Strategy<Value = Target> {
    let bound = (0i64..20_000, 0u32..=2).prop_map(|(m, s)| Decimal::new(m, s));
    (
        0usize..6,
        bound.clone(),
        bound,
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(shape, a, b, percent, per_year)| {
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            let kind = match shape {
                0 => TargetKind::AtLeast(a),
                1 => TargetKind::MoreThan(a),
                2 => TargetKind::AtMost(a),
                3 => TargetKind::LessThan(a),
                4 => TargetKind::Range(lo, hi),
                _ => TargetKind::Duty,
            };
            Target {
                percent: percent || shape == 5,
                per_year,
                kind,
            }
        })
}

/// A written figure: up to four decimals.
fn any_number() -> impl Strategy<Value = Decimal> {
    (-1_000_000i64..100_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s))
}

fn assess_one(target: &Target, actual: Figure, period: Option<(i32, i32)>) -> Assessment {
    let actuals = BTreeMap::new();
    assess(
        Some(target),
        &Observation {
            actual: Some(actual),
            actuals: &actuals,
            period,
        },
        2,
    )
}

proptest! {
    /// A better figure never gets a worse status: higher is better, except
    /// for "at most" and "less than" targets.
    #[test]
    fn status_is_monotonic(target in any_target(), a in any_number(), b in any_number(), years in 0i32..4) {
        let period = Some((2020, 2020 + years));
        let (low, high) = if a <= b { (a, b) } else { (b, a) };
        let s_low = assess_one(&target, Figure::Number(low), period).status;
        let s_high = assess_one(&target, Figure::Number(high), period).status;
        prop_assert_ne!(s_low, Status::NotAssessed);
        if target.lower_is_better() {
            prop_assert!(s_low >= s_high, "{target}: {low} → {s_low:?}, {high} → {s_high:?}");
        } else {
            prop_assert!(s_low <= s_high, "{target}: {low} → {s_low:?}, {high} → {s_high:?}");
        }
    }

    /// A computed figure as shown stands on the same side of every bound of
    /// its target as the exact figure: rounding never carries it across.
    #[test]
    fn shown_never_crosses_the_target(target in any_target(), num in 0i64..100_000, extra in 0i64..1000, places in 0u32..=3) {
        let den = num + extra + 1;
        let figure = Figure::Fraction { num: Decimal::from(num), den: Decimal::from(den) };
        let Some(exact) = figure.value() else { return Err(TestCaseError::fail("no value")) };
        let Some(shown) = super::shown(exact, Some(&target), places) else {
            return Err(TestCaseError::fail("not shown"));
        };
        let shown_exact = Exact::from_decimal(shown).expect("a decimal");
        for bound in target.bounds() {
            let bound = Exact::from_decimal(bound).expect("a decimal");
            prop_assert_eq!(exact.cmp_exact(bound), shown_exact.cmp_exact(bound), "{} → {}", target, shown);
        }
        // And it is the nearest figure at those places, or one step off.
        let step = Exact::ratio(1, 10i128.pow(places)).expect("a step");
        let off = exact.checked_sub(shown_exact).expect("small").abs();
        prop_assert!(off.cmp_exact(step) != Some(Ordering::Greater));
    }

    /// A figure formatted the Vietnamese way reads back as the same figure,
    /// with the same digits.
    #[test]
    fn figures_read_back(x in any_number(), den in 1i64..100_000) {
        let number = Figure::Number(x);
        let back = parse_figure(&number.to_string());
        prop_assert_eq!(back.clone(), Ok(number));
        prop_assert_eq!(back.map(|f| f.to_string()), Ok(number.to_string()));
        let fraction = Figure::Fraction { num: x.abs().trunc(), den: Decimal::from(den) };
        prop_assert_eq!(parse_figure(&fraction.to_string()), Ok(fraction));
    }

    /// Targets written with any digits read back from their display.
    #[test]
    fn targets_read_back(target in any_target()) {
        prop_assert_eq!(parse_target(&target.to_string()), Ok(target));
    }
}
