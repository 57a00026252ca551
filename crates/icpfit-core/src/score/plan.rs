//! [`ScorePlan`]: an ICP compiled against a schema. Compiling checks once
//! what does not depend on the data (columns exist, kinds fit the
//! predicates); scoring a table then checks that the table has the schema the
//! plan was compiled for, binds the category and tag sets to the table's own
//! dictionaries (they differ between tables) through [`Icp::bind`], and runs
//! the columnar kernel.

use super::borrowed::{BorrowedColumn, BorrowedTable};
use super::kernel::{Geometry, Kernel, Output, Source};
use super::scores::CriterionInfo;
use super::{FitScores, ScoreOptions, in_pool};
use crate::error::{Error, Result};
use crate::icp::{BoundIcp, Icp, Predicate, Test};
use crate::table::{AccountTable, Kind, Schema};

/// A tie-break column's name and values (see [`FitScores::order`]).
type TieValues = Option<(String, Vec<f64>)>;

/// A column a compiled plan reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedColumn {
    /// The criterion reading it (`scope` for the ICP's scope).
    pub criterion: String,
    /// The column name.
    pub column: String,
    /// Its kind in the schema the plan was compiled against.
    pub kind: Kind,
    /// Its index in that schema.
    pub index: usize,
}

/// An ICP compiled against a schema, ready to score any table with that
/// schema (in any column order).
///
/// ```
/// use icpfit_core::icp::{Criterion, Icp, Predicate, Range};
/// use icpfit_core::score::{ScoreOptions, ScorePlan};
/// use icpfit_core::table::{AccountTable, CsvOptions};
///
/// let csv = "account_id,industry,employees\na1,fintech,800\na2,retail,30\n";
/// let table = AccountTable::from_csv_reader(csv.as_bytes(), &CsvOptions::default())?;
/// let icp = Icp::new("Core", "1")
///     .primary(Criterion::new("mid", "employees", Predicate::Range(Range::closed(Some(200.0), Some(2000.0)))).points(60.0))
///     .secondary(Criterion::new("fin", "industry", Predicate::In(vec!["fintech".into()])).points(20.0));
/// let plan = ScorePlan::compile(&icp, table.schema())?;
/// let scores = plan.score(&table, &ScoreOptions::default())?;
/// assert_eq!(scores.points(), &[80.0, 0.0]);
/// assert_eq!(scores.explain(0)?, ["employees 200–2000 (+60)", "industry fintech (+20)"]);
/// # Ok::<(), icpfit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct ScorePlan {
    icp: Icp,
    columns: Vec<PlannedColumn>,
    criteria: Vec<CriterionInfo>,
}

impl ScorePlan {
    /// Compiles `icp` against `schema`: the ICP's structural
    /// [`check`](Icp::check), then every criterion's column must exist with
    /// the kind its predicate applies to, and the scope's column must be
    /// categorical. Errors name the criterion and, for a misspelt column,
    /// suggest the closest name.
    pub fn compile(icp: &Icp, schema: &Schema) -> Result<Self> {
        icp.check()?;
        let err = |criterion: Option<&str>, message: String| Error::InvalidIcp {
            icp: icp.name.clone(),
            criterion: criterion.map(str::to_owned),
            message,
        };
        let mut columns = Vec::with_capacity(icp.len() + 1);
        for (_, c) in icp.criteria() {
            let index = schema
                .index_of(&c.column)
                .map_err(|e| err(Some(&c.name), e.to_string()))?;
            let kind = schema.fields()[index].kind;
            if let Some(want) = c.predicate.column_kind()
                && want != kind
            {
                return Err(err(
                    Some(&c.name),
                    format!(
                        "`{}` applies to {want} columns but `{}` is {kind}",
                        c.predicate.key(),
                        c.column
                    ),
                ));
            }
            columns.push(PlannedColumn {
                criterion: c.name.clone(),
                column: c.column.clone(),
                kind,
                index,
            });
        }
        if let Some(s) = &icp.scope {
            let index = schema
                .index_of(&s.column)
                .map_err(|e| err(None, format!("scope: {e}")))?;
            let kind = schema.fields()[index].kind;
            if kind != Kind::Categorical {
                return Err(err(
                    None,
                    format!("scope: `{}` is {kind}, expected categorical", s.column),
                ));
            }
            columns.push(PlannedColumn {
                criterion: "scope".into(),
                column: s.column.clone(),
                kind,
                index,
            });
        }
        Ok(Self {
            icp: icp.clone(),
            columns,
            criteria: CriterionInfo::all(icp),
        })
    }

    /// The ICP.
    pub fn icp(&self) -> &Icp {
        &self.icp
    }
    /// The columns read, one per criterion in bit order, then the scope's.
    pub fn columns(&self) -> &[PlannedColumn] {
        &self.columns
    }
    /// The criteria, in bit order.
    pub fn criteria(&self) -> &[CriterionInfo] {
        &self.criteria
    }

    /// Checks that `table` has every column the plan reads, with the kind it
    /// was compiled for ([`Error::SchemaMismatch`] otherwise). Columns may be
    /// in another order.
    pub fn check_table(&self, table: &AccountTable) -> Result<()> {
        self.check_schema(table.schema())
    }

    fn check_schema(&self, schema: &Schema) -> Result<()> {
        let fields = schema.fields();
        for p in &self.columns {
            let field = match fields.get(p.index) {
                Some(f) if f.name == p.column => f,
                _ => match schema.index_of(&p.column) {
                    Ok(i) => &fields[i],
                    Err(e) => {
                        return Err(self.mismatch(p, format!("has no such column ({e})")));
                    }
                },
            };
            if field.kind != p.kind {
                return Err(self.mismatch(p, format!("has it as {}", field.kind)));
            }
        }
        Ok(())
    }

    fn mismatch(&self, p: &PlannedColumn, found: String) -> Error {
        Error::SchemaMismatch {
            icp: self.icp.name.clone(),
            criterion: p.criterion.clone(),
            column: p.column.clone(),
            expected: p.kind.to_string(),
            found,
        }
    }

    /// Scores every row of `table` (see [`FitScores`]).
    pub fn score(&self, table: &AccountTable, opts: &ScoreOptions) -> Result<FitScores> {
        self.score_with(table, opts, Geometry::DEFAULT)
    }

    /// Scores every row of `table` into `out`, reusing its buffers: the
    /// same result as [`score`](Self::score), without fresh memory. Fresh
    /// result arrays cost page faults (about a third of the scoring time at
    /// a million rows); [`score`](Self::score) avoids most of them by
    /// recycling the arrays of dropped scores ([`super::buffers`]), and a
    /// service that keeps its last scores avoids them all with this.
    ///
    /// ```
    /// # use icpfit_core::icp::{Criterion, Icp, Predicate, Range};
    /// # use icpfit_core::score::{FitScores, ScoreOptions, ScorePlan};
    /// # use icpfit_core::table::{AccountTable, CsvOptions};
    /// # let table = AccountTable::from_csv_reader("employees\n800\n30\n".as_bytes(), &CsvOptions::default())?;
    /// # let icp = Icp::new("Core", "1").secondary(Criterion::new("mid", "employees", Predicate::Range(Range::at_least(200.0))).points(80.0));
    /// let plan = ScorePlan::compile(&icp, table.schema())?;
    /// let mut scores = FitScores::default();
    /// for _ in 0..3 {
    ///     plan.score_into(&table, &ScoreOptions::default(), &mut scores)?;
    /// }
    /// assert_eq!(scores.points(), &[80.0, 0.0]);
    /// # Ok::<(), icpfit_core::Error>(())
    /// ```
    pub fn score_into(
        &self,
        table: &AccountTable,
        opts: &ScoreOptions,
        out: &mut FitScores,
    ) -> Result<()> {
        let (kernel, tie_break) = self.native_kernel(table, opts)?;
        let mut buf = Output {
            points: std::mem::take(&mut out.points),
            tier: std::mem::take(&mut out.tier),
            gates: std::mem::take(&mut out.gates),
            matched: out.matched.take().unwrap_or_default(),
        };
        in_pool(opts.n_threads, || {
            kernel.run_into(Geometry::DEFAULT, &mut buf)
        })?;
        *out = self.scores(kernel.words(), buf, tie_break);
        Ok(())
    }

    /// Scores every row of a table whose columns are lent by a frame (see
    /// [`BorrowedTable`]): the same scores and the same errors as scoring
    /// the table the frame converts to, without converting it.
    ///
    /// A category's levels are the dictionary values that valid rows use.
    /// A dictionary may hold more (pandas' declared categories, polars'
    /// global ones); that only matters when the ICP names a level that no
    /// row has, so before binding, each category level the ICP names is
    /// looked for in the rows (a scan that stops at the first hit), and a
    /// column with a level absent from the dictionary or from the rows has
    /// its levels restricted to those in use (one pass over its keys).
    ///
    /// ```
    /// use icpfit_core::icp::{Criterion, Icp, Predicate, Range};
    /// use icpfit_core::score::{BorrowedColumn, BorrowedTable, CodeColumn, KeyPiece, Keys, Piece, ScoreOptions, ScorePlan};
    ///
    /// let employees = [800.0, 30.0, 0.0];
    /// let validity = [0b011u8]; // the third row is null
    /// let codes: [i8; 3] = [0, 1, -1]; // pandas' category codes, -1 missing
    /// let sector = [Some("fintech"), Some("retail")];
    /// let mut table = BorrowedTable::new(vec![
    ///     ("employees".into(), BorrowedColumn::Numbers(vec![Piece::new(&employees, Some((&validity, 0)))?])),
    ///     ("sector".into(), BorrowedColumn::Codes(CodeColumn::new(
    ///         vec![KeyPiece::new(Keys::I8(&codes), None, 0)?], vec![sector.to_vec()])?)),
    /// ])?;
    /// let icp = Icp::new("Core", "1")
    ///     .secondary(Criterion::new("mid", "employees", Predicate::Range(Range::at_least(200.0))).points(60.0))
    ///     .secondary(Criterion::new("fin", "sector", Predicate::In(vec!["fintech".into()])).points(20.0));
    /// let plan = ScorePlan::compile(&icp, &table.schema())?;
    /// let scores = plan.score_borrowed(&mut table, &ScoreOptions::default())?;
    /// assert_eq!(scores.points(), &[80.0, 0.0, 0.0]);
    /// # Ok::<(), icpfit_core::Error>(())
    /// ```
    pub fn score_borrowed(
        &self,
        table: &mut BorrowedTable<'_>,
        opts: &ScoreOptions,
    ) -> Result<FitScores> {
        self.score_borrowed_with(table, opts, Geometry::DEFAULT)
    }

    pub(crate) fn score_borrowed_with(
        &self,
        table: &mut BorrowedTable<'_>,
        opts: &ScoreOptions,
        geo: Geometry,
    ) -> Result<FitScores> {
        opts.check()?;
        // Restricting levels changes no kind: the schema checked is the
        // shape's, built once.
        self.exact_levels(table);
        let shape = table.shape()?;
        self.check_schema(shape.schema())?;
        let bound = self.icp.bind(&shape, opts.levels)?;
        let tie_break = match &opts.tie_break {
            None => None,
            Some(t) => {
                let j = shape.schema().index_of(&t.column)?;
                let values = table.numbers(j).ok_or_else(|| Error::WrongKind {
                    column: t.column.clone(),
                    expected: "numeric (a tie-break column)".into(),
                    found: shape.schema().fields()[j].kind.to_string(),
                })?;
                Some((t.column.clone(), t.orient(values)))
            }
        };
        let sources: Vec<Source<'_>> = table.columns().iter().map(Source::Borrowed).collect();
        let kernel = self.kernel(&bound, &sources, table.n_rows())?;
        let (out, infinite) = in_pool(opts.n_threads, || kernel.run(geo))?;
        // Numbers no range criterion read were not looked at for ±∞.
        let unread = table.columns().iter().enumerate().any(|(j, c)| {
            matches!(c, BorrowedColumn::Numbers(_))
                && !bound
                    .criteria
                    .iter()
                    .any(|b| b.column == j && matches!(b.test, Test::Range(_)))
        });
        if (infinite || unread)
            && let Some(e) = table.first_infinite()
        {
            return Err(e);
        }
        Ok(self.scores(kernel.words(), out, tie_break))
    }

    /// Restricts the levels of the borrowed category columns whose
    /// dictionary could make binding differ from binding the converted
    /// column (see [`score_borrowed`](Self::score_borrowed)): binding only
    /// asks whether a named level is present (strict levels refuse an
    /// absent one; lenient ones check an absent one for a typo of a present
    /// one), so when every level the ICP names for a column occurs in its
    /// rows, the dictionary's extra entries cannot change anything.
    fn exact_levels(&self, table: &mut BorrowedTable<'_>) {
        let names = table.names().to_vec();
        let scope = self
            .icp
            .scope
            .as_ref()
            .map(|s| (s.column.as_str(), vec![s.value.clone()]));
        let named = self
            .icp
            .criteria()
            .filter_map(|(_, c)| match &c.predicate {
                Predicate::In(l) | Predicate::NotIn(l) => Some((c.column.as_str(), l.clone())),
                _ => None,
            })
            .chain(scope);
        for (column, wanted) in named {
            let Some(j) = names.iter().position(|n| n == column) else {
                continue;
            };
            let BorrowedColumn::Codes(c) = &mut table.columns_mut()[j] else {
                continue;
            };
            let absent = wanted.iter().any(|l| match c.levels().binary_search(l) {
                Ok(code) => !c.occurs(code as u32),
                Err(_) => true,
            });
            if absent {
                c.restrict_to_used();
            }
        }
    }

    pub(crate) fn score_with(
        &self,
        table: &AccountTable,
        opts: &ScoreOptions,
        geo: Geometry,
    ) -> Result<FitScores> {
        let (kernel, tie_break) = self.native_kernel(table, opts)?;
        let (out, _) = in_pool(opts.n_threads, || kernel.run(geo))?;
        Ok(self.scores(kernel.words(), out, tie_break))
    }

    /// The kernel over a table's own columns, and the tie-break values,
    /// after the checks every native scoring makes.
    fn native_kernel<'t>(
        &self,
        table: &'t AccountTable,
        opts: &ScoreOptions,
    ) -> Result<(Kernel<'t>, TieValues)> {
        opts.check()?;
        self.check_table(table)?;
        let bound = self.icp.bind(table, opts.levels)?;
        let tie_break = self.tie_break(opts, table)?;
        let sources: Vec<Source<'t>> = table.columns().iter().map(Source::Native).collect();
        Ok((self.kernel(&bound, &sources, table.n_rows())?, tie_break))
    }

    fn kernel<'t>(
        &self,
        bound: &BoundIcp,
        sources: &[Source<'t>],
        n_rows: usize,
    ) -> Result<Kernel<'t>> {
        Kernel::new(&self.icp.name, bound, &self.icp.tiers, sources, n_rows)
    }

    fn tie_break(&self, opts: &ScoreOptions, table: &AccountTable) -> Result<TieValues> {
        Ok(match &opts.tie_break {
            Some(t) => Some((t.column.clone(), t.values(table)?)),
            None => None,
        })
    }

    fn scores(&self, words: usize, out: Output, tie_break: TieValues) -> FitScores {
        FitScores {
            icp_name: self.icp.name.clone(),
            icp_version: self.icp.version.clone(),
            tiers: self.icp.tiers.clone(),
            criteria: self.criteria.clone(),
            words,
            points: out.points,
            tier: out.tier,
            gates: out.gates,
            matched: Some(out.matched),
            tie_break,
        }
    }
}
