//! Inline SVG charts for the HTML review: no script, no external asset,
//! text escaped. Each function returns one `<svg>` element.

use std::fmt::Write;

/// Escape text for XML / HTML.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: f64 = 640.0;
const LABEL: f64 = 220.0;
const ROW: f64 = 22.0;

/// One bar: label, value, optional interval, optional colour class.
pub struct Bar {
    /// Label left of the bar.
    pub label: String,
    /// Value (drawn from 0).
    pub value: f64,
    /// Interval whiskers.
    pub interval: Option<(f64, f64)>,
    /// Text right of the bar.
    pub text: String,
}

/// Horizontal bars scaled to `[0, max]` with an optional reference line
/// (e.g. NRR 100 %, the base win rate).
pub fn bars(title: &str, bars: &[Bar], reference: Option<(f64, &str)>) -> String {
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    let max = bars
        .iter()
        .map(|b| finite(b.interval.map_or(b.value, |i| i.1.max(b.value))))
        .chain(reference.map(|r| r.0))
        .fold(0.0f64, f64::max)
        .max(1e-12);
    let plot = W - LABEL - 90.0;
    let x = |v: f64| LABEL + plot * (finite(v).max(0.0) / max);
    let h = 30.0 + ROW * bars.len() as f64 + 10.0;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="{t}"><text x="0" y="16" class="t">{t}</text>"#,
        t = esc(title)
    );
    for (k, b) in bars.iter().enumerate() {
        let y = 30.0 + ROW * k as f64;
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{l}</text><rect x="{LABEL}" y="{y}" width="{w:.1}" height="{bh}" class="bar"/>"#,
            lx = LABEL - 6.0,
            ty = y + 14.0,
            l = esc(&b.label),
            w = x(b.value) - LABEL,
            bh = ROW - 6.0
        );
        if let Some((lo, hi)) = b.interval {
            let cy = y + (ROW - 6.0) / 2.0;
            let _ = write!(
                s,
                r#"<line x1="{:.1}" x2="{:.1}" y1="{cy}" y2="{cy}" class="ci"/>"#,
                x(lo),
                x(hi)
            );
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}">{}</text>"#,
            x(b.value).max(x(b.interval.map_or(0.0, |i| i.1))) + 6.0,
            y + 14.0,
            esc(&b.text)
        );
    }
    if let Some((v, label)) = reference {
        let _ = write!(
            s,
            r#"<line x1="{rx:.1}" x2="{rx:.1}" y1="24" y2="{y2}" class="ref"/><text x="{rx:.1}" y="{ty}" text-anchor="middle" class="s">{l}</text>"#,
            rx = x(v),
            y2 = h - 8.0,
            ty = h - 1.0,
            l = esc(label)
        );
    }
    s.push_str("</svg>");
    s
}

/// Paired bars per row: cohort A and cohort B shares (0–1).
pub fn paired(title: &str, rows: &[(String, f64, f64)], a: &str, b: &str) -> String {
    let plot = W - LABEL - 60.0;
    let h = 46.0 + 2.0 * ROW * rows.len() as f64;
    let mut s = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="{t}"><text x="0" y="16" class="t">{t}</text><rect x="{LABEL}" y="24" width="10" height="10" class="bar"/><text x="{ax}" y="33" class="s">{a}</text><rect x="{bx}" y="24" width="10" height="10" class="bar2"/><text x="{bt}" y="33" class="s">{b}</text>"#,
        t = esc(title),
        ax = LABEL + 14.0,
        a = esc(a),
        bx = LABEL + 134.0,
        bt = LABEL + 148.0,
        b = esc(b)
    );
    for (k, (label, va, vb)) in rows.iter().enumerate() {
        let y = 42.0 + 2.0 * ROW * k as f64;
        let w = |v: f64| {
            plot * if v.is_finite() {
                v.clamp(0.0, 1.0)
            } else {
                0.0
            }
        };
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty}" text-anchor="end">{l}</text><rect x="{LABEL}" y="{y}" width="{wa:.1}" height="14" class="bar"/><text x="{xa:.1}" y="{ta}" class="s">{pa:.1}%</text><rect x="{LABEL}" y="{y2}" width="{wb:.1}" height="14" class="bar2"/><text x="{xb:.1}" y="{tb}" class="s">{pb:.1}%</text>"#,
            lx = LABEL - 6.0,
            ty = y + 20.0,
            l = esc(label),
            wa = w(*va),
            xa = LABEL + w(*va) + 4.0,
            ta = y + 12.0,
            pa = 100.0 * va,
            y2 = y + 16.0,
            wb = w(*vb),
            xb = LABEL + w(*vb) + 4.0,
            tb = y + 28.0,
            pb = 100.0 * vb
        );
    }
    s.push_str("</svg>");
    s
}

/// A cumulative gains curve (x, y in 0–1) with the random diagonal.
pub fn gains(title: &str, points: &[(f64, f64)]) -> String {
    let (size, pad) = (300.0, 40.0);
    let px = |x: f64| pad + size * x;
    let py = |y: f64| pad + size * (1.0 - y);
    let mut path = format!("M{:.1},{:.1}", px(0.0), py(0.0));
    for (x, y) in points {
        let _ = write!(path, " L{:.1},{:.1}", px(*x), py(*y));
    }
    format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-label="{t}"><text x="0" y="16" class="t">{t}</text><rect x="{pad}" y="{pad}" width="{size}" height="{size}" class="frame"/><line x1="{x0}" y1="{y0}" x2="{x1}" y2="{y1}" class="ref"/><path d="{path}" class="curve"/><text x="{cx}" y="{by}" text-anchor="middle" class="s">share of accounts, best points first</text><text x="12" y="{cy}" transform="rotate(-90 12 {cy})" text-anchor="middle" class="s">share of wins</text></svg>"#,
        w = size + 2.0 * pad,
        h = size + 2.0 * pad + 10.0,
        t = esc(title),
        x0 = px(0.0),
        y0 = py(0.0),
        x1 = px(1.0),
        y1 = py(1.0),
        cx = pad + size / 2.0,
        by = size + 2.0 * pad + 4.0,
        cy = pad + size / 2.0
    )
}
