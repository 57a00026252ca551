//! Scoring borrowed columns equals scoring the table they convert to: the
//! same points, tiers, gates and bitsets, and the same errors.

use super::kernel::Geometry;
use super::tests::{assert_same, geometries_and_levels, random_icp, random_table, reference};
use super::*;
use crate::icp::{Criterion, Predicate, Range};
use crate::table::levels::Interner;
use crate::table::{CategoricalColumn, Column, MISSING_CODE};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Keys of one width, owned by the test.
enum OwnedKeys {
    U8(Vec<u8>),
    U16(Vec<u16>),
    U32(Vec<u32>),
    U64(Vec<u64>),
    I8(Vec<i8>),
    I16(Vec<i16>),
    I32(Vec<i32>),
    I64(Vec<i64>),
}

impl OwnedKeys {
    /// `keys` (all fit the chosen width) as width number `w`.
    fn new(w: usize, keys: &[i64]) -> Self {
        match w {
            0 => Self::U8(keys.iter().map(|&k| k as u8).collect()),
            1 => Self::U16(keys.iter().map(|&k| k as u16).collect()),
            2 => Self::U32(keys.iter().map(|&k| k as u32).collect()),
            3 => Self::U64(keys.iter().map(|&k| k as u64).collect()),
            4 => Self::I8(keys.iter().map(|&k| k as i8).collect()),
            5 => Self::I16(keys.iter().map(|&k| k as i16).collect()),
            6 => Self::I32(keys.iter().map(|&k| k as i32).collect()),
            _ => Self::I64(keys.to_vec()),
        }
    }
    fn signed(w: usize) -> bool {
        w >= 4
    }
    fn keys(&self) -> Keys<'_> {
        match self {
            Self::U8(v) => Keys::U8(v),
            Self::U16(v) => Keys::U16(v),
            Self::U32(v) => Keys::U32(v),
            Self::U64(v) => Keys::U64(v),
            Self::I8(v) => Keys::I8(v),
            Self::I16(v) => Keys::I16(v),
            Self::I32(v) => Keys::I32(v),
            Self::I64(v) => Keys::I64(v),
        }
    }
}

/// A validity bitmap of `valid` starting at bit `offset` (the bits before
/// it random).
fn bitmap(rng: &mut ChaCha8Rng, valid: &[bool], offset: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = (0..(offset + valid.len()).div_ceil(8) + rng.random_range(0..2))
        .map(|_| rng.random())
        .collect();
    for (i, &v) in valid.iter().enumerate() {
        let b = offset + i;
        bytes[b / 8] = (bytes[b / 8] & !(1 << (b % 8))) | (u8::from(v) << (b % 8));
    }
    bytes
}

/// Random cut points of `0..n` into pieces (some empty).
fn cuts(rng: &mut ChaCha8Rng, n: usize) -> Vec<std::ops::Range<usize>> {
    let mut at: Vec<usize> = (0..rng.random_range(0..4))
        .map(|_| rng.random_range(0..=n))
        .collect();
    at.extend([0, n]);
    at.sort_unstable();
    at.windows(2).map(|w| w[0]..w[1]).collect()
}

/// One piece's owned storage.
enum Store {
    Numbers {
        values: Vec<f64>,
        valid: Option<(Vec<u8>, usize)>,
    },
    Integers {
        values: Vec<i64>,
        valid: Option<(Vec<u8>, usize)>,
    },
    Keys {
        keys: OwnedKeys,
        valid: Option<(Vec<u8>, usize)>,
        dictionary: usize,
    },
}

/// A column's pieces and, for categories, dictionaries.
struct Stored {
    name: String,
    pieces: Vec<Store>,
    dictionaries: Vec<Vec<Option<String>>>,
    owned: Option<Column>,
}

/// The table's numeric and categorical columns re-laid the way frames lay
/// them out: pieces, validity bitmaps at any bit offset with garbage under
/// nulls (±∞ included), keys of every width into shuffled dictionaries with
/// repeated, null and unused entries, missing as a null, a negative key or
/// a null entry. Other columns stay owned.
fn relay(rng: &mut ChaCha8Rng, table: &AccountTable) -> Vec<Stored> {
    let n = table.n_rows();
    let mut out = Vec::new();
    for (f, col) in table.schema().fields().iter().zip(table.columns()) {
        let mut stored = Stored {
            name: f.name.clone(),
            pieces: Vec::new(),
            dictionaries: Vec::new(),
            owned: None,
        };
        match col {
            // A column of whole numbers, half the time as i64 (nulls in a
            // bitmap, any value under them).
            Column::Numeric(v)
                if v.iter().all(|x| x.is_nan() || x.fract() == 0.0) && rng.random_bool(0.5) =>
            {
                for r in cuts(rng, n) {
                    let ok: Vec<bool> = v[r.clone()].iter().map(|x| !x.is_nan()).collect();
                    let values = v[r.clone()]
                        .iter()
                        .map(|&x| {
                            if x.is_nan() {
                                rng.random_range(-9..9)
                            } else {
                                x as i64
                            }
                        })
                        .collect();
                    let valid = if ok.iter().all(|&o| o) && rng.random_bool(0.5) {
                        None
                    } else {
                        let offset = rng.random_range(0..13);
                        Some((bitmap(rng, &ok, offset), offset))
                    };
                    stored.pieces.push(Store::Integers { values, valid });
                }
            }
            Column::Numeric(v) => {
                for r in cuts(rng, n) {
                    let mut values = v[r.clone()].to_vec();
                    let valid = if rng.random_bool(0.6) {
                        let ok: Vec<bool> = values.iter().map(|x| !x.is_nan()).collect();
                        for (x, &ok) in values.iter_mut().zip(&ok) {
                            if !ok {
                                *x = [0.0, 1e300, f64::INFINITY, -7.0, f64::NAN]
                                    [rng.random_range(0..5)];
                            }
                        }
                        let offset = rng.random_range(0..13);
                        Some((bitmap(rng, &ok, offset), offset))
                    } else {
                        None
                    };
                    stored.pieces.push(Store::Numbers { values, valid });
                }
            }
            Column::Categorical(cat) => {
                let w = rng.random_range(0..8);
                let shared = rng.random_bool(0.5);
                for r in cuts(rng, n) {
                    if !shared || stored.dictionaries.is_empty() {
                        let mut dict: Vec<Option<String>> =
                            cat.levels().iter().map(|l| Some(l.clone())).collect();
                        for _ in 0..rng.random_range(0..3) {
                            let extra = match rng.random_range(0..3) {
                                0 => None,
                                1 => Some(format!("unused{}", rng.random_range(0..9))),
                                _ => dict[rng.random_range(0..dict.len())].clone(),
                            };
                            dict.push(extra);
                        }
                        // Shuffle.
                        for i in (1..dict.len()).rev() {
                            dict.swap(i, rng.random_range(0..=i));
                        }
                        stored.dictionaries.push(dict);
                    }
                    let d = stored.dictionaries.len() - 1;
                    let dict = &stored.dictionaries[d];
                    let null_entry = dict.iter().position(Option::is_none);
                    let mut valid = vec![true; r.len()];
                    let keys: Vec<i64> = r
                        .clone()
                        .enumerate()
                        .map(|(i, row)| match cat.get(row) {
                            Some(level) => {
                                let at: Vec<usize> = (0..dict.len())
                                    .filter(|&k| dict[k].as_deref() == Some(level))
                                    .collect();
                                at[rng.random_range(0..at.len())] as i64
                            }
                            None => match rng.random_range(0..3) {
                                0 if OwnedKeys::signed(w) => -1,
                                1 if null_entry.is_some() => null_entry.unwrap_or(0) as i64,
                                _ => {
                                    valid[i] = false;
                                    rng.random_range(0..100)
                                }
                            },
                        })
                        .collect();
                    let valid = if valid.iter().all(|v| *v) && rng.random_bool(0.5) {
                        None
                    } else {
                        let offset = rng.random_range(0..13);
                        Some((bitmap(rng, &valid, offset), offset))
                    };
                    stored.pieces.push(Store::Keys {
                        keys: OwnedKeys::new(w, &keys),
                        valid,
                        dictionary: d,
                    });
                }
            }
            other => stored.owned = Some(other.clone()),
        }
        out.push(stored);
    }
    out
}

/// The pieces of a stored column of values (`pick` reads one piece).
fn value_pieces<'a, T>(
    s: &'a Stored,
    pick: impl Fn(&'a Store) -> (&'a Vec<T>, &'a Option<(Vec<u8>, usize)>),
) -> Vec<Piece<'a, T>> {
    s.pieces
        .iter()
        .map(|p| {
            let (values, valid) = pick(p);
            Piece::new(values, valid.as_ref().map(|(b, o)| (&b[..], *o))).unwrap()
        })
        .collect()
}

/// The borrowed table over `stored`.
fn borrow(stored: &[Stored]) -> BorrowedTable<'_> {
    let columns = stored
        .iter()
        .map(|s| {
            let col = if let Some(c) = &s.owned {
                BorrowedColumn::Owned(c.clone())
            } else if let Some(Store::Integers { .. }) = s.pieces.first() {
                BorrowedColumn::Integers(value_pieces(s, |p| match p {
                    Store::Integers { values, valid } => (values, valid),
                    _ => unreachable!(),
                }))
            } else if s.dictionaries.is_empty() {
                BorrowedColumn::Numbers(value_pieces(s, |p| match p {
                    Store::Numbers { values, valid } => (values, valid),
                    _ => unreachable!(),
                }))
            } else {
                let pieces = s
                    .pieces
                    .iter()
                    .map(|p| match p {
                        Store::Keys {
                            keys,
                            valid,
                            dictionary,
                        } => KeyPiece::new(
                            keys.keys(),
                            valid.as_ref().map(|(b, o)| (&b[..], *o)),
                            *dictionary,
                        )
                        .unwrap(),
                        _ => unreachable!(),
                    })
                    .collect();
                let dicts = s
                    .dictionaries
                    .iter()
                    .map(|d| d.iter().map(|v| v.as_deref()).collect())
                    .collect();
                BorrowedColumn::Codes(CodeColumn::new(pieces, dicts).unwrap())
            };
            (s.name.clone(), col)
        })
        .collect();
    BorrowedTable::new(columns).unwrap()
}

/// What converting the borrowed table gives: NaN under nulls, categories
/// re-interned with only the levels in use.
fn converted(table: &AccountTable) -> AccountTable {
    map_columns(table, |_, c| match c {
        Column::Categorical(cat) => {
            let mut interner = Interner::default();
            let mut codes: Vec<u32> = (0..cat.codes().len())
                .map(|i| {
                    cat.get(i)
                        .map_or(MISSING_CODE, |l| interner.code(l.to_owned()))
                })
                .collect();
            let (levels, remap) = interner.finish();
            crate::table::levels::remap_codes(&mut codes, &remap);
            Column::Categorical(CategoricalColumn::new(codes, levels).unwrap())
        }
        other => other.clone(),
    })
}

/// `table` with each column replaced by `f(name, column)`.
fn map_columns(table: &AccountTable, f: impl Fn(&str, &Column) -> Column) -> AccountTable {
    let columns = table
        .schema()
        .fields()
        .iter()
        .zip(table.columns())
        .map(|(field, c)| (field.name.clone(), f(&field.name, c)))
        .collect();
    AccountTable::from_columns(columns).unwrap()
}

/// `table` with column `name`'s numbers rounded: whole numbers, which
/// [`relay`] may lend as integers.
fn with_whole_numbers(table: AccountTable, name: &str) -> AccountTable {
    map_columns(&table, |column, c| match c {
        Column::Numeric(v) if column == name => {
            Column::Numeric(v.iter().map(|x| x.round()).collect::<Vec<_>>().into())
        }
        c => c.clone(),
    })
}

fn score_both(
    icp: &Icp,
    native: &AccountTable,
    borrowed: &mut BorrowedTable<'_>,
    opts: &ScoreOptions,
    geo: Geometry,
) {
    // The schema read without building the shape is the shape's, and the
    // conversion's.
    assert_eq!(&borrowed.schema(), borrowed.shape().unwrap().schema());
    assert_eq!(&borrowed.schema(), native.schema());
    let plan = ScorePlan::compile(icp, native.schema()).unwrap();
    let want = plan.score_with(native, opts, geo);
    let got = plan.score_borrowed_with(borrowed, opts, geo);
    match (want, got) {
        (Ok(w), Ok(g)) => {
            assert_same(&g, &reference(icp, native, opts.levels), "borrowed");
            assert_eq!(w.points(), g.points());
        }
        (Err(w), Err(g)) => assert_eq!(w.to_string(), g.to_string()),
        (w, g) => panic!("native {:?} vs borrowed {:?}", w.err(), g.err()),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Borrowed layouts score as their conversion does, bit for bit, and
    /// fail with the same error, for every geometry and both level modes.
    #[test]
    fn borrowed_columns_score_as_their_conversion(seed in any::<u64>(), n in 0usize..200, k in 1usize..20, fractional in any::<bool>()) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let original = with_whole_numbers(random_table(&mut rng, n), "num0");
        let icp = random_icp(&mut rng, k, fractional, "random");
        let stored = relay(&mut rng, &original);
        let native = converted(&original);
        for levels in [Levels::Lenient, Levels::Strict] {
            let opts = ScoreOptions { levels, ..Default::default() };
            for geo in geometries_and_levels() {
                score_both(&icp, &native, &mut borrow(&stored), &opts, geo);
            }
        }
    }
}

fn employees_icp() -> Icp {
    Icp::new("E", "1").secondary(
        Criterion::new("mid", "employees", Predicate::Range(Range::at_least(100.0))).points(10.0),
    )
}

#[test]
fn an_infinite_value_is_refused_unless_under_a_null() {
    let values = [5.0, 500.0, f64::INFINITY, 7.0];
    let icp = employees_icp();
    fn table<'a>(values: &'a [f64], valid: Option<&'a [u8]>) -> BorrowedTable<'a> {
        BorrowedTable::new(vec![(
            "employees".into(),
            BorrowedColumn::Numbers(vec![
                Piece::new(&values[..2], None).unwrap(),
                Piece::new(&values[2..], valid.map(|v| (v, 0))).unwrap(),
            ]),
        )])
        .unwrap()
    }
    // −∞ is refused as +∞ is (below).
    let negative = [5.0, 500.0, f64::NEG_INFINITY, 7.0];
    let plan = ScorePlan::compile(&icp, &table(&negative, None).schema()).unwrap();
    let e = plan
        .score_borrowed(&mut table(&negative, None), &ScoreOptions::default())
        .unwrap_err();
    assert!(e.to_string().contains("found `-inf`"), "{e}");
    let table = |valid: Option<&'static [u8]>| table(&values, valid);
    let plan = ScorePlan::compile(&icp, &table(None).schema()).unwrap();
    let e = plan
        .score_borrowed(&mut table(None), &ScoreOptions::default())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "row 2, column `employees`: expected a finite number (null or NaN for missing), found `inf`"
    );
    // The same value under a null is no value at all.
    let s = plan
        .score_borrowed(&mut table(Some(&[0b10])), &ScoreOptions::default())
        .unwrap();
    assert_eq!(s.points(), &[0.0, 10.0, 0.0, 0.0]);
    // A column no range reads is checked too (here: by `is_missing`).
    let missing = Icp::new("M", "1")
        .secondary(Criterion::new("m", "employees", Predicate::IsMissing(true)).points(1.0));
    let plan = ScorePlan::compile(&missing, &table(None).schema()).unwrap();
    assert!(
        plan.score_borrowed(&mut table(None), &ScoreOptions::default())
            .is_err()
    );
}

#[test]
fn the_levels_in_use_are_found_past_the_first_rows_and_never_under_a_null() {
    // 200 rows over two pieces sharing one dictionary: `a` everywhere, `b`
    // only at row 150 (second piece, third 64-row word), `c` only under
    // nulls (so not in use), `d` never, key 9 outside the dictionary, -1 a
    // missing key; the bitmap starts at bit 3.
    let dict = vec![Some("a"), Some("b"), Some("c"), Some("d"), None];
    let mut keys = vec![0i16; 200];
    keys[150] = 1;
    keys[7] = 2;
    keys[130] = 2;
    keys[20] = 9;
    keys[21] = -1;
    let mut bits = vec![0xffu8; 200 / 8 + 2];
    for null in [7usize, 130] {
        bits[(null + 3) / 8] &= !(1 << ((null + 3) % 8));
    }
    let pieces = vec![
        KeyPiece::new(Keys::I16(&keys[..100]), Some((&bits, 3)), 0).unwrap(),
        KeyPiece::new(
            Keys::I16(&keys[100..]),
            Some((&bits[100 / 8..], 3 + 100 % 8)),
            0,
        )
        .unwrap(),
    ];
    let mut column = CodeColumn::new(pieces.clone(), vec![dict.clone()]).unwrap();
    assert_eq!(column.levels(), ["a", "b", "c", "d"]);
    column.restrict_to_used();
    assert_eq!(column.levels(), ["a", "b"]);
    // Every entry met in the first rows: the pass stops there, same levels.
    let all: Vec<i16> = (0..200).map(|i| [0, 1, 2, 3, 4][i % 5]).collect();
    let mut column = CodeColumn::new(
        vec![KeyPiece::new(Keys::I16(&all), None, 0).unwrap()],
        vec![dict],
    )
    .unwrap();
    column.restrict_to_used();
    assert_eq!(column.levels(), ["a", "b", "c", "d"]);
}

#[test]
fn unused_dictionary_entries_are_not_levels() {
    // pandas-style: declared categories, one never used; `fintec` is a
    // typo of a level in use, `retail` a level no row has.
    let codes: [i8; 4] = [0, -1, 0, 2];
    let dict = [Some("fintech"), Some("retail"), Some("healthtech")];
    let table = || {
        BorrowedTable::new(vec![(
            "industry".into(),
            BorrowedColumn::Codes(
                CodeColumn::new(
                    vec![KeyPiece::new(Keys::I8(&codes), None, 0).unwrap()],
                    vec![dict.to_vec()],
                )
                .unwrap(),
            ),
        )])
        .unwrap()
    };
    let icp = |level: &str| {
        Icp::new("I", "1").secondary(
            Criterion::new("ind", "industry", Predicate::In(vec![level.into()])).points(5.0),
        )
    };
    let schema = table().schema();
    assert_eq!(schema.fields()[0].kind, crate::table::Kind::Categorical);
    let score = |level: &str, levels: Levels| {
        ScorePlan::compile(&icp(level), &schema)
            .unwrap()
            .score_borrowed(
                &mut table(),
                &ScoreOptions {
                    levels,
                    ..Default::default()
                },
            )
    };
    assert_eq!(
        score("fintech", Levels::Strict).unwrap().points(),
        &[5.0, 0.0, 5.0, 0.0]
    );
    // Unused: absent when strict, as after conversion; lenient, nothing matches.
    let e = score("retail", Levels::Strict).unwrap_err();
    assert!(e.to_string().contains("`retail`"), "{e}");
    assert_eq!(
        score("retail", Levels::Lenient).unwrap().points(),
        &[0.0; 4]
    );
    let e = score("fintec", Levels::Lenient).unwrap_err();
    assert!(e.to_string().contains("did you mean `fintech`"), "{e}");
}

#[test]
fn tie_break_and_schema_checks_read_borrowed_columns() {
    let arr = [10.0, 30.0, 20.0];
    let employees = [500.0, 500.0, 500.0];
    let table = || {
        BorrowedTable::new(vec![
            (
                "employees".into(),
                BorrowedColumn::Numbers(vec![Piece::new(&employees, None).unwrap()]),
            ),
            (
                "arr".into(),
                BorrowedColumn::Numbers(vec![Piece::new(&arr, Some((&[0b101], 0))).unwrap()]),
            ),
        ])
        .unwrap()
    };
    let icp = employees_icp();
    let plan = ScorePlan::compile(&icp, &table().schema()).unwrap();
    let opts = ScoreOptions {
        tie_break: Some(TieBreak::higher("arr")),
        ..Default::default()
    };
    // arr: 10, null, 20 → higher first: row 2, row 0, then the missing one.
    assert_eq!(
        plan.score_borrowed(&mut table(), &opts).unwrap().order(),
        [2, 0, 1]
    );
    let other = BorrowedTable::new(vec![(
        "headcount".into(),
        BorrowedColumn::Numbers(vec![Piece::new(&employees, None).unwrap()]),
    )]);
    let e = plan
        .score_borrowed(&mut other.unwrap(), &ScoreOptions::default())
        .unwrap_err();
    assert!(matches!(e, crate::Error::SchemaMismatch { .. }), "{e}");
}

#[test]
fn ragged_columns_and_short_bitmaps_are_typed_errors() {
    let a = [1.0, 2.0];
    let b = [1.0];
    let e = BorrowedTable::new(vec![
        (
            "a".into(),
            BorrowedColumn::Numbers(vec![Piece::new(&a, None).unwrap()]),
        ),
        (
            "b".into(),
            BorrowedColumn::Numbers(vec![Piece::new(&b, None).unwrap()]),
        ),
    ])
    .unwrap_err();
    assert!(
        e.to_string().contains("`b` has 1 values, expected 2"),
        "{e}"
    );
    assert!(Piece::new(&a, Some((&[], 0))).is_err());
    assert!(Piece::new(&a, Some((&[0xff], 7))).is_err());
    let codes = [0u8];
    let e = CodeColumn::new(
        vec![KeyPiece::new(Keys::U8(&codes), None, 1).unwrap()],
        vec![vec![Some("x")]],
    );
    assert!(e.is_err());
}

#[test]
fn bitmap_nulls_are_found_at_any_offset_and_length() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..200 {
        let n = rng.random_range(0..300);
        let offset = rng.random_range(0..20);
        let valid: Vec<bool> = (0..n).map(|_| rng.random_bool(0.7)).collect();
        let bytes = bitmap(&mut rng, &valid, offset);
        let v = Validity::new(&bytes, offset, n).unwrap();
        let lo = rng.random_range(0..=n);
        let hi = rng.random_range(lo..=n);
        let mut nulls = Vec::new();
        v.for_each_null(lo..hi, |i| nulls.push(i));
        let want: Vec<usize> = (lo..hi).filter(|&i| !valid[i]).collect();
        assert_eq!(nulls, want);
        assert!((0..n).all(|i| v.get(i) == valid[i]));
    }
}

#[test]
fn integer_columns_are_all_missing_only_when_every_row_is_null() {
    let values = [3i64, 4, 5];
    let (none, some) = ([0b000u8], [0b010u8]);
    let all_null = Piece::new(&values, Some((&none[..], 0))).unwrap();
    let one_value = Piece::new(&values, Some((&some[..], 0))).unwrap();
    let no_bitmap = Piece::new(&values, None).unwrap();
    let empty = Piece::new(&values[..0], None).unwrap();
    assert!(BorrowedColumn::Integers(vec![empty, all_null]).all_missing());
    assert!(!BorrowedColumn::Integers(vec![one_value]).all_missing());
    assert!(!BorrowedColumn::Integers(vec![no_bitmap]).all_missing());
    assert!(!BorrowedColumn::Integers(vec![empty]).all_missing());
}

proptest! {
    /// A column built from a shared [`Dictionary`] is the column built from
    /// the dictionary's values alone: same levels, same codes, before and
    /// after restricting to the levels in use; and restricting one column
    /// leaves another sharing the dictionary as it was.
    #[test]
    fn columns_sharing_a_dictionary_are_columns_of_their_own(
        entries in proptest::collection::vec(proptest::option::of(0u8..12), 0..20),
        keys in proptest::collection::vec(-1i16..24, 0..60),
    ) {
        let names: Vec<Option<String>> = entries.iter().map(|e| e.map(|k| format!("v{}", k % 7))).collect();
        let values: Vec<Option<&str>> = names.iter().map(|n| n.as_deref()).collect();
        let piece = || vec![KeyPiece::new(Keys::I16(&keys), None, 0).unwrap()];
        let shared = Dictionary::new(values.clone());
        let mut own = CodeColumn::new(piece(), vec![values.clone()]).unwrap();
        let mut a = CodeColumn::sharing(piece(), &shared).unwrap();
        let b = CodeColumn::sharing(piece(), &shared).unwrap();
        let codes = |c: &CodeColumn<'_>| c.to_categorical().unwrap();
        prop_assert_eq!(a.levels(), own.levels());
        prop_assert_eq!(codes(&a), codes(&own));
        own.restrict_to_used();
        a.restrict_to_used();
        prop_assert_eq!(a.levels(), own.levels());
        prop_assert_eq!(codes(&a), codes(&own));
        let fresh = CodeColumn::new(piece(), vec![values]).unwrap();
        prop_assert_eq!(b.levels(), fresh.levels());
    }
}

#[test]
fn a_shared_dictionary_has_one_number() {
    let keys = [0u8];
    let d = Dictionary::new(vec![Some("a")]);
    let e = CodeColumn::sharing(vec![KeyPiece::new(Keys::U8(&keys), None, 1).unwrap()], &d)
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "invalid `dictionary`: a piece names dictionary 1 of 1"
    );
}

#[test]
fn columns_sharing_a_dictionary_share_its_levels_in_the_shape_and_conversion() {
    // polars' columns all index one process-wide list: binding and
    // converting them must not copy it once per column.
    let d = Dictionary::new(vec![Some("b"), Some("a"), None, Some("c")]);
    let (x, y) = ([0u8, 1], [3u8, 3]);
    let column = |keys| {
        BorrowedColumn::Codes(
            CodeColumn::sharing(vec![KeyPiece::new(Keys::U8(keys), None, 0).unwrap()], &d).unwrap(),
        )
    };
    let table =
        BorrowedTable::new(vec![("x".into(), column(&x)), ("y".into(), column(&y))]).unwrap();
    let shape = table.shape().unwrap();
    let levels: Vec<&[String]> = shape
        .columns()
        .iter()
        .map(|c| match c {
            Column::Categorical(c) => c.levels(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(levels[0], ["a", "b", "c"]);
    assert!(std::ptr::eq(levels[0], d.levels()) && std::ptr::eq(levels[1], d.levels()));
    let BorrowedColumn::Codes(c) = &table.columns()[1] else {
        panic!()
    };
    let converted = c.to_categorical().unwrap();
    assert!(std::ptr::eq(converted.levels(), d.levels()));
    assert_eq!(converted.codes(), [2, 2]);
}

/// The 32-bit slot the kernel uses for tables of up to 2^31 slots is the
/// 64-bit one, for every key width, at the edges: negative keys, keys at
/// and past the table's end, keys that do not fit in 32 bits.
#[test]
fn narrow_slots_are_the_wide_ones() {
    use super::borrowed::Key;
    fn check<K: Key + std::fmt::Debug>(keys: &[K]) {
        for n in [
            0u32,
            1,
            62,
            63,
            64,
            255,
            65_535,
            i32::MAX as u32 - 1,
            i32::MAX as u32,
        ] {
            for &k in keys {
                assert_eq!(k.slot_narrow(n), k.slot(n as usize), "key {k:?}, n {n}");
            }
        }
    }
    check(&[0u8, 1, 62, 63, 64, 254, 255]);
    check(&[0u16, 1, 63, 255, 256, 65_534, 65_535]);
    check(&[0u32, 1, 63, 1 << 31, (1 << 31) - 1, u32::MAX - 1, u32::MAX]);
    check(&[0u64, 1, 63, 1 << 31, 1 << 32, (1 << 32) + 1, u64::MAX]);
    check(&[i8::MIN, -1, 0, 1, 63, i8::MAX]);
    check(&[i16::MIN, -1, 0, 1, 63, 255, i16::MAX]);
    check(&[i32::MIN, -1, 0, 1, 63, i32::MAX - 1, i32::MAX]);
    check(&[
        i64::MIN,
        -(1 << 32),
        -1,
        0,
        1,
        63,
        1 << 31,
        1 << 32,
        i64::MAX,
    ]);
    // A negative key is the missing slot, never an entry.
    assert_eq!((-1i32).slot_narrow(5), 5);
    assert_eq!((-1i8).slot_narrow(i32::MAX as u32), i32::MAX as usize);
}
