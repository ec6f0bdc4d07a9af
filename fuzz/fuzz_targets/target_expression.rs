//! Target expressions, figures, periods and stated results: the parsers never
//! panic, their error spans lie inside the input on character boundaries
//! (diagnostics quote the source with them), and whatever parses can be
//! assessed and printed.
//!
//! Input: a target expression, then optionally a line with a figure, then
//! optionally a line with a period.
#![no_main]

use std::collections::BTreeMap;

use ketqua::{
    Figure, Observation, ParseError, assess, compatible, margin_text, mismatch, parse_figure,
    parse_period, parse_stated, parse_target,
};
use ketqua::{Language, Strings};
use libfuzzer_sys::fuzz_target;

fn check_span<T>(src: &str, result: &Result<T, ParseError>) {
    if let Err(err) = result {
        let span = &err.span;
        assert!(
            span.start <= span.end && span.end <= src.len(),
            "span {span:?} outside {src:?}"
        );
        assert!(
            src.is_char_boundary(span.start) && src.is_char_boundary(span.end),
            "span {span:?} splits a character of {src:?}"
        );
        assert!(!err.message.en().is_empty());
    }
}

fuzz_target!(|data: &str| {
    let mut lines = data.splitn(3, '\n');
    let target_src = lines.next().unwrap_or("");
    let figure_src = lines.next().unwrap_or("");
    let period_src = lines.next().unwrap_or("");

    let target = parse_target(target_src);
    check_span(target_src, &target);
    let figure = parse_figure(figure_src);
    check_span(figure_src, &figure);
    let period = parse_period(period_src);
    check_span(period_src, &period);
    let _ = parse_stated(data);

    let mut actuals = BTreeMap::new();
    if let Ok(Figure::Number(x)) = figure.as_ref() {
        actuals.insert(2021, *x);
        actuals.insert(2022, -*x);
    }
    let observation = Observation {
        actual: figure.as_ref().ok().copied(),
        actuals: &actuals,
        period: period.as_ref().ok().copied(),
    };
    if let Ok(target) = &target {
        let _ = target.to_string();
        let _ = target.text(&Strings::new(Language::En));
        if let Ok(figure) = &figure {
            assert_eq!(
                compatible(target, figure),
                mismatch(target, figure).is_none()
            );
            let _ = figure.to_string();
        }
        let assessment = assess(Some(target), &observation, 2);
        if let Some(margin) = assessment.margin {
            for language in [Language::Vi, Language::En] {
                let _ = margin_text(margin, target.lower_is_better(), &Strings::new(language));
            }
        }
    }
    let _ = assess(None, &observation, 2);
});
