//! Tests of the generator: determinism (seeds, threads, chunk sizes), the
//! schema, the bundled sample, and — on 200,000 accounts — that every planted
//! effect is in the data, within tolerances derived from sampling error.

// The statistics walk many parallel columns row by row: an index is clearer
// than zipping a dozen iterators.
#![allow(clippy::needless_range_loop)]

use super::model::*;
use super::*;
use crate::table::{CsvOptions, Dimension, FLAG_MISSING, Kind, MISSING_CODE, Role};
use std::sync::OnceLock;

// ------------------------------------------------------------------ helpers

fn csv_of(table: &AccountTable) -> Vec<u8> {
    let mut out = Vec::new();
    table.write_csv(&mut out).unwrap();
    out
}

/// The big shared sample of the statistical tests: 200,000 accounts, seed 1
/// (or `ICPFIT_SYNTH_TEST_SEED`, to check that the tolerances hold for other
/// draws too).
fn big() -> &'static Synth {
    static BIG: OnceLock<Synth> = OnceLock::new();
    BIG.get_or_init(|| {
        let seed = std::env::var("ICPFIT_SYNTH_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or(1);
        generate(&SynthConfig::new(200_000, seed)).unwrap()
    })
}

/// Tolerance in standard errors for every statistical check. The data is
/// deterministic (fixed seed), so these tests cannot flake; 4 SE keeps them
/// honest about sampling error without being tuned to one draw.
const Z: f64 = 4.0;

struct View<'a> {
    t: &'a AccountTable,
}

impl<'a> View<'a> {
    fn codes(&self, col: &str) -> &'a [u32] {
        self.t.categorical(col).unwrap().codes()
    }
    fn code(&self, col: &str, level: &str) -> u32 {
        self.t.categorical(col).unwrap().code_of(level).unwrap()
    }
    fn num(&self, col: &str) -> &'a [f64] {
        self.t.numeric(col).unwrap()
    }
    fn has(&self, tag: &str) -> Vec<u8> {
        Criterion::HasTag {
            column: "tech_stack".into(),
            tag: tag.into(),
        }
        .evaluate(self.t)
        .unwrap()
    }
    fn closed(&self) -> Vec<bool> {
        let open = self.code("outcome", "open");
        self.codes("outcome").iter().map(|&c| c != open).collect()
    }
    fn won(&self) -> Vec<bool> {
        let won = self.code("outcome", "won");
        self.codes("outcome").iter().map(|&c| c == won).collect()
    }
}

/// A 2×2 table: exposed / unexposed × event / no event.
#[derive(Default, Clone, Copy, Debug)]
struct Two {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
}

impl Two {
    fn add(&mut self, exposed: bool, event: bool) {
        match (exposed, event) {
            (true, true) => self.a += 1.0,
            (true, false) => self.b += 1.0,
            (false, true) => self.c += 1.0,
            (false, false) => self.d += 1.0,
        }
    }
    fn n(&self) -> f64 {
        self.a + self.b + self.c + self.d
    }
    fn log_or(&self) -> (f64, f64) {
        (
            (self.a * self.d / (self.b * self.c)).ln(),
            (1.0 / self.a + 1.0 / self.b + 1.0 / self.c + 1.0 / self.d).sqrt(),
        )
    }
}

/// Mantel–Haenszel log odds ratio with the Robins–Breslow–Greenland SE.
fn mh_log_or(strata: &[Two]) -> (f64, f64) {
    let (mut r, mut s, mut pr, mut ps_qr, mut qs) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for t in strata.iter().filter(|t| t.n() > 0.0) {
        let n = t.n();
        let (rk, sk) = (t.a * t.d / n, t.b * t.c / n);
        let (pk, qk) = ((t.a + t.d) / n, (t.b + t.c) / n);
        r += rk;
        s += sk;
        pr += pk * rk;
        ps_qr += pk * sk + qk * rk;
        qs += qk * sk;
    }
    let var = pr / (2.0 * r * r) + ps_qr / (2.0 * r * s) + qs / (2.0 * s * s);
    ((r / s).ln(), var.sqrt())
}

/// Mantel–Haenszel log risk ratio (exposed vs unexposed) with the
/// Greenland–Robins SE.
fn mh_log_rr(strata: &[Two]) -> (f64, f64) {
    let (mut num, mut den, mut v) = (0.0, 0.0, 0.0);
    for t in strata.iter().filter(|t| t.n() > 0.0) {
        let n = t.n();
        let (n1, n0, m1) = (t.a + t.b, t.c + t.d, t.a + t.c);
        num += t.a * n0 / n;
        den += t.c * n1 / n;
        v += (n1 * n0 * m1 - t.a * t.c * n) / (n * n);
    }
    ((num / den).ln(), (v / (num * den)).sqrt())
}

/// A proportion and its standard error.
fn prop(hits: usize, n: usize) -> (f64, f64) {
    let p = hits as f64 / n as f64;
    (p, (p * (1.0 - p) / n as f64).sqrt())
}

fn assert_near(what: &str, got: f64, se: f64, want: f64) {
    assert!(
        (got - want).abs() <= Z * se,
        "{what}: got {got:.4}, planted/expected {want:.4}, {Z} SE = {:.4}",
        Z * se
    );
}

/// Pearson chi-square of independence of a categorical column and a binary
/// event over the selected rows.
fn chi_square(codes: &[u32], levels: usize, event: &[bool], keep: &[bool]) -> (f64, usize) {
    let mut counts = vec![[0.0f64; 2]; levels];
    for i in 0..codes.len() {
        if keep[i] && codes[i] != MISSING_CODE {
            counts[codes[i] as usize][usize::from(event[i])] += 1.0;
        }
    }
    let total: f64 = counts.iter().map(|c| c[0] + c[1]).sum();
    let p1 = counts.iter().map(|c| c[1]).sum::<f64>() / total;
    let mut chi = 0.0;
    let mut used = 0;
    for c in counts.iter().filter(|c| c[0] + c[1] > 0.0) {
        let n = c[0] + c[1];
        let (e1, e0) = (n * p1, n * (1.0 - p1));
        chi += (c[1] - e1).powi(2) / e1 + (c[0] - e0).powi(2) / e0;
        used += 1;
    }
    (chi, used - 1)
}

// ------------------------------------------------------------------ determinism

#[test]
fn same_seed_same_bytes_different_seed_different_bytes() {
    let cfg = SynthConfig::new(3 * BLOCK_ROWS + 123, 5);
    let a = csv_of(&generate(&cfg).unwrap().table);
    let b = csv_of(&generate(&cfg).unwrap().table);
    assert!(a == b, "same seed must give identical bytes");
    let c = csv_of(&generate(&SynthConfig { seed: 6, ..cfg }).unwrap().table);
    assert!(a != c, "another seed must give other data");
    // A different size changes nothing but the length: row k is row k.
    let small = csv_of(&generate(&SynthConfig::new(1_000, 5)).unwrap().table);
    assert!(a.starts_with(&small[..small.len() - 1]));
}

#[test]
fn thread_count_does_not_change_the_output() {
    let cfg = SynthConfig::new(5 * BLOCK_ROWS + 17, 11);
    let run = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
            .install(|| {
                let mut streamed = Vec::new();
                write_csv(&cfg, &mut streamed).unwrap();
                (csv_of(&generate(&cfg).unwrap().table), streamed)
            })
    };
    let (one, one_streamed) = run(1);
    let (two, two_streamed) = run(2);
    let (three, _) = run(3);
    assert!(
        one == two && two == three,
        "in-memory output depends on threads"
    );
    assert!(
        one_streamed == two_streamed,
        "streamed output depends on threads"
    );
    assert!(one == one_streamed);
}

#[test]
fn streaming_equals_in_memory_for_any_chunk_size() {
    let cfg = SynthConfig::new(2 * BLOCK_ROWS + 1_905, 3);
    let synth = generate(&cfg).unwrap();
    let whole = csv_of(&synth.table);
    let mut streamed = Vec::new();
    let truth = write_csv(&cfg, &mut streamed).unwrap();
    assert!(streamed == whole, "write_csv differs from table.write_csv");
    assert_eq!(truth, synth.truth);
    for chunk_rows in [1_000, BLOCK_ROWS, BLOCK_ROWS + 1, 5_000, cfg.n_accounts + 5] {
        let mut out = Vec::new();
        let mut sizes = Vec::new();
        generate_chunks(&cfg, chunk_rows, |chunk| {
            sizes.push(chunk.n_rows());
            let bytes = csv_of(&chunk);
            // ok: the header line always exists.
            let body = bytes.iter().position(|&b| b == b'\n').unwrap() + 1;
            if out.is_empty() {
                out.extend_from_slice(&bytes);
            } else {
                out.extend_from_slice(&bytes[body..]);
            }
            Ok(())
        })
        .unwrap();
        assert!(out == whole, "chunks of {chunk_rows} differ");
        assert!(sizes[..sizes.len() - 1].iter().all(|&s| s == chunk_rows));
        assert_eq!(sizes.iter().sum::<usize>(), cfg.n_accounts);
    }
    // Tiny chunks on a tiny export.
    let cfg = SynthConfig::new(300, 4);
    let whole = generate(&cfg).unwrap().table;
    let mut rows = Vec::new();
    generate_chunks(&cfg, 1, |c| {
        rows.push(c.text("account_id").unwrap().get(0).unwrap().to_owned());
        Ok(())
    })
    .unwrap();
    let ids: Vec<String> = (0..300)
        .map(|i| whole.text("account_id").unwrap().get(i).unwrap().to_owned())
        .collect();
    assert_eq!(rows, ids);
}

#[test]
fn sink_errors_stop_the_stream_and_bad_arguments_are_typed() {
    let mut calls = 0;
    let err = generate_chunks(&SynthConfig::new(10_000, 1), 1_000, |_| {
        calls += 1;
        Err(crate::Error::invalid("sink", "full"))
    })
    .unwrap_err();
    assert_eq!(calls, 1);
    assert!(err.to_string().contains("sink"));
    assert!(matches!(
        generate_chunks(&SynthConfig::new(10, 1), 0, |_| Ok(())),
        Err(crate::Error::InvalidArgument { ref name, .. }) if name == "chunk_rows"
    ));
    assert!(matches!(
        generate(&SynthConfig::new(0, 1)),
        Err(crate::Error::InvalidArgument { ref name, .. }) if name == "n_accounts"
    ));
    assert!(write_csv(&SynthConfig::new(0, 1), Vec::new()).is_err());
}

// ------------------------------------------------------------------ schema

#[test]
fn schema_matches_the_documentation() {
    let synth = generate(&SynthConfig::new(5_000, 2)).unwrap();
    let t = &synth.table;
    let docs = &synth.truth.columns;
    assert_eq!(t.n_cols(), docs.len());
    for (f, d) in t.schema().fields().iter().zip(docs) {
        assert_eq!(
            (&f.name, f.kind, f.role, f.dimension),
            (&d.name, d.kind, d.role, d.dimension)
        );
    }
    let field = |n: &str| t.schema().field(n).unwrap().clone();
    assert_eq!(t.schema().id_column().unwrap().name, "account_id");
    for outcome in [
        "close_date",
        "outcome",
        "loss_reason",
        "competitor",
        "retention_status",
        "start_arr",
        "current_arr",
        "nps",
        "support_tickets",
        "time_to_value_days",
        "fit_tag_90d",
        "champion_changed",
        "adoption_90d",
    ] {
        assert_eq!(field(outcome).role, Role::Outcome, "{outcome}");
    }
    for (name, dim) in [
        ("industry", Dimension::Firmographic),
        ("employees", Dimension::Firmographic),
        ("founded_year", Dimension::Firmographic),
        ("funding_stage", Dimension::Stage),
        ("tech_stack", Dimension::Technographic),
        ("lead_source", Dimension::Behavioral),
        ("ae", Dimension::Behavioral),
        ("noise_segment", Dimension::Other),
    ] {
        assert_eq!(field(name).role, Role::Attribute, "{name}");
        assert_eq!(field(name).dimension, dim, "{name}");
    }
    // Ids: unique, `A` + 7 digits, 1-based.
    let ids = t.text("account_id").unwrap();
    assert_eq!(ids.get(0), Some("A0000001"));
    assert_eq!(ids.get(4_999), Some("A0005000"));
    let wide = generate(&SynthConfig::new(3, 1)).unwrap();
    assert_eq!(
        wide.table.text("account_id").unwrap().get(2),
        Some("A0000003")
    );
    // Level counts as documented.
    let v = View { t };
    assert_eq!(t.categorical("industry").unwrap().levels().len(), 9);
    assert_eq!(t.categorical("noise_segment").unwrap().levels().len(), 40);
    assert_eq!(t.categorical("ae").unwrap().levels().len(), 20);
    assert_eq!(t.tag_set("tech_stack").unwrap().tags().len(), 12);
    for (i, &s) in v.codes("sub_industry").iter().enumerate() {
        let sub = SUB_INDUSTRIES[s as usize];
        assert_eq!(v.codes("industry")[i] as usize, sub.1);
        assert!(sub.0.starts_with(INDUSTRIES[sub.1]));
    }
    // Ranges.
    let emp = v.num("employees");
    assert!(
        emp.iter()
            .all(|&e| (10.0..=20_000.0).contains(&e) && e.fract() == 0.0)
    );
    assert!(v.num("discount").iter().all(|&d| (0.0..=0.4).contains(&d)));
    assert!(
        v.num("nps")
            .iter()
            .all(|&x| x.is_nan() || (0.0..=10.0).contains(&x))
    );
    let adoption = v.num("adoption_90d");
    assert!(
        adoption
            .iter()
            .all(|&x| x.is_nan() || (0.0..=1.0).contains(&x))
    );
    let (first, last) = synth.truth.config.close_date_range();
    assert!(
        t.date("close_date")
            .unwrap()
            .iter()
            .all(|&d| d == crate::table::DATE_MISSING || (first..=last).contains(&d))
    );
}

#[test]
fn csv_reads_back_to_the_same_bytes() {
    let synth = generate(&SynthConfig::new(3_000, 9)).unwrap();
    let bytes = csv_of(&synth.table);
    let back = AccountTable::from_csv_reader(&bytes[..], &CsvOptions::default()).unwrap();
    for (a, b) in back
        .schema()
        .fields()
        .iter()
        .zip(synth.table.schema().fields())
    {
        assert_eq!(
            (&a.name, a.kind),
            (&b.name, b.kind),
            "kind inferred on read"
        );
    }
    // Same values (the reader orders tags by first appearance).
    let norm = |t: &AccountTable, j: usize, i: usize| {
        let v = t.columns()[j].display_value(i);
        match t.columns()[j].kind() {
            Kind::TagSet => v.map(|s| {
                let mut tags: Vec<&str> = s.split(';').collect();
                tags.sort_unstable();
                tags.join(";")
            }),
            _ => v,
        }
    };
    for j in 0..back.n_cols() {
        for i in 0..back.n_rows() {
            assert_eq!(
                norm(&back, j, i),
                norm(&synth.table, j, i),
                "column {j} row {i}"
            );
        }
    }
}

#[test]
fn missing_values_follow_the_outcome() {
    let t = &big().table;
    let v = View { t };
    let (open, won) = (v.code("outcome", "open"), v.code("outcome", "won"));
    let comp_reason = v.code("loss_reason", "competitor");
    let outcome = v.codes("outcome");
    let customer_cols = [
        "retention_status",
        "start_arr",
        "current_arr",
        "support_tickets",
        "time_to_value_days",
        "fit_tag_90d",
        "champion_changed",
        "adoption_90d",
    ];
    for i in 0..t.n_rows() {
        let o = outcome[i];
        for c in customer_cols {
            assert_eq!(t.column(c).unwrap().is_missing(i), o != won, "{c} row {i}");
        }
        assert_eq!(t.column("close_date").unwrap().is_missing(i), o == open);
        assert_eq!(
            t.column("loss_reason").unwrap().is_missing(i),
            o == open || o == won
        );
        let reason = v.codes("loss_reason")[i];
        if reason == comp_reason {
            assert!(!t.column("competitor").unwrap().is_missing(i));
        } else if o != won {
            assert!(t.column("competitor").unwrap().is_missing(i));
        }
    }
    let nps_missing = t.column("nps").unwrap().missing_count();
    let customers = outcome.iter().filter(|&&o| o == won).count();
    let answered = prop(t.n_rows() - nps_missing, customers);
    assert_near("NPS response rate", answered.0, answered.1, P_NPS_ANSWERED);
    let (p_open, se) = prop(outcome.iter().filter(|&&o| o == open).count(), t.n_rows());
    assert_near("open share", p_open, se, P_OPEN);
    let (p, se) = prop(t.column("tech_stack").unwrap().missing_count(), t.n_rows());
    assert_near("tech_stack missing", p, se, P_MISSING_TECH);
}

// ------------------------------------------------------------------ the truth

#[test]
fn size_bands_and_outcome_mix_match_the_model() {
    let s = big();
    let v = View { t: &s.table };
    let n = s.table.n_rows();
    let mut counts = [0usize; N_BANDS];
    for &e in v.num("employees") {
        counts[band_of(e)] += 1;
    }
    for (k, share) in s.truth.mix.size_bands.iter().enumerate() {
        let (p, se) = prop(counts[k], n);
        assert_near(&format!("band {}", share.name), p, se, share.share);
    }
    let closed = v.closed();
    let won = v.won();
    let n_closed = closed.iter().filter(|&&c| c).count();
    let (p, se) = prop(won.iter().filter(|&&w| w).count(), n_closed);
    assert_near("win rate", p, se, s.truth.win.win_rate);
    let lost = v.code("outcome", "lost");
    let (p, se) = prop(
        v.codes("outcome").iter().filter(|&&o| o == lost).count(),
        n_closed,
    );
    assert_near("lost share", p, se, s.truth.mix.lost);
}

#[test]
fn win_drivers_have_their_planted_odds_ratios() {
    let s = big();
    let t = &s.table;
    let v = View { t };
    let closed = v.closed();
    let won = v.won();
    let marketplaces = v.code("sub_industry", SUB_INDUSTRIES[MARKETPLACES].0);
    let x: Vec<Vec<u8>> = s
        .truth
        .win
        .drivers
        .iter()
        .map(|d| d.criterion.evaluate(t).unwrap())
        .collect();
    for (k, driver) in s.truth.win.drivers.iter().enumerate() {
        // Conditional: stratified by the other three drivers, outside the
        // competitor's segment (where the model is exactly logistic).
        let mut strata = vec![Two::default(); 8];
        // Marginal: the plain 2×2 over all closed deals.
        let mut plain = Two::default();
        for i in 0..t.n_rows() {
            if !closed[i] || x.iter().any(|c| c[i] == FLAG_MISSING) {
                continue;
            }
            plain.add(x[k][i] == 1, won[i]);
            if v.codes("sub_industry")[i] == marketplaces {
                continue;
            }
            let mut stratum = 0;
            for (_, c) in x.iter().enumerate().filter(|(j, _)| *j != k) {
                stratum = stratum * 2 + usize::from(c[i]);
            }
            strata[stratum].add(x[k][i] == 1, won[i]);
        }
        let (lor, se) = mh_log_or(&strata);
        assert_near(
            &format!("{} log-odds (MH)", driver.name),
            lor,
            se,
            driver.log_odds,
        );
        let (lor, se) = plain.log_or();
        assert_near(
            &format!("{} 2×2 log OR", driver.name),
            lor,
            se,
            driver.marginal_odds_ratio.ln(),
        );
        assert!(driver.odds_ratio > 1.5, "every driver is a real effect");
    }
}

#[test]
fn competitor_owns_its_segment() {
    let s = big();
    let t = &s.table;
    let v = View { t };
    let truth = &s.truth.competitor;
    let seg = truth.segment.evaluate(t).unwrap();
    let comp = v.code("competitor", &truth.competitor);
    let lost = v.code("outcome", "lost");
    let (mut contested, mut owned) = ([0usize; 2], [0usize; 2]);
    for i in 0..t.n_rows() {
        let c = v.codes("competitor")[i];
        if c == MISSING_CODE {
            continue;
        }
        let k = usize::from(seg[i] != 1);
        contested[k] += 1;
        if c == comp && v.codes("outcome")[i] == lost {
            owned[k] += 1;
        }
    }
    let (inside, se_in) = prop(owned[0], contested[0]);
    let (outside, se_out) = prop(owned[1], contested[1]);
    assert!(
        inside >= 0.6,
        "CompB wins {inside:.3} of contested deals in its segment"
    );
    assert!(
        outside < 0.4,
        "CompB wins {outside:.3} of contested deals elsewhere"
    );
    assert_near(
        "share in segment",
        inside,
        se_in,
        truth.share_of_contested_in_segment,
    );
    assert_near(
        "share elsewhere",
        outside,
        se_out,
        truth.share_of_contested_elsewhere,
    );
}

#[test]
fn loss_types_have_their_planted_shares() {
    let s = big();
    let t = &s.table;
    let v = View { t };
    let fit = s.truth.icp.rule.evaluate(t).unwrap();
    let (lost, nd) = (v.code("outcome", "lost"), v.code("outcome", "no_decision"));
    let comp_reason = v.code("loss_reason", "competitor");
    // Keep the rows whose tech stack is known: a random 96 % (dropping only
    // the rows whose *fit* is unknown would select on size and industry).
    let tech = t.column("tech_stack").unwrap();
    let mut n = [0usize; 3];
    for i in 0..t.n_rows() {
        let o = v.codes("outcome")[i];
        if (o != lost && o != nd) || tech.is_missing(i) {
            continue;
        }
        let k = if fit[i] == 0 {
            0
        } else if o == lost {
            assert_eq!(
                v.codes("loss_reason")[i],
                comp_reason,
                "right-fit losses are competitive"
            );
            1
        } else {
            2
        };
        n[k] += 1;
    }
    let total: usize = n.iter().sum();
    let l = &s.truth.loss_types;
    for (k, want) in [l.type1_wrong_fit, l.type2_competitor, l.type3_no_decision]
        .into_iter()
        .enumerate()
    {
        let (p, se) = prop(n[k], total);
        assert!(
            (p - want).abs() <= 0.03,
            "type {} share {p:.3} vs {want:.3}",
            k + 1
        );
        assert_near(&format!("type {} share", k + 1), p, se, want);
    }
}

/// Per customer: (churned, expanded, fit, small, education, salesforce,
/// champion, use case) for rows whose fit is known.
struct Customers {
    churned: Vec<bool>,
    expanded: Vec<bool>,
    fit: Vec<bool>,
    small: Vec<bool>,
    edu: Vec<bool>,
    salesforce: Vec<bool>,
    champion: Vec<bool>,
    use_case: Vec<u32>,
    ratio: Vec<f64>,
    start: Vec<f64>,
    current: Vec<f64>,
}

fn customers(s: &Synth) -> Customers {
    let t = &s.table;
    let v = View { t };
    let fit = s.truth.icp.rule.evaluate(t).unwrap();
    let sf = v.has("Salesforce");
    let won = v.won();
    let edu = v.code("industry", "education");
    let (churned, expanded) = (
        v.code("retention_status", "churned"),
        v.code("retention_status", "expanded"),
    );
    let mut c = Customers {
        churned: vec![],
        expanded: vec![],
        fit: vec![],
        small: vec![],
        edu: vec![],
        salesforce: vec![],
        champion: vec![],
        use_case: vec![],
        ratio: vec![],
        start: vec![],
        current: vec![],
    };
    let champion = t.flag("champion_changed").unwrap();
    for i in 0..t.n_rows() {
        if !won[i] || fit[i] == FLAG_MISSING || sf[i] == FLAG_MISSING {
            continue;
        }
        let status = v.codes("retention_status")[i];
        c.churned.push(status == churned);
        c.expanded.push(status == expanded);
        c.fit.push(fit[i] == 1);
        c.small.push(v.num("employees")[i] < 50.0);
        c.edu.push(v.codes("industry")[i] == edu);
        c.salesforce.push(sf[i] == 1);
        c.champion.push(champion[i] == 1);
        c.use_case.push(v.codes("use_case")[i]);
        let (start, current) = (v.num("start_arr")[i], v.num("current_arr")[i]);
        c.ratio.push(current / start);
        c.start.push(start);
        c.current.push(current);
    }
    c
}

fn rate(event: &[bool], keep: impl Fn(usize) -> bool) -> (f64, f64) {
    let idx: Vec<usize> = (0..event.len()).filter(|&i| keep(i)).collect();
    prop(idx.iter().filter(|&&i| event[i]).count(), idx.len())
}

#[test]
fn small_accounts_churn_three_times_more() {
    let s = big();
    let c = customers(s);
    let th = &s.truth.threshold;
    let (below, se_b) = rate(&c.churned, |i| c.small[i]);
    let (above, se_a) = rate(&c.churned, |i| !c.small[i]);
    assert_near("churn below 50", below, se_b, th.churn_rate_below);
    assert_near("churn at or above 50", above, se_a, th.churn_rate_above);
    let ratio = below / above;
    assert!(
        (2.5..=3.6).contains(&ratio),
        "churn ratio below/above 50: {ratio:.2}"
    );
    // Conditional: Mantel–Haenszel risk ratio within strata of the other
    // churn factors (ICP fit, champion change, education, Salesforce).
    let mut strata = vec![Two::default(); 16];
    for i in 0..c.churned.len() {
        let k = usize::from(c.fit[i])
            | usize::from(c.champion[i]) << 1
            | usize::from(c.edu[i]) << 2
            | usize::from(c.salesforce[i]) << 3;
        strata[k].add(c.small[i], c.churned[i]);
    }
    let (lrr, se) = mh_log_rr(&strata);
    assert_near(
        "churn multiplier below 50 (MH)",
        lrr,
        se,
        th.churn_multiplier.ln(),
    );
}

#[test]
fn bad_fit_churns_more_and_expands_less() {
    let s = big();
    let c = customers(s);
    let f = &s.truth.fit_economics;
    let (fit_churn, se) = rate(&c.churned, |i| c.fit[i]);
    assert_near("churn fit", fit_churn, se, f.churn_rate_fit);
    let (bad_churn, se) = rate(&c.churned, |i| !c.fit[i]);
    assert_near("churn bad fit", bad_churn, se, f.churn_rate_bad_fit);
    assert!((2.0..=3.5).contains(&(bad_churn / fit_churn)));
    let (fit_exp, se) = rate(&c.expanded, |i| c.fit[i]);
    assert_near("expanded fit", fit_exp, se, f.expansion_rate_fit);
    let (bad_exp, se) = rate(&c.expanded, |i| !c.fit[i]);
    assert_near("expanded bad fit", bad_exp, se, f.expansion_rate_bad_fit);
    assert!((0.35..=0.6).contains(&(bad_exp / fit_exp)));

    // Planted multipliers, conditional on the other factors.
    let mut churn = vec![Two::default(); 16];
    let mut expand = vec![Two::default(); 4 * 4 * 2];
    for i in 0..c.churned.len() {
        let k = usize::from(c.small[i])
            | usize::from(c.champion[i]) << 1
            | usize::from(c.edu[i]) << 2
            | usize::from(c.salesforce[i]) << 3;
        churn[k].add(!c.fit[i], c.churned[i]);
        if !c.churned[i] {
            let k = c.use_case[i] as usize
                | usize::from(c.edu[i]) << 2
                | usize::from(c.salesforce[i]) << 3;
            expand[k].add(!c.fit[i], c.expanded[i]);
        }
    }
    let (lrr, se) = mh_log_rr(&churn);
    assert_near(
        "bad-fit churn multiplier (MH)",
        lrr,
        se,
        f.churn_multiplier_bad_fit.ln(),
    );
    let (lrr, se) = mh_log_rr(&expand);
    assert_near(
        "bad-fit expansion multiplier (MH)",
        lrr,
        se,
        f.expansion_multiplier_bad_fit.ln(),
    );
}

#[test]
fn education_has_poor_nrr() {
    let s = big();
    let c = customers(s);
    let p = &s.truth.poor_nrr;
    for (edu, want) in [(true, p.nrr_in_segment), (false, p.nrr_elsewhere)] {
        let idx: Vec<usize> = (0..c.ratio.len()).filter(|&i| c.edu[i] == edu).collect();
        let n = idx.len() as f64;
        let mean = idx.iter().map(|&i| c.ratio[i]).sum::<f64>() / n;
        let var = idx
            .iter()
            .map(|&i| (c.ratio[i] - mean).powi(2))
            .sum::<f64>()
            / (n - 1.0);
        assert_near(
            &format!("NRR (education = {edu})"),
            mean,
            (var / n).sqrt(),
            want,
        );
    }
    let arr = |edu: bool| {
        let (mut cur, mut start) = (0.0, 0.0);
        for i in (0..c.ratio.len()).filter(|&i| c.edu[i] == edu) {
            cur += c.current[i];
            start += c.start[i];
        }
        cur / start
    };
    let (inside, outside) = (arr(true), arr(false));
    assert!(
        outside - inside >= 0.30,
        "ARR-weighted NRR: education {inside:.3} vs {outside:.3}"
    );
    assert!((0.65..=0.85).contains(&inside) && (1.0..=1.2).contains(&outside));
}

#[test]
fn retention_drivers_are_present() {
    let s = big();
    let c = customers(s);
    // Salesforce: churn × 0.7, expansion × 1.4, given the other factors.
    let mut churn = vec![Two::default(); 16];
    let mut expand = vec![Two::default(); 64];
    for i in 0..c.churned.len() {
        let k = usize::from(c.small[i])
            | usize::from(c.champion[i]) << 1
            | usize::from(c.edu[i]) << 2
            | usize::from(c.fit[i]) << 3;
        churn[k].add(c.salesforce[i], c.churned[i]);
        if !c.churned[i] {
            let k =
                c.use_case[i] as usize | usize::from(c.edu[i]) << 2 | usize::from(c.fit[i]) << 3;
            expand[k].add(c.salesforce[i], c.expanded[i]);
        }
    }
    let (lrr, se) = mh_log_rr(&churn);
    assert_near(
        "Salesforce churn multiplier",
        lrr,
        se,
        CHURN_SALESFORCE.ln(),
    );
    let (lrr, se) = mh_log_rr(&expand);
    assert_near(
        "Salesforce expansion multiplier",
        lrr,
        se,
        EXPAND_SALESFORCE.ln(),
    );
    // Forecasting vs reporting: expansion × 1.5.
    let mut fc = vec![Two::default(); 8];
    for i in (0..c.churned.len()).filter(|&i| !c.churned[i]) {
        if c.use_case[i] as usize == FORECASTING || c.use_case[i] == 0 {
            let k = usize::from(c.edu[i])
                | usize::from(c.fit[i]) << 1
                | usize::from(c.salesforce[i]) << 2;
            fc[k].add(c.use_case[i] as usize == FORECASTING, c.expanded[i]);
        }
    }
    let (lrr, se) = mh_log_rr(&fc);
    assert_near(
        "forecasting expansion multiplier",
        lrr,
        se,
        EXPAND_FORECASTING.ln(),
    );
}

#[test]
fn fit_tag_follows_its_rule() {
    let s = big();
    let t = &s.table;
    let v = View { t };
    let fit = s.truth.icp.rule.evaluate(t).unwrap();
    let adoption = v.num("adoption_90d");
    let champion = t.flag("champion_changed").unwrap();
    let tags = v.codes("fit_tag_90d");
    let (mut agree, mut n) = (0, 0);
    let mut by_fit = [[0usize; 3]; 2];
    let tech = t.column("tech_stack").unwrap();
    for i in 0..t.n_rows() {
        if tags[i] == MISSING_CODE || tech.is_missing(i) {
            continue;
        }
        let rule = fit_tag_rule(fit[i] == 1, adoption[i] >= ADOPTION_GOOD, champion[i] == 1);
        agree += usize::from(rule == tags[i]);
        n += 1;
        by_fit[usize::from(fit[i] == 0)][tags[i] as usize] += 1;
    }
    let (p, se) = prop(agree, n);
    assert_near("fit tag agreement", p, se, s.truth.fit_tag.agreement);
    let g = &s.truth.fit_tag;
    for (k, shares) in [&g.fit, &g.bad_fit].into_iter().enumerate() {
        let total: usize = by_fit[k].iter().sum();
        for (j, want) in [shares.strong, shares.near, shares.bad]
            .into_iter()
            .enumerate()
        {
            let (p, se) = prop(by_fit[k][j], total);
            assert_near(
                &format!("tag {} share (fit group {k})", FIT_TAGS[j]),
                p,
                se,
                want,
            );
        }
    }
}

#[test]
fn noise_columns_have_no_effect() {
    let s = big();
    let t = &s.table;
    let v = View { t };
    let closed = v.closed();
    let won = v.won();
    // Categorical noise: chi-square of independence with winning, below the
    // 0.1 % critical value (df 39: 72.05; df 19: 43.82).
    let (chi, df) = chi_square(v.codes("noise_segment"), 40, &won, &closed);
    assert_eq!(df, 39);
    assert!(
        chi < 72.05,
        "noise_segment vs won: chi² {chi:.1} on {df} df"
    );
    let (chi, df) = chi_square(v.codes("ae"), 20, &won, &closed);
    assert_eq!(df, 19);
    assert!(chi < 43.82, "ae vs won: chi² {chi:.1} on {df} df");
    // Flag noise: win-rate difference within sampling error.
    let flag = t.flag("noise_flag").unwrap();
    let mut two = Two::default();
    for i in (0..t.n_rows()).filter(|&i| closed[i]) {
        two.add(flag[i] == 1, won[i]);
    }
    let (lor, se) = two.log_or();
    assert_near("noise_flag log OR", lor, se, 0.0);
    // Numeric noise: mean among won vs not won.
    let score = v.num("noise_score");
    let group = |w: bool| {
        let xs: Vec<f64> = (0..t.n_rows())
            .filter(|&i| closed[i] && won[i] == w)
            .map(|i| score[i])
            .collect();
        let n = xs.len() as f64;
        let m = xs.iter().sum::<f64>() / n;
        (
            m,
            xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0) / n,
        )
    };
    let ((m1, v1), (m0, v0)) = (group(true), group(false));
    assert_near(
        "noise_score mean difference",
        m1 - m0,
        (v1 + v0).sqrt(),
        0.0,
    );
    // And none on churn.
    let churned = v.code("retention_status", "churned");
    let is_churned: Vec<bool> = v
        .codes("retention_status")
        .iter()
        .map(|&c| c == churned)
        .collect();
    let (chi, df) = chi_square(v.codes("noise_segment"), 40, &is_churned, &won);
    assert!(
        chi < 72.05,
        "noise_segment vs churn: chi² {chi:.1} on {df} df"
    );
}

// ------------------------------------------------------------------ the truth itself

#[test]
fn truth_is_consistent_and_serialisable() {
    let truth = Truth::new(&SynthConfig::default());
    let json = serde_json::to_string_pretty(&truth).unwrap();
    let back: Truth = serde_json::from_str(&json).unwrap();
    assert_eq!(back, truth);
    // The weights of every categorical draw sum to 1.
    let sum = |w: &[f64]| w.iter().sum::<f64>();
    let mut all: Vec<f64> = vec![
        sum(&INDUSTRY_WEIGHTS),
        sum(&super::generate::sub_industry_weights()),
        sum(&REGION_WEIGHTS),
        sum(&LEAD_WEIGHTS),
        sum(&USE_CASE_WEIGHTS),
        sum(&COMP_MIX_SEGMENT),
        sum(&COMP_MIX_ELSEWHERE),
        sum(&REASONS_FIT_NO_DECISION),
        sum(&REASONS_BADFIT_LOST),
        sum(&REASONS_BADFIT_NO_DECISION),
        sum(&noise_segment_weights()),
        sum(&super::expected::band_probs()),
    ];
    all.extend(FUNDING_BY_BAND.iter().map(|w| sum(w)));
    all.extend(PRODUCT_BY_BAND.iter().map(|w| sum(w)));
    for (k, s) in all.iter().enumerate() {
        assert!((s - 1.0).abs() < 1e-12, "weights #{k} sum to {s}");
    }
    for ind in 0..INDUSTRIES.len() {
        let within: f64 = SUB_INDUSTRIES
            .iter()
            .filter(|s| s.1 == ind)
            .map(|s| s.2)
            .sum();
        assert!((within - 1.0).abs() < 1e-12, "{}", INDUSTRIES[ind]);
    }
    // Probabilities stay probabilities without capping.
    let max_churn = CHURN_BASE * CHURN_BAD_FIT * CHURN_SMALL * CHURN_CHAMPION * CHURN_EDUCATION;
    assert!(max_churn < 1.0);
    let max_expand = EXPAND_BASE * EXPAND_SALESFORCE * EXPAND_FORECASTING;
    assert!(max_expand + CONTRACT_BASE <= 1.0);
    // The headline claims of the docs.
    let l = &truth.loss_types;
    assert!((l.type1_wrong_fit + l.type2_competitor + l.type3_no_decision - 1.0).abs() < 2e-6);
    assert!(truth.competitor.share_of_contested_in_segment >= 0.65);
    assert!(truth.competitor.share_of_contested_elsewhere < 0.25);
    assert!(truth.poor_nrr.nrr_elsewhere - truth.poor_nrr.nrr_in_segment >= 0.30);
    assert!((0.70..=0.80).contains(&truth.poor_nrr.nrr_in_segment));
    assert!((1.05..=1.15).contains(&truth.poor_nrr.nrr_elsewhere));
    let r = truth.threshold.churn_rate_below / truth.threshold.churn_rate_above;
    assert!((2.7..=3.3).contains(&r), "marginal churn ratio {r}");
    let f = &truth.fit_economics;
    assert!((2.0..=3.0).contains(&(f.churn_rate_bad_fit / f.churn_rate_fit)));
    assert!((0.4..=0.6).contains(&(f.expansion_rate_bad_fit / f.expansion_rate_fit)));
}

#[test]
fn module_docs_state_the_expected_values() {
    let docs = include_str!("mod.rs");
    let t = Truth::new(&SynthConfig::default());
    let pct = |x: f64| format!("*{:.1} %*", 100.0 * x);
    for (what, x) in [
        ("win rate", t.win.win_rate),
        ("ICP share of accounts", t.icp.share_of_accounts),
        ("ICP share of customers", t.icp.share_of_customers),
        (
            "CompB share in segment",
            t.competitor.share_of_contested_in_segment,
        ),
        (
            "CompB share elsewhere",
            t.competitor.share_of_contested_elsewhere,
        ),
        ("type 1", t.loss_types.type1_wrong_fit),
        ("type 2", t.loss_types.type2_competitor),
        ("type 3", t.loss_types.type3_no_decision),
        ("churn below 50", t.threshold.churn_rate_below),
        ("churn at or above 50", t.threshold.churn_rate_above),
        ("education NRR", t.poor_nrr.nrr_in_segment),
        ("NRR elsewhere", t.poor_nrr.nrr_elsewhere),
        ("churn fit", t.fit_economics.churn_rate_fit),
        ("churn bad fit", t.fit_economics.churn_rate_bad_fit),
        ("expanded fit", t.fit_economics.expansion_rate_fit),
        ("expanded bad fit", t.fit_economics.expansion_rate_bad_fit),
        ("CRM says price", t.interviews.over_reported_crm_share),
        ("buyers say price", t.interviews.over_reported_buyer_share),
    ] {
        assert!(
            docs.contains(&pct(x)),
            "module docs lack {what} = {}",
            pct(x)
        );
    }
}

#[test]
fn criteria_use_three_valued_logic() {
    let csv = "account_id,employees,industry,tech_stack\n\
               a,300,fintech,HubSpot\n\
               b,300,media,Snowflake;dbt\n\
               c,300,media,\n\
               d,,fintech,Slack\n\
               e,40,fintech,Snowflake\n\
               f,300,media,HubSpot\n";
    let t = AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default()).unwrap();
    let icp = Truth::new(&SynthConfig::default()).icp.rule;
    assert_eq!(
        icp.evaluate(&t).unwrap(),
        vec![1, 1, FLAG_MISSING, FLAG_MISSING, 0, 0]
    );
    assert_eq!(
        icp.describe(),
        "200 ≤ employees ≤ 2000 AND (industry ∈ {fintech, healthtech} OR tech_stack has Snowflake)"
    );
    let wrong = Criterion::HasTag {
        column: "industry".into(),
        tag: "x".into(),
    };
    assert!(matches!(
        wrong.evaluate(&t),
        Err(crate::Error::WrongKind { .. })
    ));
    assert_eq!(t.schema().field("tech_stack").unwrap().kind, Kind::TagSet);
}

// ------------------------------------------------------------------ interviews

#[test]
fn interviews_are_the_same_for_any_chunk_size_and_thread_count() {
    let cfg = SynthConfig::new(2 * BLOCK_ROWS + 1_905, 3);
    let run = |k: usize| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(k)
            .build()
            .unwrap()
            .install(|| interviews(&generate(&cfg).unwrap().table, cfg.seed).unwrap())
    };
    let whole = run(1);
    assert!(whole.len() > 500, "{} notes", whole.len());
    assert_eq!(whole, run(3));
    for chunk_rows in [1_000, BLOCK_ROWS + 1] {
        let mut interviewer = Interviewer::new(cfg.seed);
        let mut notes = Vec::new();
        generate_chunks(&cfg, chunk_rows, |chunk| {
            notes.extend(interviewer.interview(&chunk)?);
            Ok(())
        })
        .unwrap();
        assert!(notes == whole, "chunks of {chunk_rows} give other notes");
    }
    let other = SynthConfig::new(cfg.n_accounts, 4);
    assert_ne!(
        interviews(&generate(&other).unwrap().table, other.seed).unwrap(),
        whole
    );
    // A table without the export's columns is a typed error.
    let t =
        AccountTable::from_csv_reader(&b"account_id,outcome\nA1,won\n"[..], &CsvOptions::default())
            .unwrap();
    assert!(matches!(
        interviews(&t, 1),
        Err(crate::Error::UnknownColumn { .. })
    ));
}

#[test]
fn every_sentence_reads_as_its_theme_and_nothing_else() {
    use super::interviews::{NO_THEME, ROLES, THEME_TEXTS};
    let d = interview_dictionary();
    assert_eq!(d.themes.len(), THEME_TEXTS.len());
    for t in &THEME_TEXTS {
        for s in t.sentences {
            for filled in [
                s.replace("{competitor}", "CompB"),
                s.replace("{competitor}", "another vendor"),
            ] {
                let found: Vec<&str> = d.matches(&filled).into_iter().map(|(x, _)| x).collect();
                assert_eq!(found, [t.theme], "`{filled}`");
            }
        }
    }
    for s in ROLES
        .iter()
        .map(|r| format!("Call with the {r}."))
        .chain(NO_THEME.iter().map(|s| (*s).to_owned()))
    {
        assert!(d.matches(&s).is_empty(), "`{s}` reads as a theme");
    }
    // Every coded theme of a buyer reason is a theme of the dictionary.
    for t in REASON_THEMES.iter().flatten() {
        assert!(d.themes.contains_key(*t), "{t}");
    }
}

#[test]
fn interviews_carry_the_planted_themes_and_reasons() {
    let s = big();
    let t = &s.table;
    let notes = interviews(t, s.truth.config.seed).unwrap();
    let iv = &s.truth.interviews;
    let d = interview_dictionary();
    let row: std::collections::HashMap<&str, usize> = {
        let ids = t.text("account_id").unwrap();
        (0..t.n_rows()).map(|i| (ids.get(i).unwrap(), i)).collect()
    };
    // Interview rates per cohort.
    let v = View { t };
    let won = v.won();
    let churned_code = v.code("retention_status", "churned");
    let lost_code = v.code("outcome", "lost");
    let cohort_of = |i: usize| {
        if won[i] {
            if v.codes("retention_status")[i] == churned_code {
                "churned"
            } else {
                "won"
            }
        } else if v.codes("outcome")[i] == lost_code {
            "lost"
        } else {
            ""
        }
    };
    for share in &iv.interviewed {
        let size = (0..t.n_rows())
            .filter(|&i| cohort_of(i) == share.name)
            .count();
        let n = notes.iter().filter(|x| x.cohort == share.name).count();
        let (p, se) = prop(n, size);
        assert_near(&format!("interviewed {}", share.name), p, se, share.share);
    }
    assert!(
        notes
            .iter()
            .all(|x| cohort_of(row[x.account_id.as_str()]) == x.cohort)
    );
    let coded = notes.iter().filter(|x| !x.themes.is_empty()).count();
    let themed = notes
        .iter()
        .filter(|x| !d.matches(&x.text).is_empty())
        .count();
    let (p, se) = prop(coded, themed);
    assert_near("coded share", p, se, iv.coded);
    // Coded themes are always what the text says.
    for x in notes.iter().filter(|x| !x.themes.is_empty()) {
        let found: Vec<&str> = d.matches(&x.text).into_iter().map(|(t, _)| t).collect();
        let mut coded: Vec<&str> = x.themes.iter().map(String::as_str).collect();
        coded.sort_unstable();
        assert_eq!(coded, found, "{}", x.text);
    }
    // The planted themes: the cohort's share meeting the criterion, the
    // share mentioning the theme, and the share of mentioners meeting it.
    for p in [&iv.win_theme, &iv.churn_theme] {
        let meets = crate::synth::Criterion::evaluate(&p.criterion, t).unwrap();
        let cohort: Vec<&Interview> = notes.iter().filter(|x| x.cohort == p.cohort).collect();
        let meeting = |x: &Interview| meets[row[x.account_id.as_str()]] == 1;
        let mentions = |x: &Interview| d.matches(&x.text).iter().any(|(m, _)| *m == p.theme);
        let n_meet = cohort.iter().filter(|x| meeting(x)).count();
        let (share, se) = prop(n_meet, cohort.len());
        assert_near(
            &format!("{} criterion", p.theme),
            share,
            se,
            p.expected_criterion_share,
        );
        let said: Vec<&Interview> = cohort.iter().copied().filter(|x| mentions(x)).collect();
        let (share, se) = prop(said.len(), cohort.len());
        assert_near(
            &format!("{} mentioned", p.theme),
            share,
            se,
            p.expected_share,
        );
        let (share, se) = prop(said.iter().filter(|x| meeting(x)).count(), said.len());
        assert_near(
            &format!("{} mentioners meeting", p.theme),
            share,
            se,
            p.expected_share_meeting,
        );
        let (with, se_w) = prop(
            cohort.iter().filter(|x| meeting(x) && mentions(x)).count(),
            n_meet,
        );
        assert_near(&format!("{} | criterion", p.theme), with, se_w, p.p_with);
    }
    // Buyer reasons against the CRM's.
    let reason = t.categorical("loss_reason").unwrap();
    let pairs: Vec<(&str, &str)> = notes
        .iter()
        .filter_map(|x| {
            let crm = reason.get(row[x.account_id.as_str()])?;
            Some((crm, x.buyer_reason.as_deref()?))
        })
        .collect();
    assert_eq!(
        pairs.len(),
        notes.iter().filter(|x| x.cohort == "lost").count()
    );
    let n = pairs.len();
    let count = |f: &dyn Fn(&(&str, &str)) -> bool| pairs.iter().filter(|p| f(p)).count();
    let (p, se) = prop(count(&|p| p.0 == p.1), n);
    assert_near("agreement", p, se, iv.expected_agreement);
    let (p, se) = prop(count(&|p| p.0 == "price"), n);
    assert_near("CRM says price", p, se, iv.over_reported_crm_share);
    let (p, se) = prop(count(&|p| p.1 == "price"), n);
    assert_near("buyer says price", p, se, iv.over_reported_buyer_share);
    for r in &iv.buyer_reasons {
        let crm_n = count(&|p| p.0 == r.crm);
        let (p, se) = prop(crm_n, n);
        assert_near(&format!("CRM {}", r.crm), p, se, r.crm_share);
        for b in &r.buyer {
            let (p, se) = prop(count(&|p| p.0 == r.crm && p.1 == b.name), crm_n);
            assert_near(&format!("{} → {}", r.crm, b.name), p, se, b.share);
        }
    }
}

// ------------------------------------------------------------------ the bundled sample

fn sample_path(file: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/data")
        .join(file)
}

#[test]
fn bundled_sample_is_what_the_generator_makes() {
    let cfg = SynthConfig::sample();
    let mut csv = Vec::new();
    let truth = write_csv(&cfg, &mut csv).unwrap();
    let committed = std::fs::read(sample_path("deals.csv")).expect("examples/data/deals.csv");
    assert!(
        committed == csv,
        "examples/data/deals.csv drifted: run `cargo run --release --example gen_sample`"
    );
    assert!(
        committed.len() <= 1 << 20,
        "sample is {} bytes",
        committed.len()
    );
    let json = std::fs::read_to_string(sample_path("truth.json")).expect("truth.json");
    let regenerate = "run `cargo run --release --example gen_sample`";
    assert!(
        json == serde_json::to_string_pretty(&truth).unwrap() + "\n",
        "examples/data/truth.json drifted: {regenerate}"
    );
    let mut notes = Vec::new();
    write_interviews_csv(
        &interviews(&generate(&cfg).unwrap().table, cfg.seed).unwrap(),
        &mut notes,
    )
    .unwrap();
    let committed = std::fs::read(sample_path("interviews.csv")).expect("interviews.csv");
    assert!(
        committed == notes,
        "examples/data/interviews.csv drifted: {regenerate}"
    );
    assert!(
        committed.len() <= 1 << 17,
        "interviews are {} bytes",
        committed.len()
    );
    let md = std::fs::read_to_string(sample_path("TRUTH.md")).expect("TRUTH.md");
    assert!(
        md == truth.to_markdown(),
        "examples/data/TRUTH.md drifted: {regenerate}"
    );
}
