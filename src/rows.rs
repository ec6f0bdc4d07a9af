//! `Rows`: the rows of a table or a chart, handed to templates without
//! being converted whole. Below both `view` (whose pages hold them) and
//! `chart` (which draws them as they are).

use std::fmt::Debug;
use std::ops::Deref;
use std::sync::Arc;

use minijinja::Value;
use minijinja::value::{DynObject, Enumerator, Object, ObjectRepr};
use serde::{Serialize, Serializer};

/// The rows of a table or a chart, as the template sees them: a list whose
/// rows are made into template values one at a time, as the template
/// reaches them. Serialized as a whole, as every other view is, a page
/// that lists every unit would hold all its rows as template values at
/// once, some seven times the size of the page; and a chart gets the rows
/// themselves ([`rows_of`]), with nothing converted. Serialized outside a
/// template (JSON), it is a list.
#[derive(Debug)]
pub(crate) struct Rows<T>(Arc<RowList<T>>);

#[derive(Debug)]
struct RowList<T>(Vec<T>);

impl<T> From<Vec<T>> for Rows<T> {
    fn from(rows: Vec<T>) -> Rows<T> {
        Rows(Arc::new(RowList(rows)))
    }
}

impl<T> FromIterator<T> for Rows<T> {
    fn from_iter<I: IntoIterator<Item = T>>(rows: I) -> Rows<T> {
        Rows::from(rows.into_iter().collect::<Vec<T>>())
    }
}

impl<T> Deref for Rows<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        &self.0.0
    }
}

impl<T: Serialize + Debug + Send + Sync + 'static> Object for RowList<T> {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Seq
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let row = self.0.get(key.as_usize()?)?;
        Some(Value::from(minijinja::value::Serde(row)))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Seq(self.0.len())
    }
}

impl<T: Serialize + Debug + Send + Sync + 'static> Serialize for Rows<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Value::from_dyn_object(DynObject::new(self.0.clone())).serialize(serializer)
    }
}

/// The rows of a template value made from [`Rows`] of `T`, as they are.
pub(crate) fn rows_of<T: 'static>(value: &Value) -> Option<&[T]> {
    value
        .downcast_object_ref::<RowList<T>>()
        .map(|list| list.0.as_slice())
}
