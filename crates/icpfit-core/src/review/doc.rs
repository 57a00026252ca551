//! The review as a sequence of blocks — headings, paragraphs, lists,
//! tables, charts — built once and rendered twice (Markdown drops the
//! charts; HTML draws them), so both forms always say the same thing.

use super::Review;
use super::svg::{Bar, bars, gains, paired};
use crate::table::format_number;

/// Renders one figure of a what-if replay.
type WhatIfCell = Box<dyn Fn(&crate::evaluate::WhatIf) -> String>;

/// One block of the document.
pub(crate) enum Block {
    /// A heading of level 1–3.
    Heading(u8, String),
    /// A paragraph.
    Para(String),
    /// A bullet list.
    List(Vec<String>),
    /// A table: header and rows.
    Table(Vec<String>, Vec<Vec<String>>),
    /// An inline SVG chart (HTML only).
    Chart(String),
}

fn pct(x: f64) -> String {
    if x.is_finite() {
        format!("{:.1}%", 100.0 * x)
    } else {
        "–".into()
    }
}
fn ci(lo: f64, hi: f64) -> String {
    if lo.is_finite() && hi.is_finite() {
        format!("{:.1}–{:.1}%", 100.0 * lo, 100.0 * hi)
    } else {
        "–".into()
    }
}

/// Seed 000's profile table: per attribute (and level) both cohorts'
/// average or share, the delta, and the test's p-value.
fn profile_table(p: &crate::profile::Profile) -> Block {
    Block::Table(
        vec![
            "attribute".into(),
            format!("{} (avg / share)", p.a_name),
            format!("{} (avg / share)", p.b_name),
            "delta".into(),
            "p".into(),
        ],
        p.headline()
            .into_iter()
            .map(|x| {
                let share = x.level.is_some();
                let v = |y: f64| if share { pct(y) } else { format!("{y:.2}") };
                vec![
                    match &x.level {
                        Some(l) => format!("{} = {l}", x.attribute),
                        None => x.attribute.clone(),
                    },
                    v(x.a),
                    v(x.b),
                    if share {
                        format!("{:+.1} pt", x.delta)
                    } else {
                        format!("{:+.0}%", x.delta)
                    },
                    x.p_value.map_or("–".into(), |p| format!("{p:.1e}")),
                ]
            })
            .collect(),
    )
}

/// Build the blocks of a review.
pub(crate) fn blocks(r: &Review) -> Vec<Block> {
    use Block::*;
    let mut b = vec![Heading(1, format!("{} — {}", r.title, r.as_of))];
    let d = &r.data;
    b.push(Para(format!(
        "{} accounts: {} closed deals ({} won), {} open, {} customers with retention data{}.",
        d.accounts,
        d.closed,
        d.won,
        d.open,
        d.customers,
        d.close_dates
            .as_ref()
            .map(|(a, z)| format!("; closed {a} to {z}"))
            .unwrap_or_default()
    )));

    // Decisions first: what a revenue leader reads.
    b.push(Heading(2, "Recommended ICP updates".into()));
    if r.recommendations.is_empty() {
        b.push(Para(
            "The data supports no change with enough evidence.".into(),
        ));
    } else {
        b.push(Table(
            vec![
                "#".into(),
                "action".into(),
                "evidence".into(),
                "n".into(),
                "level".into(),
            ],
            r.recommendations
                .iter()
                .enumerate()
                .map(|(k, x)| {
                    vec![
                        (k + 1).to_string(),
                        x.action.clone(),
                        x.evidence.clone(),
                        x.n.to_string(),
                        x.level.to_string(),
                    ]
                })
                .collect(),
        ));
    }
    if let Some(dec) = &r.pressure.decision {
        b.push(Para(format!(
            "ICP redefinition outcome (seed 002): **{:?}** — {}.",
            dec.decision, dec.reason
        )));
    }

    b.push(Heading(2, "Drafted ICP".into()));
    let rec = &r.draft.recital;
    b.push(Para(rec.text.clone()));
    b.push(Para(format!(
        "{} words, {:.0} seconds to recite: {}.",
        rec.words,
        rec.seconds,
        if rec.fits_60_seconds {
            "passes the 60-second test"
        } else {
            "fails the 60-second test"
        }
    )));
    b.push(Table(
        vec![
            "section".into(),
            "criterion".into(),
            "points".into(),
            "evidence".into(),
            "n".into(),
            "level".into(),
        ],
        r.draft
            .icp
            .criteria()
            .map(|(s, c)| {
                let e = c.evidence.as_ref();
                vec![
                    s.to_string(),
                    c.describe(),
                    format_number(c.points),
                    e.map_or(String::new(), |e| {
                        format!(
                            "{} {:.2} ({:.2}–{:.2})",
                            e.statistic,
                            e.value.unwrap_or(f64::NAN),
                            e.interval.map_or(f64::NAN, |i| i[0]),
                            e.interval.map_or(f64::NAN, |i| i[1])
                        )
                    }),
                    e.map_or(String::new(), |e| e.n.to_string()),
                    e.map_or(String::new(), |e| e.level.to_string()),
                ]
            })
            .collect(),
    ));
    let t = &r.draft.icp.tiers;
    b.push(Para(format!(
        "Tiers: A from {} points, B from {}, C from {}.",
        format_number(t.a),
        format_number(t.b),
        format_number(t.c)
    )));
    b.push(List(
        r.draft.dimensions.iter().map(|n| n.note.clone()).collect(),
    ));
    if !r.draft.left_out.is_empty() {
        b.push(Para("Significant on their own but left out:".into()));
        b.push(List(
            r.draft
                .left_out
                .iter()
                .take(8)
                .map(|p| match &p.decision {
                    crate::induce::Decision::Rejected(why) => {
                        format!("{}: {why}", p.criterion.describe())
                    }
                    crate::induce::Decision::Chosen(_) => p.criterion.describe(),
                })
                .collect(),
        ));
    }

    b.push(Heading(2, "Pressure tests".into()));
    let pt = &r.pressure.test;
    b.push(List(vec![
        pt.hundred_vs_ten(),
        format!(
            "As a filter for wins (tier {} or better): precision {}, recall {}, F1 {:.3}; AUC of the points {:.3}.",
            "B",
            pct(pt.classification.precision),
            pct(pt.classification.recall),
            pt.classification.f1,
            pt.auc
        ),
        format!("It matches {} of all accounts (tier A {}){}.", pct(pt.match_share), pct(pt.tier_a_share), if pt.too_broad { " — too broad" } else { "" }),
    ]));
    b.push(Table(
        vec![
            "tier".into(),
            "deals".into(),
            "win rate".into(),
            "95% CI".into(),
            "cumulative wins".into(),
            "cumulative lift".into(),
        ],
        pt.tiers
            .iter()
            .map(|t| {
                vec![
                    t.tier.to_string(),
                    t.rate.n.to_string(),
                    pct(t.rate.rate),
                    ci(t.rate.lo, t.rate.hi),
                    pct(t.cumulative_positives),
                    format!("{:.2}×", t.cumulative_lift),
                ]
            })
            .collect(),
    ));
    b.push(Chart(bars(
        "Win rate by tier (95% CI)",
        &pt.tiers
            .iter()
            .map(|t| Bar {
                label: format!("tier {} (n={})", t.tier, t.rate.n),
                value: t.rate.rate,
                interval: Some((t.rate.lo, t.rate.hi)),
                text: pct(t.rate.rate),
            })
            .collect::<Vec<_>>(),
        Some((pt.lift.random.rate, "all deals")),
    )));
    b.push(Chart(gains(
        "Cumulative gains of the points",
        &pt.gains
            .iter()
            .map(|g| (g.accounts, g.positives))
            .collect::<Vec<_>>(),
    )));
    if let Some(o) = &r.pressure.old_vs_new {
        b.push(Heading(
            3,
            "Current ICP vs drafted ICP on recent deals".into(),
        ));
        b.push(Para(o.verdict.clone()));
    }
    let wn = &r.pressure.what_if_drafted;
    let wc = r.pressure.what_if_current.as_ref();
    let cell = |f: &dyn Fn(&crate::evaluate::WhatIf) -> String| wc.map_or("–".into(), f);
    let rows: Vec<(&str, WhatIfCell)> = vec![
        (
            "wins kept / excluded",
            Box::new(|w| format!("{} / {}", w.wins_kept, w.wins_excluded)),
        ),
        (
            "win rate of kept deals",
            Box::new(|w| pct(w.win_rate_kept.rate)),
        ),
        (
            "ACV of kept wins",
            Box::new(|w| format!("{:.0}", w.acv_kept)),
        ),
        (
            "NRR kept / excluded",
            Box::new(|w| format!("{} / {}", pct(w.nrr_kept), pct(w.nrr_excluded))),
        ),
        (
            "open pipeline in tier A/B",
            Box::new(|w| pct(w.pipeline_coverage)),
        ),
        ("accounts in tier A", Box::new(|w| pct(w.tier_a_share))),
    ];
    b.push(Table(
        vec![
            "what-if (recent quarters)".into(),
            "current".into(),
            "drafted".into(),
        ],
        rows.iter()
            .map(|(name, f)| vec![(*name).to_owned(), cell(&**f), f(wn)])
            .collect(),
    ));
    if let Some(h) = &r.pressure.holdout {
        b.push(Para(format!(
            "Time holdout: drafted on {} deals closed before {}, tested on the {} closed since: lift {:.2}× (matched vs rest {:.2}×, 95% CI {:.2}–{:.2}), AUC {:.3}.",
            h.train_rows, h.split, h.test_rows, h.test.lift.lift, h.test.lift.ratio, h.test.lift.ratio_lo, h.test.lift.ratio_hi, h.test.auc
        )));
    }

    b.push(Heading(2, "Do-not-close list".into()));
    let dnc = &r.do_not_close;
    b.push(Para(format!(
        "Disqualifiers: {}. {} of {} open deals meet one.",
        if dnc.criteria.is_empty() {
            "none".into()
        } else {
            dnc.criteria.join("; ")
        },
        dnc.accounts.len(),
        dnc.open
    )));
    b.push(Table(
        vec!["account".into(), "disqualified by".into()],
        dnc.accounts
            .iter()
            .take(25)
            .map(|a| vec![a.id.clone(), a.reasons.join("; ")])
            .collect(),
    ));
    if dnc.accounts.len() > 25 {
        b.push(Para(format!(
            "… and {} more (all in the JSON).",
            dnc.accounts.len() - 25
        )));
    }
    b.push(Heading(2, "Lead scoring and qualification".into()));
    b.push(Table(
        vec![
            "criterion".into(),
            "points before".into(),
            "points after".into(),
        ],
        r.scoring_changes
            .iter()
            .map(|s| {
                vec![
                    s.criterion.clone(),
                    s.before.map_or("–".into(), format_number),
                    s.after.map_or("removed".into(), format_number),
                ]
            })
            .collect(),
    ));
    b.push(List(r.qualification.clone()));

    b.push(Heading(2, "Who wins and who stays".into()));
    b.push(Para(format!(
        "What separates won from lost deals ({} won, {} lost; significant after FDR, by bias-corrected Cramér's V):",
        r.win_drivers.n_positive, r.win_drivers.n_negative
    )));
    let top: Vec<_> = r
        .win_drivers
        .rows
        .iter()
        .filter(|x| x.significant)
        .take(10)
        .collect();
    b.push(Chart(bars(
        "Strength of association with winning (bias-corrected Cramér's V)",
        &top.iter()
            .map(|x| Bar {
                label: x.attribute.clone(),
                value: x.cramers_v_corrected,
                interval: None,
                text: format!("{:.3}", x.cramers_v_corrected),
            })
            .collect::<Vec<_>>(),
        None,
    )));
    b.push(List(r.win_drivers.findings().into_iter().take(6).collect()));
    if let Some(ch) = &r.churn_drivers {
        b.push(Para(
            "What separates churned from retained customers:".into(),
        ));
        b.push(List(ch.findings().into_iter().take(6).collect()));
    }
    let wl = &r.won_vs_lost;
    let cats: Vec<(String, f64, f64)> = wl
        .headline()
        .into_iter()
        .filter(|x| x.level.is_some() && x.p_value.is_some_and(|p| p < 0.01))
        .take(8)
        .map(|x| {
            (
                format!("{} = {}", x.attribute, x.level.clone().unwrap_or_default()),
                x.a,
                x.b,
            )
        })
        .collect();
    if !cats.is_empty() {
        b.push(Chart(paired(
            "Win/loss profile: share of deals",
            &cats,
            &wl.a_name,
            &wl.b_name,
        )));
    }
    b.push(profile_table(wl));
    if !r.quality_cohorts.is_empty() {
        b.push(Para(format!(
            "Customer quality cohorts: {}.",
            r.quality_cohorts
                .iter()
                .map(|c| format!("{} n={} ({})", c.name, c.size, c.evidence))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    if let Some(p) = &r.best_vs_problematic {
        b.push(Para(format!(
            "Best vs problematic customers ({} n={}, {} n={}; seed 000's table on quality cohorts):",
            p.a_name, p.a_size, p.b_name, p.b_size
        )));
        b.push(profile_table(p));
        b.push(Para(format!("70 % signals, {} vs {}:", p.a_name, p.b_name)));
        b.push(List(
            p.signals
                .iter()
                .filter(|s| s.strong)
                .take(6)
                .map(|s| {
                    let what = match &s.range {
                        Some(rg) => rg.to_string(),
                        None => s.levels.join(", "),
                    };
                    format!(
                        "{} {}: {} of {} vs {} of {}",
                        s.attribute,
                        what,
                        pct(s.coverage_a),
                        p.a_name,
                        pct(s.coverage_b),
                        p.b_name
                    )
                })
                .collect(),
        ));
    }

    b.push(Heading(
        2,
        format!("NRR and win rate by {}", r.segments.column),
    ));
    let seg = &r.segments;
    b.push(Table(
        vec![
            "segment".into(),
            "closed".into(),
            "win rate (95% CI)".into(),
            "customers".into(),
            "NRR (95% CI)".into(),
            "churn".into(),
            "flag".into(),
        ],
        seg.rows
            .iter()
            .map(|x| {
                vec![
                    x.segment.clone(),
                    x.closed.to_string(),
                    format!(
                        "{} ({})",
                        pct(x.win_rate),
                        ci(x.win_rate_ci.0, x.win_rate_ci.1)
                    ),
                    x.customers.to_string(),
                    format!("{} ({})", pct(x.nrr), ci(x.nrr_ci.0, x.nrr_ci.1)),
                    pct(x.churn_rate),
                    if x.nrr_divergent {
                        "NRR divergent".into()
                    } else {
                        String::new()
                    },
                ]
            })
            .collect(),
    ));
    b.push(Chart(bars(
        &format!("NRR by {} (95% CI)", seg.column),
        &seg.rows
            .iter()
            .map(|x| Bar {
                label: x.segment.clone(),
                value: x.nrr,
                interval: Some(x.nrr_ci),
                text: pct(x.nrr),
            })
            .collect::<Vec<_>>(),
        Some((1.0, "100%")),
    )));
    b.push(Para(format!(
        "NRR spread {:.1} points (best {}, worst {}){}.",
        100.0 * seg.nrr_spread,
        seg.best_nrr_segment.clone().unwrap_or_default(),
        seg.worst_nrr_segment.clone().unwrap_or_default(),
        if seg.divergent {
            ": 30+ points apart, the ICP is too broad (seed 002)"
        } else {
            ""
        }
    )));

    if let Some(e) = &r.fit_economics {
        b.push(Heading(2, "Retention economics of fit".into()));
        b.push(Para(if e.source_note.is_empty() {
            format!("By {}.", e.grouping)
        } else {
            format!("By {} ({}).", e.grouping, e.source_note)
        }));
        b.push(Table(
            vec![
                "group".into(),
                "churn".into(),
                "expansion".into(),
                "NRR".into(),
                "measured".into(),
            ],
            e.models
                .iter()
                .filter(|m| m.measured)
                .map(|m| {
                    vec![
                        m.group.as_str().to_owned(),
                        pct(m.churn),
                        pct(m.expansion),
                        pct(m.nrr),
                        "yes".into(),
                    ]
                })
                .collect(),
        ));
        let mut facts = Vec::new();
        if let Some(r) = &e.churn_ratio {
            facts.push(format!(
                "Bad-fit customers churn {:.2}× as often as good-fit ones (95% CI {:.2}–{:.2}).",
                r.ratio, r.lo, r.hi
            ));
        }
        if let Some(r) = &e.expansion_ratio {
            facts.push(format!(
                "They expand {:.2}× as often (95% CI {:.2}–{:.2}).",
                r.ratio, r.lo, r.hi
            ));
        }
        let c = &e.bad_fit_cost;
        facts.push(format!(
            "The bad-fit share ({}) costs {:.1} NRR points: NRR {} now, {} without bad-fit customers.",
            pct(c.bad_share),
            c.cost_points,
            pct(c.nrr),
            pct(c.nrr_without_bad_fit)
        ));
        b.push(List(facts));
    }
    if let Some(sy) = &r.symptoms {
        b.push(Heading(2, "ICP symptoms (seed 002)".into()));
        b.push(List(
            sy.symptoms
                .iter()
                .map(|s| format!("{:?} — {:?}: {}", s.kind, s.status, s.finding))
                .collect(),
        ));
    }
    if let Some(d) = &r.drift {
        b.push(Heading(
            2,
            format!("Drift: {} vs {}", d.current, d.reference),
        ));
        b.push(Table(
            vec![
                "attribute".into(),
                "PSI".into(),
                "band".into(),
                "beyond noise".into(),
                "largest shift".into(),
            ],
            d.attributes
                .iter()
                .take(10)
                .map(|a| {
                    vec![
                        a.attribute.clone(),
                        format!("{:.3}", a.psi),
                        format!("{:?}", a.band),
                        if a.beyond_noise {
                            "yes".into()
                        } else {
                            "no".into()
                        },
                        a.top_bin.clone(),
                    ]
                })
                .collect(),
        ));
    }

    b.push(Heading(2, "Losses and competitors".into()));
    if let Some(l) = &r.loss_types {
        b.push(Para(format!(
            "Loss types, fit judged by {}:",
            r.loss_types_fit_by
        )));
        b.push(Table(
            vec![
                "loss type".into(),
                "deals".into(),
                "share (95% CI)".into(),
                "ACV total".into(),
            ],
            l.rows
                .iter()
                .map(|x| {
                    vec![
                        x.label.clone(),
                        x.count.to_string(),
                        format!("{} ({})", pct(x.share), ci(x.share_ci.0, x.share_ci.1)),
                        format!("{:.0}", x.acv_total),
                    ]
                })
                .collect(),
        ));
        if let Some(a) = l.crm_reason_agreement {
            b.push(Para(format!(
                "Types 2 and 3 rest on CRM loss reasons, which agree with what buyers said on {} of interviewed deals (see Interview themes).",
                pct(a)
            )));
        }
        let g = &l.gate;
        b.push(Para(format!(
            "ICP gate: right-fit deals win {} (n = {}), wrong-fit {} (n = {}){}.",
            pct(g.right_fit_win_rate),
            g.right_fit_closed,
            pct(g.wrong_fit_win_rate),
            g.wrong_fit_closed,
            if g.works {
                ": the gate works"
            } else {
                ": the gate does not separate wins from losses"
            }
        )));
    }
    if let Some(m) = &r.competitors {
        b.push(Table(
            vec![
                "competitor".into(),
                "contested".into(),
                "our win rate (95% CI)".into(),
                "evidence".into(),
            ],
            m.overall
                .iter()
                .map(|x| {
                    vec![
                        x.competitor.clone(),
                        x.contested.to_string(),
                        format!(
                            "{} ({})",
                            pct(x.win_rate),
                            ci(x.win_rate_ci.0, x.win_rate_ci.1)
                        ),
                        x.evidence.to_string(),
                    ]
                })
                .collect(),
        ));
        b.push(List(
            m.owned
                .iter()
                .map(|o| {
                    format!(
                        "{} owns {}: wins {} of {} contested deals ({}, 95% CI {})",
                        o.competitor,
                        o.segment,
                        o.competitor_wins,
                        o.contested,
                        pct(o.share),
                        ci(o.share_ci.0, o.share_ci.1)
                    )
                })
                .collect(),
        ));
    }

    if let Some(t) = &r.themes {
        themes_blocks(&mut b, t);
    }

    if r.changelog.is_some() || r.change_tracking.is_some() {
        b.push(Heading(2, "ICP changelog".into()));
    }
    if let Some(c) = &r.change_tracking {
        b.push(Para(c.sentence.clone()));
    }
    if let Some(c) = &r.changelog {
        let mut lines = c.lines();
        if let Some(first) = lines.next() {
            b.push(Heading(3, first.trim_start_matches('#').trim().to_owned()));
        }
        let (reason, bullets): (Vec<&str>, Vec<&str>) = lines.partition(|l| !l.starts_with("- "));
        for r in reason.iter().filter(|l| !l.trim().is_empty()) {
            b.push(Para((*r).to_owned()));
        }
        b.push(List(
            bullets
                .iter()
                .map(|l| l.trim_start_matches("- ").to_owned())
                .collect(),
        ));
    }
    if !r.notes.is_empty() {
        b.push(Heading(2, "Notes".into()));
        b.push(List(r.notes.clone()));
    }
    b
}

/// Seed 001's interview themes: the signals per cohort with an example
/// quote, then CRM loss reasons against what buyers said.
fn themes_blocks(b: &mut Vec<Block>, t: &super::ThemesSection) {
    use Block::*;
    b.push(Heading(2, "Interview themes".into()));
    if t.notes > 0 {
        b.push(Para(format!(
            "{} notes from {} accounts ({}); themes from {}. A theme is a signal when {} or more distinct accounts of a cohort mention it{}.",
            t.notes,
            t.cohort_accounts.values().sum::<usize>(),
            t.cohort_accounts
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            t.source,
            t.min_accounts,
            if t.unmatched > 0 {
                format!("; {} notes matched no theme", t.unmatched)
            } else {
                String::new()
            }
        )));
    }
    b.push(List(t.findings.clone()));
    let signals: Vec<_> = t.signals().collect();
    if !signals.is_empty() {
        b.push(Table(
            vec![
                "cohort".into(),
                "theme".into(),
                "accounts".into(),
                "share".into(),
                "notes".into(),
                "level".into(),
                "example".into(),
            ],
            signals
                .iter()
                .map(|r| {
                    vec![
                        r.cohort.clone(),
                        r.theme.clone(),
                        r.accounts.to_string(),
                        pct(r.share),
                        r.mentions.to_string(),
                        r.evidence.to_string(),
                        r.quotes
                            .first()
                            .map(|q| format!("“{}” ({})", q.text, q.account))
                            .unwrap_or_default(),
                    ]
                })
                .collect(),
        ));
    }
    if let Some(a) = &t.reason_agreement {
        b.push(Para(format!(
            "CRM loss reason vs the buyer's, {} deals with both ({} of {} buyer reasons matched a deal):",
            a.n, t.buyer_reasons_matched, t.buyer_reasons
        )));
        b.push(Table(
            vec![
                "reason".into(),
                "CRM".into(),
                "buyers".into(),
                "CRM only".into(),
                "buyer only".into(),
                "McNemar p".into(),
                "flag".into(),
            ],
            a.reasons
                .iter()
                .map(|x| {
                    vec![
                        x.reason.clone(),
                        x.crm.to_string(),
                        x.buyer.to_string(),
                        x.crm_only.to_string(),
                        x.buyer_only.to_string(),
                        format!("{:.2e}", x.p_value),
                        if x.over_reported {
                            "over-reported by the CRM".into()
                        } else if x.buyer_only > x.crm_only && x.p_value < t.reason_alpha {
                            "under-reported by the CRM".into()
                        } else {
                            String::new()
                        },
                    ]
                })
                .collect(),
        ));
    }
}
