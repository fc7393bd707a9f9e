//! Human output: the verdict first, then one line per check with a symbol; failing and
//! warning checks say why they matter and how to fix them.

use crate::doctor::{DoctorReport, Status};
use crate::output::{Printer, Style};

fn paint_status(p: &Printer, s: Status, text: &str) -> String {
    let style = match s {
        Status::Pass => Style::Green,
        Status::Warn => Style::Yellow,
        Status::Fail => Style::Red,
        Status::Skip => Style::Dim,
    };
    p.paint(style, text)
}

pub fn render(r: &DoctorReport, p: &Printer) -> String {
    let mut out = vec![];
    let title = match &r.name {
        Some(n) => format!("direkt doctor: {n}"),
        None => "direkt doctor (no name configured yet)".to_string(),
    };
    out.push(format!(
        "{} {}",
        p.paint(Style::Bold, &title),
        p.paint(
            Style::Dim,
            &format!("({:.1} s, {})", r.elapsed_ms as f64 / 1000.0, r.started_at)
        )
    ));
    out.push(String::new());
    let v = &r.verdict;
    out.push(format!(
        "{} {}",
        paint_status(p, v.status, v.status.symbol()),
        p.paint(Style::Bold, &v.summary)
    ));
    if let Some(fix) = &v.fix {
        out.push(format!("  {} {fix}", p.paint(Style::Cyan, "What to do:")));
    }
    out.push(String::new());
    let width = r.checks.iter().map(|c| c.id.len()).max().unwrap_or(10);
    for c in &r.checks {
        out.push(format!(
            "{} {:width$}  {}",
            paint_status(p, c.status, c.status.symbol()),
            c.id,
            c.summary
        ));
        if matches!(c.status, Status::Fail | Status::Warn) {
            let pad = " ".repeat(width + 4);
            if let Some(why) = &c.why {
                out.push(format!(
                    "{pad}{} {why}",
                    p.paint(Style::Dim, "why it matters:")
                ));
            }
            if let Some(fix) = &c.fix {
                out.push(format!(
                    "{pad}{} {fix}",
                    p.paint(Style::Cyan, "how to fix:")
                ));
            }
        }
    }
    let count = |s: Status| r.checks.iter().filter(|c| c.status == s).count();
    out.push(String::new());
    out.push(format!(
        "{} passed, {} warnings, {} failed, {} skipped",
        count(Status::Pass),
        count(Status::Warn),
        count(Status::Fail),
        count(Status::Skip)
    ));
    out.push(p.paint(
        Style::Dim,
        "Symbols: ✓ works  ! works with a caveat  ✗ broken  - not checked (the line says why)",
    ));
    out.join("\n")
}
