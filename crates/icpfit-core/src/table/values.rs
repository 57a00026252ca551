//! Column storage that is either owned or shared with another owner.
//!
//! A numeric column imported from Arrow (a pandas, polars or pyarrow frame)
//! already sits in memory in exactly the layout the table uses: f64 values,
//! NaN for missing. Sharing that buffer instead of copying it saves a copy
//! of 8 bytes per row and, more to the point, the page faults of touching
//! fresh memory — most of a conversion's cost. The owner is anything that
//! can lend the values as a slice (an Arrow buffer in the Python binding),
//! kept alive by an [`Arc`]; the core stays free of Arrow.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// A column's values, read as a slice; owned, or lent by a shared owner.
#[derive(Clone)]
pub enum Values<T: 'static> {
    /// Values this table owns.
    Owned(Vec<T>),
    /// Values lent by another owner (e.g. an Arrow buffer).
    Shared(Arc<dyn AsRef<[T]> + Send + Sync>),
}

impl<T> Values<T> {
    /// Heap bytes this column keeps alive (a shared buffer counts in full:
    /// the table keeps it alive).
    pub fn heap_bytes(&self) -> usize {
        match self {
            Values::Owned(v) => v.capacity() * std::mem::size_of::<T>(),
            Values::Shared(s) => std::mem::size_of_val((**s).as_ref()),
        }
    }
    /// Whether the values are lent by another owner.
    pub fn is_shared(&self) -> bool {
        matches!(self, Values::Shared(_))
    }
}

impl<T> Deref for Values<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match self {
            Values::Owned(v) => v,
            Values::Shared(s) => (**s).as_ref(),
        }
    }
}

impl<T> AsRef<[T]> for Values<T> {
    fn as_ref(&self) -> &[T] {
        self
    }
}

impl<T> From<Vec<T>> for Values<T> {
    fn from(v: Vec<T>) -> Self {
        Values::Owned(v)
    }
}

impl<T> FromIterator<T> for Values<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        Values::Owned(iter.into_iter().collect())
    }
}

impl<T: fmt::Debug> fmt::Debug for Values<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

/// Equal when the values are (whoever owns them).
impl<T: PartialEq> PartialEq for Values<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn owned_and_shared_read_and_compare_alike() {
        let owned: Values<f64> = vec![1.0, 2.5].into();
        let shared = Values::Shared(Arc::new(vec![1.0, 2.5]));
        assert_eq!(owned, shared);
        assert_eq!(&shared[..], &[1.0, 2.5]);
        assert!(shared.is_shared() && !owned.is_shared());
        assert_eq!(shared.heap_bytes(), 16);
        assert_eq!(format!("{owned:?}"), "[1.0, 2.5]");
    }
}
