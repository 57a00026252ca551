//! Arrow record batches → a [`BorrowedTable`]: the columns scoring can read
//! where they lie, without converting them. Pure Rust (no Python).
//!
//! | Arrow column | borrowed as |
//! |---|---|
//! | float64 (any chunks, nulls or NaN for missing) | numbers: the values and the validity bitmap |
//! | int64 (not named in `categories`) | integers: the values and the validity bitmap |
//! | dictionary of strings, integer keys | keys into each chunk's dictionary |
//! | integers named in `categories` (pandas' category codes, polars' physical codes) | keys into those categories |
//!
//! Everything else, and a column whose role is `id` or whose metadata
//! declares another kind, is converted exactly as [`crate::arrow_in`] does.
//! So is a category whose values join tags (`a;b`) or are all ISO dates,
//! which the conversion infers as a tag set or a date.

use crate::arrow_in::{META_KIND, Overrides, TAG_SEPARATOR, convert, field_role, strings_column};
use crate::error::{BindResult, PyIcpfitErr};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type, UInt16Type, UInt32Type,
    UInt64Type,
};
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, PrimitiveArray, RecordBatch};
use arrow_schema::{DataType, Field, Schema};
use icpfit_core::score::{
    BorrowedColumn, BorrowedTable, CodeColumn, Dictionary, KeyPiece, Keys, Piece,
};
use icpfit_core::table::{Column, Kind, Role};
use rayon::prelude::*;
use std::sync::Arc;

/// The categories of integer-coded columns: each distinct list once (a
/// polars frame's categorical columns all share its global categories), and
/// by column name the index of its list.
#[derive(Debug, Default)]
pub struct Categories {
    /// Shared, not copied, with what outlives the call (a scoring's row
    /// labels, when the ids are categories: polars' list may be long).
    lists: Vec<Arc<[Option<String>]>>,
    columns: Vec<(String, usize)>,
}

/// A list added to [`Categories`] (only `add_list` makes one, so every
/// column's list exists).
#[derive(Debug, Clone, Copy)]
pub struct ListId(usize);

impl ListId {
    /// The list's number (as [`Categories::list_of`] gives it).
    pub(crate) fn index(self) -> usize {
        self.0
    }
}

impl Categories {
    /// Column `name`'s codes index `list`.
    pub fn add_column(&mut self, name: String, list: ListId) {
        self.columns.push((name, list.0));
    }
    /// A list of categories (code i → entry i, `None` for a code not in
    /// use), for [`add_column`](Self::add_column).
    pub fn add_list(&mut self, list: impl Into<Arc<[Option<String>]>>) -> ListId {
        self.lists.push(list.into());
        ListId(self.lists.len() - 1)
    }
    /// Replaces list `list` (made empty by [`add_list`](Self::add_list)
    /// while its entries were still to be looked up).
    pub fn set_list(&mut self, list: ListId, entries: Vec<Option<String>>) {
        self.lists[list.0] = entries.into();
    }
    /// The columns whose codes index `list`.
    pub fn columns_of(&self, list: ListId) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .filter(move |(_, i)| *i == list.0)
            .map(|(n, _)| n.as_str())
    }
    /// A list of its own for each column.
    #[cfg(test)]
    fn of_columns(columns: Vec<(String, Vec<Option<String>>)>) -> Self {
        let mut c = Self::default();
        for (name, list) in columns {
            let i = c.add_list(list);
            c.add_column(name, i);
        }
        c
    }
    /// List number `i` (code i → entry i).
    pub(crate) fn list(&self, i: usize) -> Arc<[Option<String>]> {
        Arc::clone(&self.lists[i])
    }
    /// The number of the list of column `name`, if any.
    pub(crate) fn list_of(&self, name: &str) -> Option<usize> {
        self.columns
            .iter()
            .find(|(n, _)| n == name)
            .map(|&(_, i)| i)
    }
    /// Each list as a dictionary, leveled once for all its columns.
    pub(crate) fn dictionaries(&self) -> Vec<Leveled<'_>> {
        self.lists.iter().map(|l| Leveled::of(l)).collect()
    }
}

impl<'a> Leveled<'a> {
    /// A list (code i → entry i) leveled.
    pub(crate) fn of(list: &'a [Option<String>]) -> Self {
        let dictionary = Dictionary::new(list.iter().map(|c| c.as_deref()).collect());
        let may_convert = levels_may_convert(dictionary.levels());
        Self {
            dictionary,
            may_convert,
        }
    }
}

/// A category list leveled once for every column that indexes it, and
/// whether its values could make such a column something other than
/// categories ([`levels_may_convert`]): both once per list, not once per column
/// (polars' columns all index one process-wide list, of any length).
pub(crate) struct Leveled<'a> {
    pub(crate) dictionary: Dictionary<'a>,
    pub(crate) may_convert: bool,
}

/// Whether some level could make a column of these levels tags (values
/// joined by the separator) or dates (ISO): then the levels in use decide.
fn levels_may_convert(levels: &[String]) -> bool {
    levels
        .iter()
        .any(|l| l.contains(TAG_SEPARATOR) || icpfit_core::table::date::parse_iso(l).is_some())
}

/// The columns of `batches` as a table scoring reads in place.
pub fn borrowed_table<'a>(
    schema: &'a Schema,
    batches: &'a [RecordBatch],
    categories: &'a Categories,
    overrides: &Overrides,
) -> BindResult<BorrowedTable<'a>> {
    // Columns are independent: when some column converts (text, dates, a
    // type scoring cannot read in place), they convert in parallel, as in
    // [`crate::arrow_in::table_from_batches`]; the first failing column in
    // schema order is the error reported. Borrowing alone is a few pointer
    // reads per column, done on this thread: waking the pool for it cost
    // more than the work (~80 µs a call, measured).
    let converts = |f: &Field| !in_place(f, categories.list_of(f.name()).is_some());
    let dictionaries = categories.dictionaries();
    let one = |(j, field): (usize, &Arc<Field>)| -> BindResult<(String, BorrowedColumn<'a>)> {
        let arrays: Vec<&'a ArrayRef> = batches.iter().map(|b| b.column(j)).collect();
        let name = field.name();
        let role = field_role(field, overrides)?;
        let declared = field.metadata().get(META_KIND).map(String::as_str);
        let as_text = role == Role::Id || declared == Some(Kind::Text.as_str());
        let coded = categories.list_of(name).map(|i| &dictionaries[i]);
        let column = match borrow(field, &arrays, coded.map(|l| &l.dictionary))? {
            Some(BorrowedColumn::Codes(c)) => {
                match settled(name, c, as_text, declared, coded.map(|l| l.may_convert))? {
                    Settled::Converted(owned) => BorrowedColumn::Owned(owned),
                    Settled::Categories(c) => BorrowedColumn::Codes(c),
                }
            }
            // Integers declared another kind (a flag, a date) convert.
            Some(BorrowedColumn::Integers(_))
                if declared.is_some_and(|d| d != Kind::Numeric.as_str()) =>
            {
                BorrowedColumn::Owned(convert(field, &arrays, as_text)?)
            }
            Some(numbers) if !as_text => numbers,
            _ => BorrowedColumn::Owned(convert(field, &arrays, as_text)?),
        };
        Ok((name.clone(), column))
    };
    let fields = schema.fields();
    let columns: Vec<BindResult<_>> = if fields.iter().any(|f| converts(f)) {
        fields.par_iter().enumerate().map(one).collect()
    } else {
        fields.iter().enumerate().map(one).collect()
    };
    Ok(BorrowedTable::new(
        columns.into_iter().collect::<BindResult<Vec<_>>>()?,
    )?)
}

/// An integer column of codes into `levels` (see [`Categories`]) as the
/// column it stands for converts: text when `as_text`, the `declared` kind,
/// a tag set or dates when its values say so, else categorical with the
/// levels in use.
pub(crate) fn coded_column(
    field: &Field,
    arrays: &[&ArrayRef],
    list: &Leveled<'_>,
    as_text: bool,
    declared: Option<&str>,
) -> BindResult<Column> {
    let codes = code_column(field, arrays, &list.dictionary)?;
    let may_convert = Some(list.may_convert);
    Ok(
        match settled(field.name(), codes, as_text, declared, may_convert)? {
            Settled::Converted(column) => column,
            Settled::Categories(mut codes) => {
                codes.restrict_to_used();
                Column::Categorical(codes.to_categorical()?)
            }
        },
    )
}

/// What a column of category codes is, as converting it would decide.
enum Settled<'a> {
    /// Another kind: text (ids), the declared kind, tags or dates.
    Converted(Column),
    /// Categories, still as codes.
    Categories(CodeColumn<'a>),
}

/// Decides a column of codes as converting it would: text when `as_text`,
/// the `declared` kind, a tag set or dates when its values say so, else
/// categories. `may_convert`: [`levels_may_convert`] of its levels when known
/// (a shared list's), else looked at here.
fn settled<'a>(
    name: &str,
    mut codes: CodeColumn<'a>,
    as_text: bool,
    declared: Option<&str>,
    may_convert: Option<bool>,
) -> BindResult<Settled<'a>> {
    if as_text || declared.is_some_and(|d| d != "categorical") {
        return Ok(Settled::Converted(decoded(name, codes, as_text, declared)?));
    }
    let may_convert = may_convert.unwrap_or_else(|| levels_may_convert(codes.levels()));
    Ok(match inferred(&mut codes, may_convert)? {
        Some(owned) => Settled::Converted(owned),
        None => Settled::Categories(codes),
    })
}

/// Integer arrays as keys into one dictionary.
fn code_column<'a>(
    field: &Field,
    arrays: &[&'a ArrayRef],
    dictionary: &Dictionary<'a>,
) -> BindResult<CodeColumn<'a>> {
    let pieces = arrays
        .iter()
        .map(|&a| {
            let (keys, valid) =
                integer_keys(a.as_ref(), field.data_type()).ok_or_else(|| unsupported(field))?;
            Ok(KeyPiece::new(keys, valid, 0)?)
        })
        .collect::<BindResult<_>>()?;
    Ok(CodeColumn::sharing(pieces, dictionary)?)
}

/// Whether [`borrow`] reads a column of this type in place (`coded`: its
/// integers are codes into categories).
fn in_place(field: &Field, coded: bool) -> bool {
    match field.data_type() {
        DataType::Float64 | DataType::Int64 => true,
        DataType::Dictionary(_, value) => matches!(
            **value,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        ),
        dt => coded && dt.is_integer(),
    }
}

/// The column borrowed, when its type allows.
fn borrow<'a>(
    field: &Field,
    arrays: &[&'a ArrayRef],
    coded: Option<&Dictionary<'a>>,
) -> BindResult<Option<BorrowedColumn<'a>>> {
    let dt = field.data_type();
    if *dt == DataType::Float64 {
        return Ok(Some(BorrowedColumn::Numbers(pieces::<Float64Type>(
            arrays,
        )?)));
    }
    if *dt == DataType::Int64 && coded.is_none() {
        return Ok(Some(BorrowedColumn::Integers(pieces::<Int64Type>(arrays)?)));
    }
    if let Some(categories) = coded
        && dt.is_integer()
    {
        return Ok(Some(BorrowedColumn::Codes(code_column(
            field, arrays, categories,
        )?)));
    }
    if let DataType::Dictionary(key, value) = dt
        && matches!(
            **value,
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View
        )
    {
        let mut pieces = Vec::with_capacity(arrays.len());
        let mut dictionaries: Vec<Vec<Option<&'a str>>> = Vec::new();
        let mut last: Option<&'a ArrayRef> = None;
        for &a in arrays {
            let d = a.as_any_dictionary();
            let values = d.values();
            // Chunks usually share one dictionary: read it once.
            if !last.is_some_and(|l| std::sync::Arc::ptr_eq(l, values)) {
                dictionaries.push(strings(values.as_ref()).ok_or_else(|| unsupported(field))?);
                last = Some(values);
            }
            let (keys, valid) =
                dictionary_keys(a.as_ref(), key).ok_or_else(|| unsupported(field))?;
            pieces.push(KeyPiece::new(keys, valid, dictionaries.len() - 1)?);
        }
        return Ok(Some(BorrowedColumn::Codes(CodeColumn::new(
            pieces,
            dictionaries,
        )?)));
    }
    Ok(None)
}

/// The values and validity of each chunk of a primitive column of type `T`.
fn pieces<'a, T: ArrowPrimitiveType>(
    arrays: &[&'a ArrayRef],
) -> icpfit_core::Result<Vec<Piece<'a, T::Native>>> {
    arrays
        .iter()
        .map(|&a| {
            let (values, valid) = typed(a.as_primitive::<T>());
            Piece::new(values, valid)
        })
        .collect()
}

fn unsupported(field: &Field) -> PyIcpfitErr {
    PyIcpfitErr::UnsupportedArrowType {
        column: field.name().clone(),
        data_type: field.data_type().to_string(),
    }
}

/// A validity bitmap: its bytes and bit offset.
type Bits<'a> = Option<(&'a [u8], usize)>;

/// The validity bitmap of an array with nulls.
fn validity(a: &dyn Array) -> Bits<'_> {
    a.nulls()
        .filter(|n| n.null_count() > 0)
        .map(|n| (n.inner().values(), n.inner().offset()))
}

/// The values of a primitive array and its validity.
fn typed<T: ArrowPrimitiveType>(a: &PrimitiveArray<T>) -> (&[T::Native], Bits<'_>) {
    (a.values(), validity(a))
}

/// An integer array as keys.
fn integer_keys<'a>(a: &'a dyn Array, dt: &DataType) -> Option<(Keys<'a>, Bits<'a>)> {
    macro_rules! keys {
        ($t:ty, $k:ident) => {{
            let (v, valid) = typed(a.as_primitive_opt::<$t>()?);
            (Keys::$k(v), valid)
        }};
    }
    Some(match dt {
        DataType::Int8 => keys!(Int8Type, I8),
        DataType::Int16 => keys!(Int16Type, I16),
        DataType::Int32 => keys!(Int32Type, I32),
        DataType::Int64 => keys!(Int64Type, I64),
        DataType::UInt8 => keys!(UInt8Type, U8),
        DataType::UInt16 => keys!(UInt16Type, U16),
        DataType::UInt32 => keys!(UInt32Type, U32),
        DataType::UInt64 => keys!(UInt64Type, U64),
        _ => return None,
    })
}

/// A dictionary array's keys (their validity is the rows').
fn dictionary_keys<'a>(a: &'a dyn Array, key: &DataType) -> Option<(Keys<'a>, Bits<'a>)> {
    macro_rules! keys {
        ($t:ty) => {
            integer_keys(a.as_dictionary_opt::<$t>()?.keys(), key)
        };
    }
    match key {
        DataType::Int8 => keys!(Int8Type),
        DataType::Int16 => keys!(Int16Type),
        DataType::Int32 => keys!(Int32Type),
        DataType::Int64 => keys!(Int64Type),
        DataType::UInt8 => keys!(UInt8Type),
        DataType::UInt16 => keys!(UInt16Type),
        DataType::UInt32 => keys!(UInt32Type),
        DataType::UInt64 => keys!(UInt64Type),
        _ => None,
    }
}

/// A string array's values (`None` for nulls).
pub(crate) fn strings(a: &dyn Array) -> Option<Vec<Option<&str>>> {
    Some(match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().iter().collect(),
        DataType::LargeUtf8 => a.as_string::<i64>().iter().collect(),
        DataType::Utf8View => a.as_string_view().iter().collect(),
        _ => return None,
    })
}

/// A borrowed category the conversion would not leave categorical, as that
/// conversion: tags joined in one value, or every value an ISO date.
/// `None` when it stays categorical (the levels then exactly those in use,
/// when a value could have said otherwise: `may_convert`).
fn inferred(c: &mut CodeColumn<'_>, may_convert: bool) -> BindResult<Option<Column>> {
    if !may_convert {
        return Ok(None);
    }
    c.restrict_to_used();
    Ok(match strings_column(c.to_categorical()?, None) {
        Column::Categorical(_) => None,
        other => Some(other),
    })
}

/// A borrowed category converted: as text (ids), or to the declared kind.
fn decoded(
    name: &str,
    c: CodeColumn<'_>,
    as_text: bool,
    declared: Option<&str>,
) -> BindResult<Column> {
    let mut c = c;
    c.restrict_to_used();
    let cat = c.to_categorical()?;
    Ok(if as_text {
        let values: Vec<Option<&str>> = (0..cat.codes().len()).map(|i| cat.get(i)).collect();
        Column::Text(icpfit_core::table::TextColumn::from_strings(name, &values)?)
    } else {
        strings_column(cat, declared)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::{DictionaryArray, Float64Array, Int8Array, Int64Array, StringArray};
    use std::collections::HashMap;
    use std::sync::Arc;

    fn batches(cols: Vec<(&str, ArrayRef, Option<&str>)>) -> (Schema, Vec<RecordBatch>) {
        let fields: Vec<Field> = cols
            .iter()
            .map(|(n, a, kind)| {
                let f = Field::new(*n, a.data_type().clone(), true);
                match kind {
                    Some(k) => {
                        f.with_metadata(HashMap::from([(META_KIND.to_owned(), (*k).to_owned())]))
                    }
                    None => f,
                }
            })
            .collect();
        let schema = Arc::new(Schema::new(fields));
        let arrays: Vec<ArrayRef> = cols.into_iter().map(|(_, a, _)| a).collect();
        let b = RecordBatch::try_new(schema.clone(), arrays).expect("batch");
        // Two batches of the same arrays: pieces, one shared dictionary.
        ((*schema).clone(), vec![b.clone(), b])
    }

    fn dict(values: &[Option<&str>]) -> ArrayRef {
        Arc::new(
            values
                .iter()
                .copied()
                .collect::<DictionaryArray<Int8Type>>(),
        )
    }

    #[test]
    fn each_arrow_type_is_borrowed_or_converted_as_documented() {
        let (schema, b) = batches(vec![
            (
                "employees",
                Arc::new(Float64Array::from(vec![Some(1.0), None, Some(f64::NAN)])),
                None,
            ),
            (
                "sector",
                dict(&[Some("fintech"), None, Some("retail")]),
                None,
            ),
            (
                "region_code",
                Arc::new(Int8Array::from(vec![0, -1, 1])),
                None,
            ),
            ("seats", Arc::new(Int64Array::from(vec![1, 2, 3])), None),
            ("stack", dict(&[Some("a;b"), Some("a"), None]), None),
            (
                "signed",
                dict(&[Some("2025-01-31"), None, Some("2024-12-01")]),
                None,
            ),
            ("note", dict(&[Some("x"), Some("y"), None]), Some("text")),
            (
                "account_id",
                dict(&[Some("a1"), Some("a2"), Some("a3")]),
                None,
            ),
            (
                "plain",
                Arc::new(StringArray::from(vec![Some("p"), None, Some("q")])),
                None,
            ),
        ]);
        let categories = Categories::of_columns(vec![(
            "region_code".to_owned(),
            vec![Some("emea".to_owned()), Some("na".to_owned())],
        )]);
        let t = borrowed_table(&schema, &b, &categories, &Overrides::default()).expect("table");
        assert_eq!(t.n_rows(), 6);
        let kinds: Vec<String> = t
            .columns()
            .iter()
            .map(|c| match c {
                BorrowedColumn::Numbers(p) => format!("numbers/{}", p.len()),
                BorrowedColumn::Integers(p) => format!("integers/{}", p.len()),
                BorrowedColumn::Codes(c) => format!("codes {:?}", c.levels()),
                BorrowedColumn::Owned(c) => format!("owned {}", c.kind()),
            })
            .collect();
        assert_eq!(
            kinds,
            [
                "numbers/2",
                r#"codes ["fintech", "retail"]"#,
                r#"codes ["emea", "na"]"#,
                "integers/2",
                "owned tag_set",
                "owned date",
                "owned text",
                "owned text",
                "owned categorical",
            ]
        );
        // A borrowed column reads as its conversion does.
        let BorrowedColumn::Codes(region) = &t.columns()[2] else {
            unreachable!()
        };
        let cat = region.to_categorical().expect("codes");
        assert_eq!(cat.get(0), Some("emea"));
        assert_eq!(cat.get(1), None);
        assert_eq!(cat.get(5), Some("na"));
        assert!(!t.columns()[0].all_missing());
    }

    #[test]
    fn categories_apply_to_integer_columns_only() {
        let (schema, b) = batches(vec![(
            "region",
            Arc::new(StringArray::from(vec!["x"])),
            None,
        )]);
        // Categories for a string column are not used: it converts as usual.
        let categories =
            Categories::of_columns(vec![("region".to_owned(), vec![Some("a".to_owned())])]);
        let t = borrowed_table(&schema, &b, &categories, &Overrides::default()).expect("table");
        assert!(matches!(
            t.columns()[0],
            BorrowedColumn::Owned(Column::Categorical(_))
        ));
    }
}
