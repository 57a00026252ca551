//! The Rust-only scoring flow of `examples/score_service.rs`, through the
//! public API of the facade: the bundled ICP document reads and writes back
//! byte for byte, fits the bundled deals (planted truth in
//! `examples/data/TRUTH.md`), and its tiers separate the accounts the truth
//! says fit from those it says do not.

use icpfit::icp::{Icp, Tier};
use icpfit::score::{ManyOptions, ScoreOptions, ScorePlan, TieBreak, score_many};
use icpfit::table::{AccountTable, Column, CsvOptions};

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn load() -> (String, Icp, AccountTable) {
    let path = format!("{ROOT}/examples/data/icp.json");
    let text = std::fs::read_to_string(&path).expect("examples/data/icp.json");
    let icp = Icp::from_path(&path).expect("a valid ICP");
    let table = AccountTable::read_csv(
        format!("{ROOT}/examples/data/deals.csv"),
        &CsvOptions::default(),
    )
    .expect("examples/data/deals.csv");
    (text, icp, table)
}

#[test]
fn the_icp_document_round_trips_byte_for_byte() {
    let (text, icp, _) = load();
    assert_eq!(icp.to_json().unwrap() + "\n", text);
    assert_eq!(Icp::from_toml(&icp.to_toml().unwrap()).unwrap(), icp);
}

#[test]
fn the_sample_icp_fits_the_sample_data_and_its_tiers_follow_the_truth() {
    let (_, icp, table) = load();
    icp.validate(&table)
        .expect("every column, level and tag exists");
    let plan = ScorePlan::compile(&icp, table.schema()).unwrap();
    let scores = plan
        .score(
            &table,
            &ScoreOptions {
                tie_break: Some(TieBreak::higher("acv")),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(scores.len(), 3500);

    // The planted rule, on the observed values: 200 ≤ employees ≤ 2000 AND
    // (industry ∈ {fintech, healthtech} OR tech_stack has Snowflake).
    let employees = table.numeric("employees").unwrap();
    let industry = table.categorical("industry").unwrap();
    let stack = table.tag_set("tech_stack").unwrap();
    let snowflake = stack.tag_index("Snowflake").unwrap();
    let won = table.categorical("outcome").unwrap();
    let (mut fit_win, mut fit_n, mut rest_win, mut rest_n) = (0, 0, 0, 0);
    for (i, &e) in employees.iter().enumerate() {
        let fit = (200.0..=2000.0).contains(&e)
            && (matches!(industry.get(i), Some("fintech" | "healthtech"))
                || stack.has(i, snowflake));
        let tier = scores.tier(i).unwrap();
        assert_eq!(
            matches!(tier, Tier::A | Tier::B),
            fit,
            "row {i}: tier {tier}, planted fit {fit}, reasons {:?}",
            scores.explain(i).unwrap()
        );
        if e < 50.0 {
            assert!(scores.disqualified(i) && tier == Tier::D, "row {i}");
            assert_eq!(
                scores.explain(i).unwrap().last().unwrap(),
                "disqualified: fewer than 50 employees (churn 3×)"
            );
        }
        match won.get(i) {
            Some("won") | Some("lost") | Some("no_decision") => {
                let w = usize::from(won.get(i) == Some("won"));
                if fit {
                    fit_win += w;
                    fit_n += 1;
                } else {
                    rest_win += w;
                    rest_n += 1;
                }
            }
            _ => {}
        }
    }
    // Closed right-fit deals win about twice as often (52.8 % vs 26.5 % expected).
    let (fit_rate, rest_rate) = (
        fit_win as f64 / fit_n as f64,
        rest_win as f64 / rest_n as f64,
    );
    assert!(fit_rate > 1.6 * rest_rate, "{fit_rate} vs {rest_rate}");

    // The best account first, with its reasons.
    let best = scores.order()[0];
    assert_eq!(scores.tier(best), Some(Tier::A));
    let reasons = scores.top_reasons(best, 3).unwrap();
    assert_eq!(reasons.len(), 3);
    assert!(reasons.iter().all(|r| r.contains("(+")), "{reasons:?}");

    // Candidates scored from codes agree with the plan.
    let mut wider = icp.clone();
    wider.name = "wider".into();
    if let icpfit::icp::Predicate::Range(r) = &mut wider.primary[0].predicate {
        r.min = Some(100.0);
    }
    let many = score_many(&[icp.clone(), wider], &table, &ManyOptions::default()).unwrap();
    assert_eq!(many[0].points(), scores.points());
    assert_eq!(many[0].tier_codes(), scores.tier_codes());
    assert!(many[1].tier_counts().get(Tier::A) >= scores.tier_counts().get(Tier::A));
}

#[test]
fn a_table_without_a_column_the_plan_needs_is_refused() {
    let (_, icp, table) = load();
    let plan = ScorePlan::compile(&icp, table.schema()).unwrap();
    let cols: Vec<(String, Column)> = table
        .schema()
        .fields()
        .iter()
        .zip(table.columns())
        .filter(|(f, _)| f.name != "lead_source")
        .map(|(f, c)| (f.name.clone(), c.clone()))
        .collect();
    let other = AccountTable::from_columns(cols).unwrap();
    let e = plan.score(&other, &ScoreOptions::default()).unwrap_err();
    assert!(
        e.to_string().contains(
            "criterion `partner_led`: the scoring plan needs column `lead_source` as categorical"
        ),
        "{e}"
    );
}
