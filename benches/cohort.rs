//! Quality + cohorts + profile on 1M generated accounts (the synthetic CRM,
//! 32 columns, 18 attributes): the composite quality (6 components,
//! percentile ranks), the best / average / problematic cohorts, the outcome
//! cohorts and the won-vs-lost profile (means, medians, shares, Welch,
//! Mann–Whitney and χ² tests, 70 % signals), each on 1 and 2 threads, and the
//! whole pipeline. Also the segment table and the competitor matrix by
//! sub-industry.

use criterion::{Criterion, criterion_group, criterion_main};
use icpfit::cohort::{QualityCuts, SegmentBy, Segmentation, outcome_cohorts, quality_cohorts};
use icpfit::losses::{CompetitorOptions, LossColumns, competitor_matrix};
use icpfit::profile::{ProfileOptions, SegmentMetrics, SegmentTable};
use icpfit::quality::{QualitySpec, quality};
use icpfit::synth::{SynthConfig, generate};
use std::hint::black_box;
use std::time::Duration;

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("thread pool")
}

fn bench_cohort(c: &mut Criterion) {
    let table = generate(&SynthConfig::new(1_000_000, 42))
        .expect("synthetic data")
        .table;
    let spec = QualitySpec::default_for(&table).expect("quality columns");
    let mut g = c.benchmark_group("cohort_1M");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    for threads in [1, 2] {
        let p = pool(threads);
        g.bench_function(format!("quality_{threads}_threads"), |b| {
            b.iter(|| p.install(|| black_box(quality(&table, &spec).expect("quality"))))
        });
        let scores = quality(&table, &spec).expect("quality");
        g.bench_function(format!("quality_cohorts_{threads}_threads"), |b| {
            b.iter(|| {
                p.install(|| {
                    black_box(quality_cohorts(&scores, &QualityCuts::default()).expect("cohorts"))
                })
            })
        });
        g.bench_function(format!("won_vs_lost_profile_{threads}_threads"), |b| {
            b.iter(|| {
                p.install(|| {
                    let o = outcome_cohorts(&table, "outcome").expect("outcomes");
                    let pair = o.won_vs_lost().expect("pair");
                    black_box(
                        pair.profile(&table, &ProfileOptions::default())
                            .expect("profile"),
                    )
                })
            })
        });
        g.bench_function(format!("pipeline_{threads}_threads"), |b| {
            b.iter(|| {
                p.install(|| {
                    let q = quality(&table, &spec).expect("quality");
                    let qc = quality_cohorts(&q, &QualityCuts::default()).expect("cohorts");
                    let best = qc
                        .best_vs_problematic()
                        .expect("pair")
                        .profile(&table, &ProfileOptions::default())
                        .expect("profile");
                    let o = outcome_cohorts(&table, "outcome").expect("outcomes");
                    let won = o
                        .won_vs_lost()
                        .expect("pair")
                        .profile(&table, &ProfileOptions::default())
                        .expect("profile");
                    black_box((best, won))
                })
            })
        });
    }
    let industry = Segmentation::new(&table, "industry", &SegmentBy::Levels).expect("segments");
    g.bench_function("segment_table_industry", |b| {
        b.iter(|| {
            black_box(
                SegmentTable::new(&table, &industry, &SegmentMetrics::default()).expect("table"),
            )
        })
    });
    let sub = Segmentation::new(&table, "sub_industry", &SegmentBy::Levels).expect("segments");
    g.bench_function("competitor_matrix_sub_industry", |b| {
        b.iter(|| {
            black_box(
                competitor_matrix(
                    &table,
                    &LossColumns::default(),
                    Some(&sub),
                    &CompetitorOptions::default(),
                )
                .expect("matrix"),
            )
        })
    });
    g.finish();
}

criterion_group!(benches, bench_cohort);
criterion_main!(benches);
