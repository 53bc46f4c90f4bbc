//! The value model: Go values as `text/template` sees them.
//!
//! Helm's output depends on distinctions that a JSON-like model loses: `int` (template
//! constants, `len`) versus `int64` (`--set` integers, Sprig arithmetic) versus `float64`
//! (every number read from a YAML file), `[]interface {}` versus `[]string`, a nil
//! interface versus a missing map key. This enum keeps each of them, so printing (`%v`,
//! `%T`), comparison (`eq` between `float64` and `int` is an error in Go) and Sprig's
//! reflection (`kindOf`, `typeOf`) behave as in Go.
//!
//! Values are cheap to clone: every compound value is behind an [`Arc`], because `include`
//! and `tpl` pass `.` around constantly.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// A Go value.
#[derive(Clone)]
pub enum Value {
    /// A nil interface (`<nil>`): a missing map key, `nil`, a YAML `null`.
    Nil,
    /// Go `bool`.
    Bool(bool),
    /// Go `int` (64-bit): integer constants in templates, `len`, builtin results.
    Int(i64),
    /// Go `int64`: `--set` integers, Sprig's integer arithmetic.
    Int64(i64),
    /// Go `uint64`.
    Uint64(u64),
    /// Go `uint8` (`byte`): what `index` yields for a string or `[]byte` element.
    Uint8(u8),
    /// Go `float64`: every number that came from YAML or JSON.
    Float64(f64),
    /// Go `string`.
    String(Arc<str>),
    /// Go `[]byte` (`.Files.GetBytes`, `b64dec` inputs).
    Bytes(Arc<[u8]>),
    /// A Go slice (`[]interface {}`, `[]string`, ...).
    List(Arc<List>),
    /// A Go map with string keys (`map[string]interface {}`, `chartutil.Values`, ...).
    Map(Arc<Map>),
    /// A typed Go object with fields and methods (`.Chart`, `.Files`, `.Capabilities`).
    Object(Arc<dyn Object>),
}

/// The element type of a slice or the value type of a map, as Go names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ElemType {
    /// `interface {}`
    Interface,
    /// `string`
    String,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `float64`
    Float64,
    /// `bool`
    Bool,
    /// `[]interface {}`: the element type of Sprig's `chunk` result (`[][]interface {}`).
    InterfaceSlice,
}

impl ElemType {
    /// The Go spelling of the type (`interface {}`, `string`, ...).
    pub fn go_name(self) -> &'static str {
        match self {
            ElemType::Interface => "interface {}",
            ElemType::String => "string",
            ElemType::Int => "int",
            ElemType::Int64 => "int64",
            ElemType::Float64 => "float64",
            ElemType::Bool => "bool",
            ElemType::InterfaceSlice => "[]interface {}",
        }
    }
}

/// A Go slice: its element type and its items.
#[derive(Clone)]
pub struct List {
    /// The static element type (`[]string` prints and reflects differently from `[]interface {}`).
    pub elem: ElemType,
    /// The items, in order.
    pub items: Vec<Value>,
}

/// A Go map with string keys. Go maps have no order; templates, `fmt` and `encoding/json`
/// all visit them in sorted key order, which is what a [`BTreeMap`] gives.
///
/// Go maps are references: Sprig's `set`, `unset` and `merge` change the map every holder
/// sees (charts rely on `$_ := set $d "k" v` and on `merge` into `.Values` subtrees), so the
/// entries sit behind a lock and are changed in place. Never hold a guard across a call that
/// may run template code: take a [`Map::snapshot`] instead.
pub struct Map {
    /// The Go type name when it is a named type (`chartutil.Values`); `None` for a plain
    /// `map[string]<value type>`.
    pub named: Option<&'static str>,
    /// The static value type.
    pub elem: ElemType,
    entries: RwLock<BTreeMap<String, Value>>,
}

impl Map {
    /// A map of the given type with these entries.
    pub fn new(
        named: Option<&'static str>,
        elem: ElemType,
        entries: BTreeMap<String, Value>,
    ) -> Map {
        Map {
            named,
            elem,
            entries: RwLock::new(entries),
        }
    }

    /// Read access to the entries (sorted by key bytes, as Go sorts strings).
    pub fn entries(&self) -> RwLockReadGuard<'_, BTreeMap<String, Value>> {
        self.entries
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Write access, for the functions that change a map in place as Go does.
    pub fn entries_mut(&self) -> RwLockWriteGuard<'_, BTreeMap<String, Value>> {
        self.entries
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// A copy of the entries (values are shared), safe to iterate while template code runs.
    pub fn snapshot(&self) -> BTreeMap<String, Value> {
        self.entries().clone()
    }

    /// The value of a key.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.entries().get(key).cloned()
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries().len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries().is_empty()
    }
}

impl Clone for Map {
    /// A new map with the same entries (Go's map copy: nested values stay shared).
    fn clone(&self) -> Map {
        Map::new(self.named, self.elem, self.snapshot())
    }
}

/// Go's reflect kinds, as Sprig's `kindOf` prints them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The zero `reflect.Value` (nil interface): `invalid`.
    Invalid,
    /// `bool`
    Bool,
    /// `int`
    Int,
    /// `int64`
    Int64,
    /// `uint64`
    Uint64,
    /// `uint8`
    Uint8,
    /// `float64`
    Float64,
    /// `string`
    String,
    /// `slice`
    Slice,
    /// `map`
    Map,
    /// `struct`
    Struct,
    /// `ptr`
    Ptr,
    /// `func`
    Func,
}

impl Kind {
    /// The name `reflect.Kind.String()` gives.
    pub fn go_name(self) -> &'static str {
        match self {
            Kind::Invalid => "invalid",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Int64 => "int64",
            Kind::Uint64 => "uint64",
            Kind::Uint8 => "uint8",
            Kind::Float64 => "float64",
            Kind::String => "string",
            Kind::Slice => "slice",
            Kind::Map => "map",
            Kind::Struct => "struct",
            Kind::Ptr => "ptr",
            Kind::Func => "func",
        }
    }
}

/// A typed Go object: a struct (or pointer to one) or a named map type with methods, such as
/// Helm's `*chart.Metadata`, `files` or `*chartutil.Capabilities`.
pub trait Object: Send + Sync {
    /// The Go type name as `%T` prints it, e.g. `*chart.Metadata`.
    fn type_name(&self) -> &str;
    /// The reflect kind (`ptr` for pointers to structs, `struct`, `map`).
    fn kind(&self) -> Kind;
    /// An exported field (or, for map-typed objects, a key), or `None` if there is none.
    fn field(&self, name: &str) -> Option<Value>;
    /// Whether the object has a method of that name.
    fn has_method(&self, name: &str) -> bool;
    /// Calls a method. `Err` carries the Go error text the method returned.
    fn call_method(&self, name: &str, args: &[Value]) -> Result<Value, String>;
    /// How `%v` prints the object (Go prints `&{a b}` for a pointer to a struct).
    fn format_v(&self) -> String;
    /// The object seen as plain data (for `toYaml`, `toJson`, `deepCopy`): a map of its
    /// serialisable fields under their JSON names.
    fn to_data(&self) -> Value {
        Value::Nil
    }
    /// For a struct (or pointer to one): its exported fields under their Go names, in
    /// declaration order. Encoders that walk Go structs themselves (go-yaml v3 for
    /// `toYamlPretty`, BurntSushi/toml for `toToml`) use this, because they keep field
    /// order and ignore `json` tags; `None` for anything else.
    fn go_fields(&self) -> Option<Vec<(String, Value)>> {
        None
    }
    /// The Go parameter types of a method, if the object declares them. With a signature
    /// the engine checks arity and converts arguments before calling, exactly as Go does
    /// for methods (`wrong number of args for Has: want 1 got 0`, `expected string; found
    /// 1`); without one, arguments arrive as `interface {}` values and the method checks.
    fn method_signature(&self, _name: &str) -> Option<crate::func::Signature> {
        None
    }
}

impl Value {
    /// A Go string.
    pub fn str(s: impl Into<Arc<str>>) -> Value {
        Value::String(s.into())
    }

    /// A `[]interface {}`.
    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Arc::new(List {
            elem: ElemType::Interface,
            items,
        }))
    }

    /// A `[]string`.
    pub fn string_list(items: impl IntoIterator<Item = String>) -> Value {
        Value::List(Arc::new(List {
            elem: ElemType::String,
            items: items.into_iter().map(Value::str).collect(),
        }))
    }

    /// A `map[string]interface {}`.
    pub fn map(entries: BTreeMap<String, Value>) -> Value {
        Value::Map(Arc::new(Map::new(None, ElemType::Interface, entries)))
    }

    /// Go's `%T`.
    pub fn type_name(&self) -> String {
        match self {
            Value::Nil => "<nil>".into(),
            Value::Bool(_) => "bool".into(),
            Value::Int(_) => "int".into(),
            Value::Int64(_) => "int64".into(),
            Value::Uint64(_) => "uint64".into(),
            Value::Uint8(_) => "uint8".into(),
            Value::Float64(_) => "float64".into(),
            Value::String(_) => "string".into(),
            Value::Bytes(_) => "[]uint8".into(),
            Value::List(l) => format!("[]{}", l.elem.go_name()),
            Value::Map(m) => match m.named {
                Some(n) => n.into(),
                None => format!("map[string]{}", m.elem.go_name()),
            },
            Value::Object(o) => o.type_name().into(),
        }
    }

    /// Go's `reflect.Kind` of the value.
    pub fn kind(&self) -> Kind {
        match self {
            Value::Nil => Kind::Invalid,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) => Kind::Int,
            Value::Int64(_) => Kind::Int64,
            Value::Uint64(_) => Kind::Uint64,
            Value::Uint8(_) => Kind::Uint8,
            Value::Float64(_) => Kind::Float64,
            Value::String(_) => Kind::String,
            Value::Bytes(_) | Value::List(_) => Kind::Slice,
            Value::Map(_) => Kind::Map,
            Value::Object(o) => o.kind(),
        }
    }

    /// Go template truth (`text/template`'s `isTrue`): false for the zero value of the type,
    /// for empty slices, maps and strings, and for nil.
    pub fn is_true(&self) -> bool {
        match self {
            Value::Nil => false,
            Value::Bool(b) => *b,
            Value::Int(i) | Value::Int64(i) => *i != 0,
            Value::Uint64(u) => *u != 0,
            Value::Uint8(u) => *u != 0,
            Value::Float64(f) => *f != 0.0,
            Value::String(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.items.is_empty(),
            Value::Map(m) => !m.is_empty(),
            Value::Object(_) => true,
        }
    }

    /// The string if this is a Go string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether the value is a nil interface.
    pub fn is_nil(&self) -> bool {
        matches!(self, Value::Nil)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.into())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s.into())
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Value {
        Value::Float64(f)
    }
}

impl fmt::Debug for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Nil => write!(f, "nil"),
            Value::Bool(b) => write!(f, "bool({b})"),
            Value::Int(i) => write!(f, "int({i})"),
            Value::Int64(i) => write!(f, "int64({i})"),
            Value::Uint64(u) => write!(f, "uint64({u})"),
            Value::Uint8(u) => write!(f, "uint8({u})"),
            Value::Float64(x) => write!(f, "float64({x:?})"),
            Value::String(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => write!(f, "bytes({b:?})"),
            Value::List(l) => f.debug_list().entries(l.items.iter()).finish(),
            Value::Map(m) => f.debug_map().entries(m.snapshot().iter()).finish(),
            Value::Object(o) => write!(f, "{}", o.type_name()),
        }
    }
}
